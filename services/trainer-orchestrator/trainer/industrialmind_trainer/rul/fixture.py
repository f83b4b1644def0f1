"""Writes a tiny RUL model (random weights, synthetic normalisation) for the TypeScript tests:

    python -m industrialmind_trainer.rul.fixture OUT_DIR

Machine type `cnc-mill`: channels `temperature, vibration, pressure, power`; power picks one of two operating
conditions (the "setting"), the other three are normalised per condition. Window 5.
Its outputs mean nothing; the tests use it to check windows, batching, hot reload and ONNX Runtime in Node.
"""

from __future__ import annotations

import sys

import numpy as np
import torch

from .data import Normalisation
from .export import write_model
from .models import RulNetwork


def build(seed: int = 3) -> tuple[RulNetwork, dict]:
    torch.manual_seed(seed)
    channels = ["temperature", "vibration", "pressure", "power"]
    norm = Normalisation(
        centroids=np.array([[10.0], [30.0]]),
        setting_scale=np.array([10.0]),
        mean=np.array([[60.0, 2.0, 5.0], [80.0, 3.0, 6.0]]),
        std=np.array([[5.0, 0.5, 0.3], [6.0, 0.7, 0.4]]),
        sensor_columns=[0, 1, 2],
        setting_columns=[3],
        channels=channels,
    )
    model = RulNetwork("cnn", norm, 5, 100.0)
    model.offsets.copy_(torch.tensor([3.0, 4.0]))
    init = {
        "arch": "cnn",
        "window": 5,
        "scale": 100.0,
        "centroids": norm.centroids.tolist(),
        "setting_scale": norm.setting_scale.tolist(),
        "mean": norm.mean.tolist(),
        "std": norm.std.tolist(),
        "sensor_columns": norm.sensor_columns,
        "setting_columns": norm.setting_columns,
        "channels": channels,
    }
    metadata = {
        "name": "rul-fixture",
        "task": "rul",
        "description": "test fixture: random weights",
        "machine_type": "cnc-mill",
        "machine_id_pattern": "^mill-",
        "rul_unit": "hours",
        "channels": channels,
        "window": 5,
        "padding": "repeat-first-reading",
        "rul_cap": 100.0,
        "interval_level": 0.9,
        "arch": "cnn",
        "normalisation": norm.to_json(),
        "torch_init": init,
    }
    return model, metadata


def main(argv: list[str]) -> int:
    out = argv[0] if argv else "."
    model, metadata = build()
    rng = np.random.default_rng(0)
    windows = np.stack(
        [
            rng.normal(70, 10, (64, 5)),
            rng.normal(2.5, 0.8, (64, 5)),
            rng.normal(5.5, 0.5, (64, 5)),
            rng.uniform(5, 35, (64, 5)),
        ],
        axis=-1,
    ).astype(np.float32)
    written = write_model(model, out, "rul-fixture", metadata, windows)
    print(f"wrote {out}/rul-fixture.onnx, parity {written['parity_max_abs_diff']:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
