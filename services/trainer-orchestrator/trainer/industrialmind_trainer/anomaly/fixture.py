"""Writes a tiny anomaly model (2 channels, window 4) for the TypeScript tests of libs/model-runtime and
libs/anomaly-scoring, which must run without Python:

    python -m industrialmind_trainer.anomaly.fixture OUT_DIR [MODEL_VERSION [MACHINE_TYPE [CHANNEL,CHANNEL]]]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from ..common.onnx_export import METADATA_SCHEMA_VERSION, OPSET, export_onnx, write_metadata
from .models import INPUT_NAME, OUTPUT_NAMES, MeanShift


def main(out: Path, version: str, machine_type: str = "test-pump", channels: list[str] | None = None) -> None:
    channels = channels or ["flow", "pressure"]
    module = MeanShift(len(channels), 4, 2, [1.0, 0.5])
    export_onnx(module, np.zeros((1, 4, 2), dtype=np.float32), out / "tiny.onnx", INPUT_NAME, OUTPUT_NAMES)
    write_metadata(
        out / "tiny.json",
        {
            "schema_version": METADATA_SCHEMA_VERSION,
            "task": "anomaly",
            "model_version": version,
            "onnx_file": "tiny.onnx",
            "opset": OPSET,
            "architecture": "mean-shift",
            "machine_type": machine_type,
            "channels": channels,
            "source_columns": [c.title() for c in channels],
            "input": {"name": INPUT_NAME, "shape": ["batch", 4, 2], "window": 4},
            "outputs": {"contributions": OUTPUT_NAMES[0], "score": OUTPUT_NAMES[1]},
            "horizon": 2,
            "channel_weights": dict(zip(channels, [1.0, 0.5])),
            "normalisation": {"kind": "robust-per-machine", "clip": 1000.0},
            "cold_start": {"readings": 10},
            "threshold": {"rule": "factor*quantile(cold-start scores)", "quantile": 1.0, "factor": 2.0},
            "policy": {"ema_alpha": 1.0, "on_count": 2, "off_count": 2},
            "metrics": {},
            "training": {"dataset": "none (test fixture)"},
        },
    )


if __name__ == "__main__":
    main(
        Path(sys.argv[1]),
        sys.argv[2] if len(sys.argv) > 2 else "tiny@1",
        sys.argv[3] if len(sys.argv) > 3 else "test-pump",
        sys.argv[4].split(",") if len(sys.argv) > 4 else None,
    )
