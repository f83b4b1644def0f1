"""Train, compare, calibrate and export a RUL model.

    python -m industrialmind_trainer.rul.train --subset FD001 --out services/rul-api/models

Protocol (documented in docs/benchmarks.md): engines of the training file are split into train / calibration /
validation (seeded; validation is always the same last 20 %, calibration --cal-fraction, 10 % by default). Every
architecture is trained on the train engines; the calibration engines choose the epoch (and stop training early
with --patience), choose the architecture (or, with --combine, their equal-weight average), choose the conformal
scores (--conformal auto: cross-validation over calibration engines) and set the conformal offsets of the 90 %
interval; the validation engines are touched once, at the end, to report RMSE, PHM08 score and coverage, each
engine cut so that its true remaining life is uniform in [5, 150] cycles (several seeded draws, one cut per engine
per draw). With --extra-subset, every engine of the sister subset's training file also trains (every fold), and
nothing else: the split, the calibration and the validation are this subset's engines only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from . import data as D
from .export import torch_predict, write_model
from .metrics import coverage, phm08_score, rmse
from .models import (
    CONFORMAL_METHODS,
    RulNetwork,
    choose_conformal,
    combine,
    conformal_offsets,
    loss_fn,
    out_of_fold_heads,
)

INTERVAL_LEVEL = 0.9


@dataclass
class Dataset:
    name: str  # model name, e.g. rul-cmapss-fd001
    description: str
    engines: dict[int, np.ndarray]
    channels: list[str]
    sensor_columns: list[int]
    setting_columns: list[int]
    conditions: int
    cap: float
    rul_unit: str
    machine_type: str
    machine_id_pattern: str
    window: int
    # Per-row true RUL when it is not simply "rows until the end" (simulator: hours).
    rul: dict | None = None
    protocol: str = f"validation engines cut so true RUL is uniform in [{D.MIN_TRUE_RUL}, {D.MAX_TRUE_RUL}] cycles"
    sample_interval_ms: int | None = None
    # History inputs (--history N): each sample also carries the first N readings and the age (data.pack_history).
    history: int = 0
    # --extra-subset: another subset's engines (ids from EXTRA_UNIT_OFFSET up, in `engines` too) that only ever
    # train: never split, never in a fold's held-out cuts, calibration or validation.
    extra_units: list[int] = field(default_factory=list)
    extra_subset: str | None = None

    def own_units(self) -> list[int]:
        extra = set(self.extra_units)
        return [u for u in self.engines if u not in extra]

    def windows(self, units, cap, max_rul=None):
        if self.rul is None:
            return D.training_windows(self.engines, units, self.window, cap, max_rul, self.history)
        if max_rul is not None:
            raise ValueError("--max-rul is implemented for C-MAPSS only")
        if self.history:
            raise ValueError("--history is implemented for C-MAPSS only")
        from . import simulator as S

        return S.training_windows(self.engines, self.rul, units, self.window, cap)

    def cuts(self, units, draws, seed):
        if self.rul is None:
            return D.truncated_samples(self.engines, units, self.window, draws, seed, self.history)
        from . import simulator as S

        return S.truncated_samples(self.engines, self.rul, units, self.window, draws, seed)


EXTRA_UNIT_OFFSET = 100000


def cmapss_dataset(subset: str, dataset_dir: str | None, window: int, history: int = 0,
                   extra_subset: str | None = None) -> Dataset:
    engines = D.load_subset(subset, dataset_dir)
    description = f"C-MAPSS {subset} (train_{subset}.txt)"
    extra_units: list[int] = []
    if extra_subset:
        D.check_sister(subset, extra_subset)
        for u, rows in D.load_subset(extra_subset, dataset_dir).items():
            engines[EXTRA_UNIT_OFFSET + u] = rows
            extra_units.append(EXTRA_UNIT_OFFSET + u)
        description = (f"C-MAPSS {subset} (train_{subset}.txt; training also on all {len(extra_units)} engines "
                       f"of train_{extra_subset}.txt)")
    return Dataset(
        name=f"rul-cmapss-{subset.lower()}",
        description=description,
        engines=engines,
        extra_units=extra_units,
        extra_subset=extra_subset,
        channels=list(D.CHANNELS),
        sensor_columns=list(D.SENSOR_COLUMNS),
        setting_columns=list(D.SETTING_COLUMNS),
        conditions=D.CONDITIONS[subset],
        cap=D.RUL_CAP,
        rul_unit="cycles",
        machine_type="cmapss-turbofan",
        machine_id_pattern=f"^cmapss-{subset.lower()}-",
        window=window,
        history=history,
    )


def set_seed(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)


def fit(model: RulNetwork, x: np.ndarray, y: np.ndarray, cal_x: np.ndarray, cal_y: np.ndarray, epochs: int,
        batch: int, lr: float, log, weight_decay: float = 0.0, noise: float = 0.0, fraction: float = 1.0,
        patience: int = 0) -> dict:
    """AdamW on the training windows (every ensemble member sees the same batches; their parameters are
    disjoint, so this is independent training from different initialisations); keeps the epoch with the lowest
    calibration RMSE of the averaged ensemble. With `patience` > 0, stops once that many epochs in a row have not
    improved it (early stopping on the calibration engines)."""
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=weight_decay)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y / float(model.scale))
    best = {"rmse": float("inf"), "epoch": -1, "state": None}
    for epoch in range(epochs):
        model.train()
        # A random `fraction` of the windows each epoch: neighbouring windows overlap almost entirely, so the large
        # subsets (FD002/FD004) learn as much per epoch from a sample as from all of them, in less time.
        perm = torch.randperm(len(xt))[: max(batch, int(len(xt) * fraction))]
        total, seen = 0.0, 0
        started = time.time()
        for i in range(0, len(perm), batch):
            idx = perm[i : i + batch]
            opt.zero_grad()
            loss = sum(loss_fn(out, yt[idx]) for out in model.member_heads(xt[idx], noise))
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            seen += len(idx)
        sched.step()
        cal_pred = torch_predict(model, cal_x)[:, 0]
        score = rmse(cal_pred, cal_y)
        log(f"  {model.arch} epoch {epoch + 1}/{epochs} loss {total / seen:.4f} cal RMSE {score:.2f} ({time.time() - started:.0f}s)")
        if score < best["rmse"]:
            best = {"rmse": score, "epoch": epoch + 1, "state": {k: v.clone() for k, v in model.state_dict().items()}}
        ran = epoch + 1
        if patience > 0 and ran - best["epoch"] >= patience:
            log(f"  {model.arch}: no calibration improvement for {patience} epochs, stopping")
            break
    model.load_state_dict(best["state"])
    return {"cal_rmse": best["rmse"], "best_epoch": best["epoch"], "epochs": epochs, "epochs_run": ran}


def evaluate(model: RulNetwork, ds: Dataset, units: list[int], draws: int, seed: int) -> dict:
    """Metrics per draw (one cut per engine), averaged; PHM08 is the sum over engines of one draw."""
    per_draw = []
    for k in range(draws):
        x, y, _ = ds.cuts(units, 1, seed + 1000 + k)
        out = torch_predict(model, x)
        per_draw.append(
            {
                "rmse": rmse(out[:, 0], y),
                "phm08": phm08_score(out[:, 0], y),
                "coverage": coverage(out[:, 1], out[:, 2], y),
                "mean_width": float(np.mean(out[:, 2] - out[:, 1])),
            }
        )
    keys = per_draw[0].keys()
    return {
        "engines": len(units),
        "draws": draws,
        **{k: float(np.mean([d[k] for d in per_draw])) for k in keys},
        **{f"{k}_std": float(np.std([d[k] for d in per_draw])) for k in ("rmse", "phm08", "coverage")},
    }


def calibrate_and_evaluate(model: RulNetwork, info: dict, ds: Dataset, heads, cal_y, cal_units, val_u, args, log):
    """Conformal offsets from the calibration cuts (method fixed or chosen by cross-validation over calibration
    engines), then the validation figures (reported, never used for a choice). `heads` are the raw heads (point,
    q05, q95 in output units, before any offset) on the calibration cuts: the model's own, or with cross-fitting
    the out-of-fold ones."""
    if args.conformal == "auto":
        picked = choose_conformal(heads[:, 1], heads[:, 2], cal_y, cal_units, INTERVAL_LEVEL, seed=args.seed)
        info["conformal_selection"] = picked
        method = picked["method"]
    else:
        method = args.conformal
    scaled = CONFORMAL_METHODS[method]
    lo, hi = conformal_offsets(heads[:, 1], heads[:, 2], cal_y, INTERVAL_LEVEL, scaled)
    model.offsets.copy_(torch.tensor([lo, hi]))
    model.width_scaled.fill_(1.0 if scaled else 0.0)
    info["conformal_method"] = method
    info["conformal_offsets"] = [lo, hi]
    info["parameters"] = sum(p.numel() for p in model.parameters())
    info["validation"] = evaluate(model, ds, val_u, args.val_draws, args.seed)
    point = np.maximum(heads[:, 0], 0)
    info["cal_coverage_before_conformal"] = coverage(
        np.maximum(np.minimum(heads[:, 1], point), 0), np.maximum(heads[:, 2], point), cal_y)
    log(f"  {model.arch}: cal RMSE {info['cal_rmse']:.2f}, validation {json.dumps(info['validation'])}")


def own_heads(model: RulNetwork, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return model.raw_heads(torch.from_numpy(x)).numpy() * float(model.scale)


def cross_fit(args, ds: Dataset, arch: str, norm, pool: list[int], fold_of: dict, cap: float, cal, log):
    """K networks of `arch`, network f trained on the pool's engines outside fold f, its epoch chosen (and
    training stopped early) on fold f's cuts; returned as one ensemble (every member weighted equally) with the
    fold each member held out, and its out-of-fold raw heads on every cut of the pool."""
    cal_x, cal_y, cal_units = cal
    row_folds = np.array([fold_of[int(u)] for u in cal_units])
    nets, infos = [], []
    members = args.members if arch == "cnn" else args.transformer_members
    epochs = args.epochs if arch == "cnn" or args.transformer_epochs is None else args.transformer_epochs
    started = time.time()
    for f in range(args.folds):
        train = [u for u in pool if fold_of[u] != f] + ds.extra_units
        x, y = ds.windows(train, cap, args.max_rul)
        held = row_folds == f
        log(f" {arch} fold {f + 1}/{args.folds}: {len(train)} engines, {len(x)} windows, {int(held.sum())} held-out cuts")
        set_seed(args.seed + f)
        net = RulNetwork(arch, norm, ds.window, cap, members, history=ds.history, age_scale=args.age_scale)
        infos.append(fit(net, x, y, cal_x[held], cal_y[held], epochs, args.batch, args.lr, log, args.weight_decay,
                         args.noise, args.sample_fraction, args.patience))
        nets.append(net)
    model = combine(nets, norm)
    model.arch = arch
    member_folds = [f for f, net in enumerate(nets) for _ in range(net.members)]
    heads = out_of_fold_heads(model, cal_x, row_folds, member_folds)
    info = {
        "cal_rmse": rmse(np.maximum(heads[:, 0], 0), cal_y),
        "cal_rmse_note": "out-of-fold: each cut forecast by the members trained without its engine",
        "members": model.members,
        "members_per_fold": members,
        "best_epoch": [i["best_epoch"] for i in infos],
        "epochs_run": [i["epochs_run"] for i in infos],
        "fold_cal_rmse": [i["cal_rmse"] for i in infos],
        "train_seconds": round(time.time() - started, 1),
    }
    return model, member_folds, heads, info


def run(args: argparse.Namespace, ds: Dataset, log=print) -> dict:
    torch.set_num_threads(args.threads)
    set_seed(args.seed)
    # The validation share is fixed at 20 %, so a larger calibration share only moves engines out of training and
    # the validation engines stay the same for every --cal-fraction.
    train_u, cal_u, val_u = D.split_engines(ds.own_units(), args.seed, (0.8 - args.cal_fraction, args.cal_fraction, 0.2))
    fold_of: dict[int, int] = {}
    member_folds: dict[str, list[int]] = {}
    if args.folds > 1:
        # Cross-fitting: every non-validation engine trains K-1 of the K networks and is held out by one, which
        # chooses that network's epoch; the out-of-fold forecasts choose the architecture and calibrate the
        # interval (CV+ style); the exported model averages the K networks.
        pool = sorted(train_u + cal_u)
        order = np.random.default_rng(args.seed + 1).permutation(pool).tolist()
        fold_of = {int(u): i % args.folds for i, u in enumerate(order)}
        train_u, cal_u = pool, pool
    norm = D.fit_normalisation(
        {u: ds.engines[u] for u in train_u + ds.extra_units}, ds.conditions, args.seed, ds.sensor_columns, ds.setting_columns, ds.channels
    )
    cap = args.cap if args.cap is not None else ds.cap
    cal_x, cal_y, cal_units = ds.cuts(cal_u, args.cal_draws, args.seed)
    results: dict[str, dict] = {}
    models: dict[str, RulNetwork] = {}
    heads: dict[str, np.ndarray] = {}
    if args.folds > 1:
        log(f"{ds.name}: {len(train_u)} engines in {args.folds} folds (cross-fitting) / {len(val_u)} validation engines")
        for arch in args.arch:
            model, member_folds[arch], heads[arch], info = cross_fit(
                args, ds, arch, norm, train_u, fold_of, cap, (cal_x, cal_y, cal_units), log)
            calibrate_and_evaluate(model, info, ds, heads[arch], cal_y, cal_units, val_u, args, log)
            results[arch] = info
            models[arch] = model
    else:
        x, y = ds.windows(train_u + ds.extra_units, cap, args.max_rul)
        log(f"{ds.name}: {len(train_u)} (+{len(ds.extra_units)} extra) train / {len(cal_u)} calibration / {len(val_u)} validation engines, "
            f"{len(x)} training windows")
    for arch in args.arch if args.folds <= 1 else []:
        set_seed(args.seed)
        members = args.members if arch == "cnn" else args.transformer_members
        model = RulNetwork(arch, norm, ds.window, cap, members, history=ds.history, age_scale=args.age_scale)
        started = time.time()
        epochs = args.epochs if arch == "cnn" or args.transformer_epochs is None else args.transformer_epochs
        info = fit(model, x, y, cal_x, cal_y, epochs, args.batch, args.lr, log, args.weight_decay, args.noise,
                   args.sample_fraction, args.patience)
        info["members"] = members
        info["train_seconds"] = round(time.time() - started, 1)
        heads[arch] = own_heads(model, cal_x)
        calibrate_and_evaluate(model, info, ds, heads[arch], cal_y, cal_units, val_u, args, log)
        results[arch] = info
        models[arch] = model
    if args.combine and len(models) > 1:
        # Both architectures averaged (each weighted 1/2), their epochs as chosen above; a candidate like the others.
        model = combine([models[a] for a in args.arch], norm)
        if args.folds > 1:
            member_folds[model.arch] = [f for a in args.arch for f in member_folds[a]]
            heads[model.arch] = out_of_fold_heads(model, cal_x, np.array([fold_of[int(u)] for u in cal_units]),
                                                  member_folds[model.arch])
        else:
            heads[model.arch] = own_heads(model, cal_x)
        info = {"cal_rmse": rmse(np.maximum(heads[model.arch][:, 0], 0), cal_y), "members": model.members, "member_archs": model.member_archs,
                "member_weights": model.member_weights.tolist(),
                "best_epoch": {a: results[a]["best_epoch"] for a in args.arch},
                "train_seconds": round(sum(results[a]["train_seconds"] for a in args.arch), 1)}
        calibrate_and_evaluate(model, info, ds, heads[model.arch], cal_y, cal_units, val_u, args, log)
        results[model.arch] = info
        models[model.arch] = model
    chosen = min(results, key=lambda a: results[a]["cal_rmse"])
    model = models[chosen]
    log(f"{ds.name}: chose {chosen} (lowest calibration RMSE)")
    init = {
        "arch": chosen,
        "members": model.members,
        "member_archs": model.member_archs,
        "window": ds.window,
        "scale": cap,
        "centroids": norm.centroids.tolist(),
        "setting_scale": norm.setting_scale.tolist(),
        "mean": norm.mean.tolist(),
        "std": norm.std.tolist(),
        "sensor_columns": norm.sensor_columns,
        "setting_columns": norm.setting_columns,
        "channels": norm.channels,
        "history": ds.history,
        "age_scale": args.age_scale,
    }
    val_x, _, _ = ds.cuts(val_u, 1, args.seed + 7)
    metadata = {
        "name": ds.name,
        "task": "rul",
        "description": ds.description,
        "machine_type": ds.machine_type,
        "machine_id_pattern": ds.machine_id_pattern,
        "rul_unit": ds.rul_unit,
        "channels": ds.channels,
        "window": ds.window,
        "padding": "repeat-first-reading",
        **({"sample_interval_ms": ds.sample_interval_ms} if ds.sample_interval_ms else {}),
        "rul_cap": cap,
        "interval_level": INTERVAL_LEVEL,
        "interval_method": (
            "quantile heads (0.05, 0.95) + asymmetric conformal calibration on held-out engines"
            + (" (offsets scaled by the predicted width)" if results[chosen]["conformal_method"] == "cqr-width" else "")
        ),
        "arch": chosen,
        "normalisation": norm.to_json(),
        "training": {
            "dataset": ds.description,
            "seed": args.seed,
            "epochs": args.epochs,
            "transformer_epochs": args.transformer_epochs,
            "patience": args.patience,
            "conformal": args.conformal,
            "cal_draws": args.cal_draws,
            "batch": args.batch,
            "lr": args.lr,
            "members": model.members,
            "sample_fraction": args.sample_fraction,
            "weight_decay": args.weight_decay,
            "max_rul": args.max_rul,
            "input_noise": args.noise,
            "history": ds.history,
            **({"extra_training": {"subset": ds.extra_subset, "engines": len(ds.extra_units),
                                   "note": "every engine of this subset's training file joined the training engines "
                                           "(of every fold); none is in calibration or validation"}}
               if ds.extra_subset else {}),
            "split": {"train": train_u, "calibration": [] if fold_of else cal_u, "validation": val_u},
            **(
                {"cross_fitting": {"folds": args.folds, "fold_of": {str(u): f for u, f in sorted(fold_of.items())},
                                   "member_folds": member_folds[chosen]}}
                if fold_of
                else {}
            ),
            "protocol": ds.protocol,
            "command": " ".join(["train", "rul", *sys.argv[1:]]),
        },
        "metrics": {"chosen": chosen, "by_arch": results},
        "torch_init": init,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    written = write_model(model, args.out, ds.name, metadata, val_x)
    log(f"{ds.name}: wrote {args.out}/{ds.name}.onnx (parity max abs diff {written['parity_max_abs_diff']:.2e})")
    return written


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="industrialmind train rul", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--subset", required=True, help="FD001|FD002|FD003|FD004|simulator")
    p.add_argument("--data", help="C-MAPSS folder (default: ../shared/datasets/cmapss) or simulator CSV")
    p.add_argument("--out", default="services/rul-api/models", help="folder for <name>.onnx/.json/.pt")
    p.add_argument("--arch", default="cnn,transformer", help="comma-separated: cnn, transformer")
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--window", type=int, default=30)
    p.add_argument("--members", type=int, default=1, help="CNN deep-ensemble size (outputs averaged)")
    p.add_argument("--transformer-members", type=int, default=1, help="transformer deep-ensemble size")
    p.add_argument("--transformer-epochs", type=int, help="epochs for the transformer (default: --epochs)")
    p.add_argument("--sample-fraction", type=float, default=1.0, help="fraction of training windows per epoch")
    p.add_argument("--weight-decay", type=float, default=0.0)
    p.add_argument("--noise", type=float, default=0.0, help="Gaussian noise on normalised inputs while training")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--cal-draws", type=int, default=20, help="cuts per calibration engine")
    p.add_argument("--cal-fraction", type=float, default=0.1,
                   help="share of engines for calibration, taken from training (validation stays 20 %%)")
    p.add_argument("--patience", type=int, default=0,
                   help="stop after this many epochs without a better calibration RMSE (0: run every epoch)")
    p.add_argument("--conformal", default="cqr", choices=["cqr", "cqr-width", "auto"],
                   help="conformal scores: plain CQR, scaled by the predicted width, or auto (chosen by "
                        "cross-validation over the calibration engines)")
    p.add_argument("--val-draws", type=int, default=10, help="seeded validation draws (one cut per engine each)")
    p.add_argument("--cap", type=float,
                   help="training target min(RUL, cap) (default: 125 cycles for C-MAPSS, 300 hours for the simulator)")
    p.add_argument("--max-rul", type=float,
                   help="train only on windows whose true RUL is at most this (C-MAPSS; e.g. 150, the held-out "
                        "protocol's upper bound, with --cap 150 for an uncapped target in that range)")
    p.add_argument("--folds", type=int, default=1,
                   help="cross-fitting over the non-validation engines: K networks per architecture, each trained "
                        "on K-1 folds; out-of-fold forecasts choose and calibrate (1: plain train/calibration split)")
    p.add_argument("--combine", action="store_true",
                   help="also try the average of the architectures (each weighted equally) as a candidate")
    p.add_argument("--history", type=int, default=0,
                   help="C-MAPSS: also feed the engine's first N readings (its early-life baseline) and its age in "
                        "cycles, as two more ONNX inputs (0: the window only)")
    p.add_argument("--extra-subset",
                   help="C-MAPSS: also train on every engine of this subset's training file (same operating "
                        "conditions: FD001 with FD003, FD002 with FD004); calibration and validation stay this subset's")
    p.add_argument("--age-scale", type=float, default=200.0, help="with --history: the age input is divided by this")
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args(argv)
    args.arch = [a.strip() for a in args.arch.split(",") if a.strip()]
    if not 0.0 < args.cal_fraction < 0.7:
        p.error("--cal-fraction must be in (0, 0.7)")
    if not 0 <= args.history <= 1000:
        p.error("--history must be in [0, 1000]")
    if args.age_scale <= 0:
        p.error("--age-scale must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    subset = args.subset.upper() if args.subset.lower() != "simulator" else "simulator"
    if subset == "simulator":
        if args.history or args.extra_subset:
            print("--history and --extra-subset are implemented for C-MAPSS only", file=sys.stderr)
            return 2
        if not args.data:
            print("--subset simulator needs --data CSV (bin/industrialmind train rul writes it)", file=sys.stderr)
            return 2
        datasets = simulator_datasets(args.data, args.window)
    elif subset in D.SUBSETS:
        extra = args.extra_subset.upper() if args.extra_subset else None
        if extra is not None and extra not in D.SUBSETS:
            print(f"--extra-subset: expected FD001|FD002|FD003|FD004, got {args.extra_subset!r}", file=sys.stderr)
            return 2
        try:
            datasets = [cmapss_dataset(subset, args.data, args.window, args.history, extra)]
        except ValueError as e:
            print(str(e), file=sys.stderr)
            return 2
    else:
        print(f"--subset: expected FD001|FD002|FD003|FD004|simulator, got {args.subset!r}", file=sys.stderr)
        return 2
    for ds in datasets:
        written = run(args, ds, log=lambda m: print(m, flush=True))
        chosen = written["metrics"]["by_arch"][written["arch"]]["validation"]
        print(json.dumps({"model_version": written["model_version"], "validation": chosen}), flush=True)
    return 0


def simulator_datasets(path: str, window: int) -> list[Dataset]:
    """One dataset per simulator machine type; machine ids become integer unit numbers in sorted order."""
    from . import simulator as S

    out = []
    for machine_type, machines in sorted(S.load_csv(path).items()):
        ids = sorted(machines)
        out.append(
            Dataset(
                name=f"rul-sim-{machine_type}",
                description=f"simulated fleet, {machine_type}: {len(ids)} machines run to failure ({path})",
                engines={i + 1: machines[m][0] for i, m in enumerate(ids)},
                channels=list(S.CHANNELS),
                sensor_columns=[0, 1, 2, 3],
                setting_columns=[],
                conditions=1,
                cap=S.RUL_CAP_HOURS,
                rul_unit="hours",
                machine_type=machine_type,
                machine_id_pattern=".*",
                window=window,
                rul={i + 1: machines[m][1] for i, m in enumerate(ids)},
                protocol=(
                    "validation machines cut so true RUL is uniform in "
                    f"[{S.MIN_TRUE_RUL_HOURS}, {S.MAX_TRUE_RUL_HOURS}] hours"
                ),
                sample_interval_ms=S.sample_interval_ms(machines),
            )
        )
    return out


if __name__ == "__main__":
    sys.exit(main())
