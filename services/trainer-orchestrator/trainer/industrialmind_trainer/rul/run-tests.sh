#!/usr/bin/env bash
# The RUL trainer's tests (data, metrics, conformal calibration, PyTorch-vs-ONNX parity of fresh and committed
# models), in the shared trainer venv. Called by scripts/test.sh; C-MAPSS is used when found (CMAPSS_DIR,
# SHARED_DATASETS_DIR or ../shared/datasets), synthetic data otherwise.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$("$here/../../../../../scripts/trainer-venv.sh")"
cd "$here/../.."
PYTHONPATH="$PWD" PYTHONDONTWRITEBYTECODE=1 "$python" -m unittest discover -s industrialmind_trainer/rul -t . -v
