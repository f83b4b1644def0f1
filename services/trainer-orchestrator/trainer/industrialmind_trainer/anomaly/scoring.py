"""The serving policy in NumPy, used to choose hyper-parameters by validation.

It mirrors libs/anomaly-scoring (TypeScript) step for step; the TypeScript code is what serves and what
`bin/industrialmind eval anomaly` measures. Cold start: the first N readings of a machine set its robust
normalisation and its threshold. Causal: the result at t uses readings <= t only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CLIP = 1000.0


def robust_fit(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """center = median; scale = max(1.4826 * MAD, std, 1e-3 * |median| + 1e-6). The std term keeps quantised
    channels (SKAB's flow and pressure take a few values, so MAD is often 0) from dividing by ~0."""
    center = np.median(values, axis=0)
    mad = np.median(np.abs(values - center), axis=0) * 1.4826
    std = values.std(axis=0)
    scale = np.maximum(np.maximum(mad, std), 1e-3 * np.abs(center) + 1e-6)
    return center, scale


def normalise(values: np.ndarray, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.clip((values - center) / scale, -CLIP, CLIP).astype(np.float32)


def windows(z: np.ndarray, window: int) -> np.ndarray:
    """All full windows [n - window + 1, window, channels]; row i ends at reading i + window - 1."""
    from numpy.lib.stride_tricks import sliding_window_view

    return np.ascontiguousarray(sliding_window_view(z, window, axis=0).transpose(0, 2, 1))


@dataclass(frozen=True)
class Policy:
    """Threshold rule and debouncing, as written to the metadata's `threshold` and `policy` blocks."""

    quantile: float  # of the calibration scores
    factor: float  # threshold = factor * quantile
    alpha: float  # EMA weight of the newest score (1 = no smoothing)
    on_count: int  # consecutive smoothed scores above the level that start an event
    off_count: int  # consecutive ones at or below it that end it
    # Peak-relative release (0 = off): while an event lasts, the level is max(threshold, release * peak), peak
    # being the event's highest smoothed score, so an event ends once the score has fallen well below its own
    # peak even when the signal settles at a level that differs from the cold-start baseline. After it ends the
    # peak decays with this half-life (readings), and a new event needs the score above release * decayed peak.
    release: float = 0.0
    release_half_life: float = 0.0


def threshold_from(cal_scores: np.ndarray, policy: Policy) -> float:
    return max(policy.factor * float(np.quantile(cal_scores, policy.quantile)), 1e-9)


def decay_of(half_life: float) -> float:
    return 0.5 ** (1.0 / half_life) if half_life > 0 else 0.0


def apply_policy(scores: np.ndarray, start: int, threshold: float, policy: Policy) -> np.ndarray:
    """Flags (0/1) for scores[start:], after EMA smoothing (seeded from scores[0]), on/off persistence and the
    peak-relative release. libs/anomaly-scoring `step` is the same arithmetic, step for step."""
    flags = np.zeros(len(scores) - start, dtype=np.int8)
    ema = float(scores[0])
    active = False
    run = 0
    peak = 0.0
    decay = decay_of(policy.release_half_life)
    for i, s in enumerate(scores):
        ema = policy.alpha * float(s) + (1.0 - policy.alpha) * ema
        peak = max(peak, ema) if active else peak * decay
        over = ema > max(threshold, policy.release * peak)
        if over != active:
            run += 1
            if run >= (policy.on_count if over else policy.off_count):
                active = over
                run = 0
                if active:
                    peak = max(peak, ema)
        else:
            run = 0
        if i >= start:
            flags[i - start] = 1 if active else 0
    return flags


def grid_confusion(scores: np.ndarray, start: int, thresholds: np.ndarray, policies: list[Policy], labels: np.ndarray) -> np.ndarray:
    """[len(policies), 4] confusion counts of apply_policy for many policies at once (the same arithmetic,
    vectorised over policies; the time loop stays sequential). thresholds[p] belongs to policies[p]."""
    n = len(policies)
    alpha = np.array([p.alpha for p in policies])
    on = np.array([p.on_count for p in policies])
    off = np.array([p.off_count for p in policies])
    release = np.array([p.release for p in policies])
    decay = np.array([decay_of(p.release_half_life) for p in policies])
    thr = np.asarray(thresholds, dtype=np.float64)
    ema = np.full(n, float(scores[0]))
    active = np.zeros(n, dtype=bool)
    run = np.zeros(n, dtype=np.int64)
    peak = np.zeros(n)
    out = np.zeros((n, 4), dtype=np.int64)
    for i, s in enumerate(scores.astype(np.float64)):
        ema = alpha * s + (1.0 - alpha) * ema
        peak = np.where(active, np.maximum(peak, ema), peak * decay)
        over = ema > np.maximum(thr, release * peak)
        differs = over != active
        run = np.where(differs, run + 1, 0)
        flip = differs & (run >= np.where(over, on, off))
        active = np.where(flip, over, active)
        run = np.where(flip, 0, run)
        peak = np.where(flip & active, np.maximum(peak, ema), peak)
        if i >= start:
            if labels[i - start]:
                out[:, 0] += active
                out[:, 2] += ~active
            else:
                out[:, 1] += active
                out[:, 3] += ~active
    return out


def confusion(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """[tp, fp, fn, tn]"""
    p = pred.astype(bool)
    t = truth.astype(bool)
    return np.array([(p & t).sum(), (p & ~t).sum(), (~p & t).sum(), (~p & ~t).sum()], dtype=np.int64)


def f1_far_mar(c: np.ndarray) -> tuple[float, float, float]:
    tp, fp, fn, tn = (float(x) for x in c)
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    far = fp / (fp + tn) if fp + tn else 0.0
    mar = fn / (fn + tp) if fn + tp else 0.0
    return f1, far, mar
