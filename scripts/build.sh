#!/usr/bin/env bash
# Builds the npm package's wasm into pkg/ and the Worker into build/.
# Usage: scripts/build.sh [package|worker|all]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
[ -f .tools/rust-toolchain ] && export RUSTUP_TOOLCHAIN=$(cat .tools/rust-toolchain)

what=${1:-all}

build_package() {
  echo "==> Building the npm package's wasm"
  cargo build --lib --release --target wasm32-unknown-unknown --features bindings
  # A clean folder keeps snippets of earlier builds out of the package.
  rm -rf pkg
  wasm-bindgen --target web --out-dir pkg --out-name jwtlib --no-typescript --remove-name-section \
    target/wasm32-unknown-unknown/release/jwtlib.wasm
}

build_worker() {
  echo "==> Building the Worker"
  cargo build --lib --release --target wasm32-unknown-unknown --features worker
  local glue=target/worker-glue
  rm -rf "$glue" build
  wasm-bindgen --target web --out-dir "$glue" --out-name index --no-typescript --remove-name-section \
    target/wasm32-unknown-unknown/release/jwtlib.wasm
  cp src/worker/entry.js "$glue/entry.js"
  # One ES module plus the wasm it imports, the layout wrangler uploads as it is.
  esbuild "$glue/entry.js" --bundle --format=esm --platform=neutral --external:./index_bg.wasm \
    --inject:src/worker/microtask.js --outfile=build/index.js --log-level=warning
  cp "$glue/index_bg.wasm" build/index_bg.wasm
}

case "$what" in
  package) build_package ;;
  worker) build_worker ;;
  all) build_package; build_worker ;;
  *) echo "usage: $0 [package|worker|all]" >&2; exit 2 ;;
esac
