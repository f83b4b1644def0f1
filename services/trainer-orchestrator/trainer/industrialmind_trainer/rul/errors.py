"""Error analysis of a C-MAPSS model on engines it did not train on (never the validation engines):

    python -m industrialmind_trainer.rul.errors --model services/rul-api/models/rul-cmapss-fd001.json

The engines are the model's calibration engines, or for a cross-fitted model (--folds) every non-validation
engine, forecast out-of-fold (as in `compare`). Each is cut --draws times as in training (true RUL uniform in
[5, 150]). Prints one JSON line: RMSE, bias and coverage overall, by band of true RUL (with each band's share of
the squared error) and for histories shorter than the window (padded).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from . import data as D
from .compare import held_out, predict
from .export import load_torch

BANDS = ((5, 25), (25, 50), (50, 75), (75, 100), (100, 125), (125, 151))


def by_band(pred: np.ndarray, truth: np.ndarray, seen: np.ndarray, window: int) -> dict:
    e = pred - truth
    total = float(np.sum(e**2))

    def stats(mask: np.ndarray) -> dict:
        if not mask.any():
            return {"cuts": 0}
        return {"cuts": int(mask.sum()), "rmse": float(np.sqrt(np.mean(e[mask] ** 2))), "bias": float(e[mask].mean()),
                "share_of_squared_error": float(np.sum(e[mask] ** 2) / total) if total > 0 else 0.0}

    return {
        "all": stats(np.ones(len(e), dtype=bool)),
        "bands": {f"[{lo},{hi})": stats((truth >= lo) & (truth < hi)) for lo, hi in BANDS},
        "history_shorter_than_window": stats(seen < window),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m industrialmind_trainer.rul.errors", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="metadata JSON (its .pt beside it)")
    p.add_argument("--data", help="C-MAPSS folder (default: ../shared/datasets/cmapss)")
    p.add_argument("--draws", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    with open(args.model) as f:
        meta = json.load(f)
    subset = D.subset_of(meta)
    if subset is None:
        print(f"expected a C-MAPSS model, got {meta.get('name')}", file=sys.stderr)
        return 2
    units = sorted(held_out(meta))
    engines = D.load_subset(subset, args.data)
    net = load_torch(os.path.splitext(args.model)[0] + ".pt")
    x, y, rows = D.truncated_samples(engines, units, meta["window"], args.draws, args.seed, D.history_of(meta))
    out = predict(net, meta, x, rows)
    seen = np.array([len(engines[int(u)]) for u in rows]) - y
    result = {"subset": subset, "engines": len(units), "cuts_per_engine": args.draws,
              "coverage": float(np.mean((y >= out[:, 1]) & (y <= out[:, 2]))),
              **by_band(out[:, 0], y, seen, meta["window"])}
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
