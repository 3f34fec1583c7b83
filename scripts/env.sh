# Shared settings for the project's scripts; sourced, not run.
# Keeps every tool offline except for the package registries, and puts the
# project-local tools first on PATH.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$root/.tools/bin:$root/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# Wrangler and Miniflare: no metrics, error reports, banner or cf fetch, and their
# configuration kept inside the project.
export WRANGLER_SEND_METRICS=false
export WRANGLER_SEND_ERROR_REPORTS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export WRANGLER_HIDE_BANNER=true
export XDG_CONFIG_HOME="$root/.tools/config"

# wasm-pack downloads wasm-bindgen unless given the local one.
export WASM_BINDGEN_BIN="$root/.tools/bin/wasm-bindgen"

# The wasm-bindgen CLI must match the crate version pinned in Cargo.toml exactly.
wasm_bindgen_version=$(sed -n 's/^wasm-bindgen = "=\([0-9.]*\)"$/\1/p' "$root/Cargo.toml")
