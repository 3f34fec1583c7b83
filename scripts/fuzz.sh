#!/usr/bin/env bash
# Runs each cargo-fuzz target for a while (default 60 s each) and reports whether any
# input crashed it. Needs nightly Rust, which the script installs with rustup if
# missing, and cargo-fuzz, installed into .tools.
# Usage: scripts/fuzz.sh [seconds per target]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
seconds=${1:-60}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
[ -x .tools/bin/cargo-fuzz ] || cargo install cargo-fuzz --root .tools

for target in verify_token parse_phc; do
  echo "==> Fuzzing $target for $seconds s"
  mkdir -p "fuzz/corpus/$target"
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -rss_limit_mb=2048
done
