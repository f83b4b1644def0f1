#!/usr/bin/env bash
# Installs what the build needs, idempotently: Node.js 20 check, pnpm at the pinned version, workspace deps.
# Caches live outside the clone (pnpm store, ~/.m2, ~/.cache/industrialmind), so repeated runs are fast.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[bootstrap] %s\n' "$*" >&2; }

if ! command -v node >/dev/null; then
  log "Node.js 20 is required (https://nodejs.org or your package manager); not found"; exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then log "Node.js >= 20 is required, found $(node -v)"; exit 1; fi

want="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  log "installing pnpm $want with npm"
  npm install -g "pnpm@$want" --silent --no-fund --no-audit >/dev/null
fi

# Skip the install when the lockfile has not changed since the last successful one.
stamp="node_modules/.bootstrap-stamp"
sum="$(cat pnpm-lock.yaml package.json | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  log "installing workspace dependencies"
  # onnxruntime-node: never download GPU binaries at install time (the CPU build ships in the package).
  ONNXRUNTIME_NODE_INSTALL=skip pnpm install --frozen-lockfile --reporter=silent
  echo "$sum" > "$stamp"
fi
