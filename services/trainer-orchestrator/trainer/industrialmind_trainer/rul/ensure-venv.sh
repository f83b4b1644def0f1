#!/usr/bin/env bash
# Creates (or reuses) the trainer venv at ${TRAINER_VENV:-~/.cache/industrialmind/venv-trainer} from PyPI and prints
# its python. Idempotent: when the venv already imports every module, nothing is installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${TRAINER_VENV:-$HOME/.cache/industrialmind/venv-trainer}"
python="$venv/bin/python"
check='import torch, numpy, onnx, onnxruntime, onnxscript'
if [ -x "$python" ] && "$python" -c "$check" 2>/dev/null; then
  echo "$python"
  exit 0
fi
echo "trainer venv: installing into $venv (torch is large; first time only)" >&2
mkdir -p "$(dirname "$venv")"
[ -x "$python" ] || python3 -m venv "$venv" >&2
"$python" -m pip install --quiet --upgrade pip >&2
"$python" -m pip install --quiet -r "$here/requirements.txt" >&2
"$python" -c "$check"
echo "$python"
