#!/usr/bin/env bash
# Builds everything and runs every test layer: native Rust, wasm-bindgen under Node,
# the npm package under node --test, and the Worker on workerd through Miniflare.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh
[ -f .tools/rust-toolchain ] && export RUSTUP_TOOLCHAIN=$(cat .tools/rust-toolchain)

echo "==> Lints"
cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown --features bindings,worker -- -D warnings

echo "==> Native Rust tests"
cargo test

echo "==> wasm-bindgen tests under Node"
wasm-pack test --node -- --features bindings

bash scripts/build.sh all

echo "==> JS package and Worker tests"
node --test --test-concurrency=1 tests/js/ tests/worker/ tests/readme/ tests/bench/
