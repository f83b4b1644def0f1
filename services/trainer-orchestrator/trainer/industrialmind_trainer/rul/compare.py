"""Compares two C-MAPSS models of one subset on the calibration engines they share, the rule for replacing a
committed model (the validation engines are never looked at here):

    python -m industrialmind_trainer.rul.compare --model NEW.json --against services/rul-api/models/OLD.json

Only engines that are calibration engines of *both* models count (neither trained on them nor chose anything
else by them). A cross-fitted model (--folds) trained on all its non-validation engines; on each of them it is
represented by its out-of-fold forecast (the members that never trained on that engine), so for it every
non-validation engine counts as a calibration engine. Each is cut --draws times as in training (true RUL uniform in [5, 150]); both models see the same
cuts. Prints one JSON line: RMSE and interval coverage of each model on those cuts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from . import data as D
from .export import load_torch, torch_predict
from .metrics import coverage, rmse
from .models import out_of_fold_predict


def held_out(meta: dict) -> set[int]:
    """Engines on which a model has an honest forecast: its calibration engines, or with cross-fitting every
    engine of its folds (forecast by the members that did not train on it)."""
    if "cross_fitting" in meta["training"]:
        return {int(u) for u in meta["training"]["cross_fitting"]["fold_of"]}
    return set(meta["training"]["split"]["calibration"])


def shared_calibration(new: dict, old: dict) -> list[int]:
    trained = {int(u) for m in (new, old) if "cross_fitting" not in m["training"] for u in m["training"]["split"]["train"]}
    return sorted(held_out(new) & held_out(old) - trained)


def predict(net, meta: dict, x: np.ndarray, units: np.ndarray) -> np.ndarray:
    """The model's forecast, out-of-fold when it was cross-fitted."""
    cf = meta["training"].get("cross_fitting")
    if not cf:
        return torch_predict(net, x)
    row_folds = np.array([cf["fold_of"][str(int(u))] for u in units])
    return out_of_fold_predict(net, x, row_folds, cf["member_folds"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m industrialmind_trainer.rul.compare", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="metadata JSON of the candidate (its .pt beside it)")
    p.add_argument("--against", required=True, help="metadata JSON of the committed model")
    p.add_argument("--data", help="C-MAPSS folder (default: ../shared/datasets/cmapss)")
    p.add_argument("--draws", type=int, default=20)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)
    metas = []
    for path in (args.model, args.against):
        with open(path) as f:
            metas.append(json.load(f))
    subsets = {D.subset_of(m) for m in metas}
    if len(subsets) != 1 or None in subsets:
        print(f"expected two C-MAPSS models of one subset, got {[m.get('name') for m in metas]}", file=sys.stderr)
        return 2
    subset = subsets.pop()
    units = shared_calibration(*metas)
    if not units:
        print("the two models share no calibration engine", file=sys.stderr)
        return 2
    engines = D.load_subset(subset, args.data)
    result: dict = {"subset": subset, "engines": len(units), "cuts_per_engine": args.draws}
    for key, path, meta in (("model", args.model, metas[0]), ("against", args.against, metas[1])):
        net = load_torch(os.path.splitext(path)[0] + ".pt")
        x, y, rows = D.truncated_samples(engines, units, meta["window"], args.draws, args.seed, D.history_of(meta))
        out = predict(net, meta, x, rows)
        result[key] = {"file": path, "rmse": rmse(out[:, 0], y), "coverage": coverage(out[:, 1], out[:, 2], y),
                       "mean_width": float(np.mean(out[:, 2] - out[:, 1]))}
    result["better"] = "model" if result["model"]["rmse"] < result["against"]["rmse"] else "against"
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
