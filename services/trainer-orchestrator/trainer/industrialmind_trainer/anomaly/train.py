"""`python -m industrialmind_trainer anomaly ...`: choose a scorer by validation, export it to ONNX with its
metadata JSON, and check PyTorch/ONNX parity.

Validation protocol (SKAB's): in every labelled file the first `cold_start` rows are normal operation and
set that file's normalisation and threshold; the rest is scored. Architecture, horizon, channel weights and
the threshold/debouncing policy are chosen to maximise F1 (with a FAR penalty above 10 %) over the scored
parts of the *training* files only. Files passed with --exclude are not read at all, so a leave-files-out
evaluation of them is honest."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..common.onnx_export import METADATA_SCHEMA_VERSION, OPSET, export_onnx, parity_max_abs_diff, write_metadata
from ..common.progress import progress
from ..common.provenance import data_hash, git_commit
from ..common.seeding import seed_everything
from . import data as datasets
from .models import INPUT_NAME, OUTPUT_NAMES, ConvAutoencoder, MeanShift, train_autoencoder
from .scoring import (
    Policy,
    apply_policy,
    confusion,
    decay_of,
    f1_far_mar,
    grid_confusion,
    normalise,
    robust_fit,
    threshold_from,
    windows,
)

WINDOW = 64
FAR_TARGET = 0.10
PARITY_TOLERANCE = 1e-4
QUANTILES = (0.99, 1.0)
FACTORS = (1.0, 1.25, 1.5, 2.0, 3.0, 5.0)
ALPHAS = (1.0, 0.5, 0.2, 0.1)
ON_COUNTS = (1, 3, 10)
OFF_COUNTS = (1, 10, 30)
# Peak-relative release (ratio, half-life in readings); (0, 0) is the plain threshold policy.
RELEASES = ((0.0, 0.0),) + tuple(
    (ratio, half_life) for ratio in (0.03, 0.05, 0.1, 0.2, 0.3) for half_life in (100.0, 200.0, 400.0, 1000.0)
)


def objective(c: np.ndarray) -> float:
    """F1, minus twice any FAR above the 10 % target: a plant stops trusting a detector that cries wolf."""
    f1, far, _ = f1_far_mar(c)
    return f1 - 2.0 * max(0.0, far - FAR_TARGET)


class Candidate:
    """Per-file channel contributions of one architecture+horizon, for fast selection of weights and policy.
    For the mean-shift the columns are per channel *and direction* (all rises, then all drops), so selection
    weighs each direction of each channel separately."""

    def __init__(self, arch: str, horizon: int, contribs: list[np.ndarray], labels: list[np.ndarray], n0: int):
        self.arch = arch
        self.horizon = horizon
        self.contribs = contribs  # per file: [n - WINDOW + 1, channels], row i ends at reading i + WINDOW - 1
        self.labels = labels  # per file: labels of the scored part (readings >= n0)
        self.cal_rows = n0 - WINDOW + 1  # windows that end inside the cold-start part

    def confusion(self, weights: np.ndarray, policy: Policy) -> np.ndarray:
        total = np.zeros(4, dtype=np.int64)
        for contrib, labels in zip(self.contribs, self.labels):
            scores = contrib @ weights
            thr = threshold_from(scores[: self.cal_rows], policy)
            if policy.alpha == 1.0 and policy.on_count == 1 and policy.off_count == 1 and policy.release == 0.0:
                flags = (scores[self.cal_rows :] > thr).astype(np.int8)
            else:
                flags = apply_policy(scores, self.cal_rows, thr, policy)
            total += confusion(flags, labels)
        return total

    def grid_confusion(self, weights: np.ndarray, policies: list[Policy]) -> np.ndarray:
        """[len(policies), 4]: `confusion` for every policy at once."""
        total = np.zeros((len(policies), 4), dtype=np.int64)
        for contrib, labels in zip(self.contribs, self.labels):
            scores = contrib @ weights
            cal = scores[: self.cal_rows]
            quantiles = {q: float(np.quantile(cal, q)) for q in {p.quantile for p in policies}}
            thresholds = np.array([max(p.factor * quantiles[p.quantile], 1e-9) for p in policies])
            total += grid_confusion(scores, self.cal_rows, thresholds, policies, labels)
        return total


def plain_policies(factors: tuple[float, ...] = FACTORS) -> list[Policy]:
    return [Policy(q, f, 1.0, 1, 1) for q in QUANTILES for f in factors]


def select_weights(cand: Candidate, channels: list[str], log, factors: tuple[float, ...] = FACTORS) -> tuple[np.ndarray, Policy, float]:
    """Greedy forward channel selection (weight 1 or 0) under undebounced policies."""
    n = len(channels)
    chosen: list[int] = []
    best_obj, best_policy = -np.inf, plain_policies(factors)[0]
    while len(chosen) < n:
        step_best = None
        for c in range(n):
            if c in chosen:
                continue
            w = np.zeros(n)
            w[chosen + [c]] = 1.0
            for pol in plain_policies(factors):
                obj = objective(cand.confusion(w, pol))
                if step_best is None or obj > step_best[0]:
                    step_best = (obj, c, pol)
        assert step_best is not None
        if step_best[0] <= best_obj + 1e-6:
            break
        best_obj, best_policy = step_best[0], step_best[2]
        chosen.append(step_best[1])
        log(f"  {cand.arch} h={cand.horizon}: +{channels[step_best[1]]} -> objective {best_obj:.4f}")
    w = np.zeros(n)
    w[chosen] = 1.0
    return w, best_policy, best_obj


def select_policy(cand: Candidate, weights: np.ndarray, quiet: bool, factors: tuple[float, ...] = FACTORS) -> tuple[Policy, np.ndarray]:
    grid = [
        Policy(q, f, a, on, off, r, hl)
        for q, f, a, on, off, (r, hl) in itertools.product(QUANTILES, factors, ALPHAS, ON_COUNTS, OFF_COUNTS, RELEASES)
    ]
    confusions = cand.grid_confusion(weights, grid)
    # The first best in grid order (ties keep the simpler, earlier policy, as the sequential search did).
    objectives = [objective(c) for c in confusions]
    best = int(np.argmax(objectives))
    return grid[best], confusions[best]


def mean_shift_contribs(z: np.ndarray, horizon: int) -> np.ndarray:
    """NumPy twin of MeanShift with unit weights (float64 for selection): [rows, 2 * channels], the rises'
    max(m, 0)^2 then the drops' min(m, 0)^2."""
    w = windows(z, WINDOW)[:, -horizon:, :].astype(np.float64)
    m = w.mean(axis=1)
    return np.concatenate([np.maximum(m, 0.0) ** 2, np.minimum(m, 0.0) ** 2], axis=1)


def directed(channels: list[str]) -> list[str]:
    return [f"{ch} rise" for ch in channels] + [f"{ch} drop" for ch in channels]


def run(args: argparse.Namespace) -> int:
    seed_everything(args.seed)
    import torch

    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    started = time.time()
    root = Path(args.data).resolve()
    exclude = set(args.exclude or [])
    n0 = args.cold_start

    if args.dataset == "skab":
        labelled, normal = datasets.load_skab(root, exclude)
        channels = list(datasets.SKAB_CHANNELS)
        source_columns = [src for src, _ in datasets.SKAB_COLUMNS]
        used_files = [s.path for s in labelled + normal]
        machine_type = "skab"
    else:
        channels, labelled = datasets.load_simulator(root / "readings.jsonl", root / "truth.jsonl", args.machine_type)
        normal = []
        source_columns = None
        used_files = [root / "readings.jsonl", root / "truth.jsonl"]
        machine_type = args.machine_type
    labelled = [s for s in labelled if len(s.values) > n0]
    if not labelled:
        print("no labelled series longer than the cold-start length", file=sys.stderr)
        return 2
    log(f"{len(labelled)} labelled series, {len(normal)} normal-only, {len(channels)} channels, cold start {n0}")

    zs = []
    for s in labelled:
        center, scale = robust_fit(s.values[:n0])
        zs.append(normalise(s.values, center, scale))
    scored_labels = [s.labels[n0:] for s in labelled]

    archs = ["mean-shift", "conv-ae"] if args.arch == "auto" else [args.arch]
    candidates: list[tuple[str, int, Candidate, object]] = []
    for horizon in args.horizons:
        if "mean-shift" in archs:
            cand = Candidate("mean-shift", horizon, [mean_shift_contribs(z, horizon) for z in zs], scored_labels, n0)
            candidates.append(("mean-shift", horizon, cand, None))
    ae = None
    if "conv-ae" in archs:
        train_w = []
        for z in zs:
            train_w.append(windows(z[:n0], WINDOW))
        for s in normal:
            center, scale = robust_fit(s.values[:n0])
            train_w.append(windows(normalise(s.values, center, scale), WINDOW)[::4])
        tw = torch.from_numpy(np.concatenate(train_w))
        ae = ConvAutoencoder(len(channels), WINDOW, WINDOW, [1.0] * len(channels))
        losses = train_autoencoder(ae, tw, args.epochs, show_progress=not args.quiet)
        log(f"conv-ae trained on {len(tw)} normal windows, final loss {losses[-1]:.4f}")
        with torch.no_grad():
            recon_err = []
            for z in zs:
                x = torch.from_numpy(windows(z, WINDOW))
                recon_err.append(((ae.reconstruct(x) - x) ** 2).numpy().astype(np.float64))
        for horizon in args.horizons:
            contribs = [e[:, -horizon:, :].mean(axis=1) for e in recon_err]
            candidates.append(("conv-ae", horizon, Candidate("conv-ae", horizon, contribs, scored_labels, n0), ae))

    results = []
    for arch, horizon, cand, _ in progress(candidates, desc="candidates (channels, policy grid)", enabled=not args.quiet):
        factors = tuple(getattr(args, "factors", None) or FACTORS)
        names = directed(channels) if arch == "mean-shift" else channels
        weights, _, obj = select_weights(cand, names, log, factors)
        policy, c = select_policy(cand, weights, args.quiet, factors)
        f1, far, mar = f1_far_mar(c)
        log(f"{arch} h={horizon}: F1 {f1:.3f} FAR {far:.3f} MAR {mar:.3f} policy {policy}")
        results.append((objective(c), arch, horizon, weights, policy, c))
    results.sort(key=lambda r: -r[0])
    _, arch, horizon, weights, policy, c = results[0]
    f1, far, mar = f1_far_mar(c)

    C = len(channels)
    direction_weights = None
    if arch == "mean-shift":
        rises, drops = weights[:C], weights[C:]
        module = MeanShift(C, WINDOW, horizon, rises.tolist(), drops.tolist())
        direction_weights = {"rise": dict(zip(channels, rises.tolist())), "drop": dict(zip(channels, drops.tolist()))}
        weights = np.maximum(rises, drops)
    else:
        assert ae is not None
        module = ConvAutoencoder(len(channels), WINDOW, horizon, weights.tolist())
        module.load_state_dict({**ae.state_dict(), "weights": torch.tensor(weights, dtype=torch.float32).reshape(1, -1)})
        module.horizon = horizon
    module.eval()

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    onnx_path = out / f"{args.name}.onnx"
    example = windows(zs[0], WINDOW)[:8]
    export_onnx(module, example, onnx_path, INPUT_NAME, OUTPUT_NAMES)
    rng = np.random.default_rng(args.seed)
    # Parity on the inputs a model sees in normal operation (cold-start windows of every series, z ~ O(1)) and
    # random N(0, 3) windows. The absolute tolerance is for outputs of order 1-100; during a fault scores reach
    # 1e3-1e6, where float32 rounding alone exceeds 1e-4 in absolute terms (relative differences stay ~1e-7).
    parity_inputs = np.concatenate(
        [windows(z[:n0], WINDOW)[::25] for z in zs]
        + [rng.normal(0, 3, size=(32, WINDOW, len(channels))).astype(np.float32)]
    )
    diff = parity_max_abs_diff(module, onnx_path, parity_inputs, INPUT_NAME)
    if diff > PARITY_TOLERANCE:
        print(f"parity check failed: max abs diff {diff:.3g} > {PARITY_TOLERANCE}", file=sys.stderr)
        return 1

    version = f"{args.name}@{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}"
    metadata = {
        "schema_version": METADATA_SCHEMA_VERSION,
        "task": "anomaly",
        "model_version": version,
        "onnx_file": onnx_path.name,
        "opset": OPSET,
        "architecture": arch,
        "machine_type": machine_type,
        "channels": channels,
        **({"source_columns": source_columns} if source_columns else {}),
        "input": {"name": INPUT_NAME, "shape": ["batch", WINDOW, len(channels)], "window": WINDOW},
        "outputs": {"contributions": OUTPUT_NAMES[0], "score": OUTPUT_NAMES[1]},
        "horizon": horizon,
        # Simulator recordings are 1 reading/s; serving averages faster streams per second (SKAB files are ~1 Hz
        # but irregular, so their readings are taken as they come).
        **({"sample_period_ms": 1000} if args.dataset == "simulator" else {}),
        "channel_weights": dict(zip(channels, weights.tolist())),
        **({"direction_weights": direction_weights} if direction_weights else {}),
        "normalisation": {
            "kind": "robust-per-machine",
            "fit_on": "cold_start",
            "center": "median",
            "scale": "max(1.4826*MAD, std, 1e-3*|median|+1e-6)",
            "clip": 1000.0,
        },
        "cold_start": {"readings": n0},
        "threshold": {"rule": "factor*quantile(cold-start scores)", "quantile": policy.quantile, "factor": policy.factor},
        "policy": {
            "ema_alpha": policy.alpha,
            "on_count": policy.on_count,
            "off_count": policy.off_count,
            "release": policy.release,
            "release_half_life": policy.release_half_life,
            # 0.5 ** (1 / half_life), written out so the service multiplies by the very same float.
            "release_decay": decay_of(policy.release_half_life),
        },
        "metrics": {
            "validation": "scored parts of the training files (choices made on them; in-sample for those files)",
            "f1": round(f1, 4),
            "far": round(far, 4),
            "mar": round(mar, 4),
            "tp_fp_fn_tn": [int(x) for x in c],
            "candidates": [
                {"architecture": r[1], "horizon": r[2], "objective": round(r[0], 4), **dict(zip(("f1", "far", "mar"), (round(v, 4) for v in f1_far_mar(r[5]))))}
                for r in results
            ],
            "parity_max_abs_diff": diff,
        },
        "training": {
            "dataset": args.dataset,
            "files": [str(Path(p).resolve().relative_to(root)) for p in used_files],
            "excluded": sorted(exclude),
            "data_hash": data_hash(used_files, root),
            "git_commit": git_commit(Path(__file__).resolve().parent),
            "seed": args.seed,
            "epochs": args.epochs if "conv-ae" in archs else 0,
            "torch": torch.__version__,
            "seconds": round(time.time() - started, 1),
        },
    }
    write_metadata(out / f"{args.name}.json", metadata)
    print(json.dumps({"model": str(onnx_path), "model_version": version, "architecture": arch, "horizon": horizon,
                      "channels": [ch for ch, w in zip(channels, weights) if w > 0],
                      **({"directions": direction_weights} if direction_weights else {}), "policy": asdict(policy),
                      "validation": {"f1": f1, "far": far, "mar": mar}, "parity_max_abs_diff": diff}))
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=["skab", "simulator"], required=True)
    parser.add_argument("--data", required=True, help="SKAB folder (searched recursively) or a simulator recording folder with readings.jsonl and truth.jsonl")
    parser.add_argument("--out", required=True, help="folder for <name>.onnx and <name>.json")
    parser.add_argument("--name", default="anomaly")
    parser.add_argument("--exclude", action="append", help="file (relative to --data) never read; repeatable")
    parser.add_argument("--arch", choices=["auto", "mean-shift", "conv-ae"], default="auto")
    parser.add_argument("--horizons", type=int, nargs="+", default=[10, 20, 30, 60])
    parser.add_argument("--cold-start", type=int, default=400)
    parser.add_argument("--factors", type=float, nargs="+", default=list(FACTORS), help="threshold factors to try")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--machine-type", default="centrifugal-pump", help="simulator data: the machine type the model is for")
    parser.add_argument("--quiet", action="store_true")
