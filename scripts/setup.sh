#!/usr/bin/env bash
# Installs everything the build and the tests need, into ignored folders of the
# project: the wasm32 Rust target, wasm-bindgen-cli, wasm-pack and the npm packages
# (esbuild and wrangler among them). Each step is skipped when its result is already
# there, so a rerun costs seconds.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

has_wasm_target() {
  [ -d "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib" ]
}

install_wasm_target_from_debian() {
  # Fallback for machines where rustup cannot download: Debian's browser toolchain
  # ships the standard library source, from which the wasm32 std is built once.
  apt-get update
  apt-get install -y rustc-web cargo-web rust-web-src lld-22
  local work
  work=$(mktemp -d)
  cp -r /usr/lib/rustlib/src/rust/library "$work/library"
  (cd "$work/library" &&
    PATH=/usr/bin:$PATH RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zforce-unstable-if-unmarked \
      CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 \
      cargo build --release -p sysroot --no-default-features --target wasm32-unknown-unknown)
  mkdir -p /usr/lib/rustlib/wasm32-unknown-unknown/lib
  cp "$work"/library/target/wasm32-unknown-unknown/release/deps/*.rlib /usr/lib/rustlib/wasm32-unknown-unknown/lib/
  ln -sf /usr/lib/llvm-22/bin/lld /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld
  rustup toolchain link web /usr
  rm -rf "$work"
  echo "web" > "$root/.tools/rust-toolchain"
}

mkdir -p .tools/bin .tools/config

if [ -f .tools/rust-toolchain ]; then
  export RUSTUP_TOOLCHAIN=$(cat .tools/rust-toolchain)
fi
if ! has_wasm_target; then
  step "Adding the wasm32-unknown-unknown Rust target"
  if ! timeout 300 rustup target add wasm32-unknown-unknown; then
    echo "rustup could not add the target; building it from Debian's packages instead" >&2
    install_wasm_target_from_debian
  fi
fi

# Installed tools are also kept in a per-user cache, keyed by version, so that a fresh
# clone on the same machine links them instead of compiling them again.
# cargo install --locked is avoided on purpose: the registry mirror here can lag behind
# the versions in a tool's lock file, and an unlocked install resolves to what it has.
tool_cache=${JWTLIB_TOOL_CACHE:-$HOME/.cache/jwtlib/tools}
install_crate() {
  local crate=$1 version=$2 binary=$3
  if [ -x ".tools/bin/$binary" ] && "./.tools/bin/$binary" --version 2>/dev/null | grep -q "$version"; then
    return
  fi
  local cached="$tool_cache/$crate-$version"
  if ! { [ -x "$cached/bin/$binary" ] && "$cached/bin/$binary" --version 2>/dev/null | grep -q "$version"; }; then
    step "Installing $crate $version into $cached"
    cargo install "$crate" --version "=$version" --root "$cached" --force
  fi
  local installed
  for installed in "$cached"/bin/*; do
    ln -sf "$installed" ".tools/bin/$(basename "$installed")"
  done
}
install_crate wasm-bindgen-cli "$wasm_bindgen_version" wasm-bindgen
install_crate wasm-pack 0.15.1 wasm-pack

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing npm packages"
  npm ci --no-audit --no-fund
fi

if [ ! -f .dev.vars ]; then
  step "Writing a development secret to .dev.vars"
  secret=$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64url'))")
  umask 077
  printf 'JWT_SECRET=%s\n' "$secret" > .dev.vars
fi
