"""RMSE, the PHM08 score and interval coverage."""

from __future__ import annotations

import numpy as np


def rmse(pred: np.ndarray, truth: np.ndarray) -> float:
    return float(np.sqrt(np.mean((np.asarray(pred, float) - np.asarray(truth, float)) ** 2)))


def phm08_score(pred: np.ndarray, truth: np.ndarray) -> float:
    """Saxena et al. 2008: sum of exp(-d/13)-1 for early (d<0) and exp(d/10)-1 for late predictions, d=pred-truth."""
    d = np.asarray(pred, float) - np.asarray(truth, float)
    return float(np.sum(np.where(d < 0, np.exp(-d / 13.0) - 1.0, np.exp(d / 10.0) - 1.0)))


def coverage(lower: np.ndarray, upper: np.ndarray, truth: np.ndarray) -> float:
    truth = np.asarray(truth, float)
    return float(np.mean((truth >= lower) & (truth <= upper)))
