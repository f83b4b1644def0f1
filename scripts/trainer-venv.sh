#!/usr/bin/env bash
# Creates (or reuses) the trainer's Python virtualenv outside the clone and prints its python path.
# PyTorch from PyPI is the CUDA build (several GB), so the venv is installed once and reused: it is stamped
# with the hash of services/trainer-orchestrator/trainer/requirements.txt and reinstalled only when that changes.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[trainer-venv] %s\n' "$*" >&2; }

cache="${IM_CACHE:-$HOME/.cache/industrialmind}"
venv="${TRAINER_VENV:-$cache/venv-trainer}"
requirements="services/trainer-orchestrator/trainer/requirements.txt"
stamp="$venv/.requirements-sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi

python="${PYTHON:-python3}"
command -v "$python" >/dev/null || { log "python3 (>= 3.10) is required; install it (apt-get install python3 python3-venv)"; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
  # Debian's python3 ships venv/ensurepip separately (python3-venv); the command name below never exists, so
  # ensure-apt.sh installs the package whenever the import fails.
  "$python" -c 'import ensurepip, venv' 2>/dev/null || scripts/ensure-apt.sh python3-venv:python3-venv-missing
  log "creating $venv"
  mkdir -p "$cache"
  "$python" -m venv "$venv"
fi
log "installing $requirements into $venv (PyTorch is several GB; first run only)"
"$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements" >&2
echo "$want" > "$stamp"
echo "$venv/bin/python"
