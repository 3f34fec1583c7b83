#!/usr/bin/env bash
# Builds the Worker and serves it on workerd at http://127.0.0.1:8787, with users in
# a local KV namespace kept under .wrangler/state between runs.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$root"
bash scripts/setup.sh
port=${PORT:-8787}
echo
echo "jwtlib Worker: http://127.0.0.1:$port (the first start builds it first; stop with Ctrl-C)"
echo
exec wrangler dev --local --ip 127.0.0.1 --port "$port" --persist-to .wrangler/state
