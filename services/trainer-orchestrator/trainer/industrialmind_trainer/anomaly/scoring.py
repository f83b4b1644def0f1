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
    on_count: int  # consecutive smoothed scores above threshold that start an event
    off_count: int  # consecutive ones at or below that end it


def threshold_from(cal_scores: np.ndarray, policy: Policy) -> float:
    return max(policy.factor * float(np.quantile(cal_scores, policy.quantile)), 1e-9)


def apply_policy(scores: np.ndarray, start: int, threshold: float, policy: Policy) -> np.ndarray:
    """Flags (0/1) for scores[start:], after EMA smoothing (seeded from scores[0]) and on/off persistence."""
    flags = np.zeros(len(scores) - start, dtype=np.int8)
    ema = float(scores[0])
    active = False
    run = 0
    for i, s in enumerate(scores):
        ema = policy.alpha * float(s) + (1.0 - policy.alpha) * ema
        over = ema > threshold
        if over != active:
            run += 1
            if run >= (policy.on_count if over else policy.off_count):
                active = over
                run = 0
        else:
            run = 0
        if i >= start:
            flags[i - start] = 1 if active else 0
    return flags


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
