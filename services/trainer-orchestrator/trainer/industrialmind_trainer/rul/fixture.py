"""Writes a tiny RUL model (random weights, synthetic normalisation) for the TypeScript tests:

    python -m industrialmind_trainer.rul.fixture OUT_DIR
    python -m industrialmind_trainer.rul.fixture --history OUT_DIR

Machine type `cnc-mill`: channels `temperature, vibration, pressure, power`; power picks one of two operating
conditions (the "setting"), the other three are normalised per condition. Window 5.
Its outputs mean nothing; the tests use it to check windows, batching, hot reload and ONNX Runtime in Node.

With `--history`: `rul-fixture-history`, the same with history inputs (the first 3 readings and the age), and
`rul-fixture-history.expected` (JSON; not `*.json`, which a model folder reads as metadata): machine histories and PyTorch's outputs for them, packed as the trainer packs
them (data.pack_history), so a Node test checks that the service builds the same inputs.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import torch

from .data import Normalisation, pack_history, pad_front
from .export import torch_predict, write_model
from .models import RulNetwork


def build(seed: int = 3, history: int = 0) -> tuple[RulNetwork, dict]:
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
    model = RulNetwork("cnn", norm, 5, 100.0, history=history, age_scale=50.0)
    model.offsets.copy_(torch.tensor([3.0, 4.0]))
    if history:
        # Lift the point and quantile heads (+50 hours) so the outputs a test compares are not clipped at 0.
        with torch.no_grad():
            model.heads[0].bias += 0.5
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
        "history": history,
        "age_scale": 50.0,
    }
    metadata = {
        "name": "rul-fixture-history" if history else "rul-fixture",
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


def readings(rng: np.random.Generator, n: int, length: int) -> np.ndarray:
    return np.stack(
        [
            rng.normal(70, 10, (n, length)),
            rng.normal(2.5, 0.8, (n, length)),
            rng.normal(5.5, 0.5, (n, length)),
            rng.uniform(5, 35, (n, length)),
        ],
        axis=-1,
    ).astype(np.float32)


def main(argv: list[str]) -> int:
    history = 3 if "--history" in argv else 0
    args = [a for a in argv if a != "--history"]
    out = args[0] if args else "."
    model, metadata = build(history=history)
    rng = np.random.default_rng(0)
    if not history:
        written = write_model(model, out, "rul-fixture", metadata, readings(rng, 64, 5))
        print(f"wrote {out}/rul-fixture.onnx, parity {written['parity_max_abs_diff']:.2e}")
        return 0
    # Whole machine histories of 1 to 12 readings, packed as in training.
    histories = [readings(rng, 1, int(n))[0] for n in (1, 2, 3, 4, 6, 9, 12)]
    histories += [readings(rng, 1, int(n))[0] for n in rng.integers(1, 13, 57)]
    packed = np.stack([pack_history(pad_front(h, 5), h, history) for h in histories]).astype(np.float32)
    written = write_model(model, out, metadata["name"], metadata, packed)
    expected = {
        "model": metadata["name"],
        "note": "outputs of the PyTorch network (point, lower, upper) for each whole history, oldest reading first",
        "cases": [
            {"readings": h.astype(float).tolist(), "output": o.astype(float).tolist()}
            for h, o in zip(histories[:8], torch_predict(model, packed[:8]))
        ],
    }
    with open(os.path.join(out, f"{metadata['name']}.expected"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    # The Node tests need no PyTorch weights.
    os.remove(os.path.join(out, f"{metadata['name']}.pt"))
    print(f"wrote {out}/{metadata['name']}.onnx, parity {written['parity_max_abs_diff']:.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
