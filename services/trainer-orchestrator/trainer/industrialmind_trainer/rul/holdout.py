"""Writes a model's held-out validation engines as a C-MAPSS test set, so `industrialmind eval rul` can score the
service's code path on engines the model never trained on (the real test RUL files are not available):

    python -m industrialmind_trainer.rul.holdout --model services/rul-api/models/rul-cmapss-fd001.json --out DIR

DIR/test_FD00N.txt holds each validation engine cut as in training's protocol (true RUL uniform in [5, 150]),
DIR/RUL_FD00N.txt the true RUL after each engine's last row, in the same engine order.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

from . import data as D


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m industrialmind_trainer.rul.holdout", description=__doc__)
    p.add_argument("--model", required=True, help="metadata JSON of a C-MAPSS model")
    p.add_argument("--out", required=True)
    p.add_argument("--data", help="C-MAPSS folder (default: ../shared/datasets/cmapss)")
    p.add_argument("--seed", type=int, default=1000, help="draw of the cuts (the trainer reports draws 1000+k)")
    args = p.parse_args(argv)
    with open(args.model) as f:
        meta = json.load(f)
    subset = D.subset_of(meta)
    if subset is None:
        print(f"{args.model}: not a C-MAPSS model", file=sys.stderr)
        return 2
    engines = D.load_subset(subset, args.data)
    units = meta["training"]["split"]["validation"]
    rng = np.random.default_rng(meta["training"]["seed"] + args.seed)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"test_{subset}.txt"), "w") as test, open(
        os.path.join(args.out, f"RUL_{subset}.txt"), "w"
    ) as truth:
        # Same draws as data.truncated_samples(engines, units, window, 1, seed): one cut per engine, in order.
        for new_unit, u in enumerate(units, start=1):
            raw = engines[u]
            life = len(raw)
            hi = min(D.MAX_TRUE_RUL, life - 1)
            lo = min(D.MIN_TRUE_RUL, hi)
            rul = int(rng.integers(lo, hi + 1))
            for cycle, row in enumerate(raw[: life - rul], start=1):
                test.write(" ".join([str(new_unit), str(cycle), *(f"{v:.10g}" for v in row)]) + "\n")
            truth.write(f"{rul}\n")
    print(f"wrote {len(units)} held-out engines of {subset} to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
