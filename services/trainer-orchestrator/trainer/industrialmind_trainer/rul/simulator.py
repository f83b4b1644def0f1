"""The simulated fleet as RUL training data: one model per simulator machine type.

The CSV comes from `bin/industrialmind train rul --subset simulator` (tools/cli rul-simulator-data.ts): the fleet of
libs/simulation run from random initial health to failure, one reading per machine every `sample_minutes`, with
the simulator's true remaining life in hours. Each machine is an "engine"; the target is its `rul_hours`.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np

CHANNELS = ["temperature", "vibration", "pressure", "power"]
RUL_CAP_HOURS = 300.0
# Held-out machines are cut so that their true remaining life is uniform in this range (hours).
MIN_TRUE_RUL_HOURS = 2.0
MAX_TRUE_RUL_HOURS = 360.0


def load_csv(path: str) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """{machine_type: {machine_id: (readings (n, 4), rul_hours (n,), timestamps_ms (n,))}}, rows in time order."""
    rows: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            rows[r["machine_type"]][r["machine_id"]].append(
                (float(r["timestamp_ms"]), [float(r[c]) for c in CHANNELS], float(r["rul_hours"]))
            )
    out: dict[str, dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
    for machine_type, machines in rows.items():
        out[machine_type] = {}
        for machine_id, items in machines.items():
            items.sort(key=lambda i: i[0])
            out[machine_type][machine_id] = (
                np.array([i[1] for i in items]),
                np.array([i[2] for i in items]),
                np.array([i[0] for i in items]),
            )
    return out


def sample_interval_ms(machines: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> int:
    steps = np.concatenate([np.diff(t) for _, _, t in machines.values() if len(t) > 1])
    return int(np.median(steps))


def training_windows(engines, rul, units, window: int, cap: float):
    xs, ys = [], []
    for u in units:
        raw = engines[u]
        n = len(raw)
        padded = np.concatenate([np.repeat(raw[:1], window - 1, axis=0), raw])
        idx = np.arange(n)[:, None] + np.arange(window)[None, :]
        xs.append(padded[idx])
        ys.append(np.minimum(rul[u], cap))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


def truncated_samples(engines, rul, units, window: int, draws: int, seed: int):
    """`draws` cuts per machine, each at a reading whose true RUL is in [MIN, MAX] hours (uniform over those)."""
    from .data import pad_front

    rng = np.random.default_rng(seed)
    xs, ys, us = [], [], []
    for u in units:
        r = rul[u]
        candidates = np.flatnonzero((r >= MIN_TRUE_RUL_HOURS) & (r <= MAX_TRUE_RUL_HOURS))
        if len(candidates) == 0:
            candidates = np.array([len(r) - 1])
        for _ in range(draws):
            i = int(candidates[rng.integers(len(candidates))])
            xs.append(pad_front(engines[u][: i + 1], window))
            ys.append(r[i])
            us.append(u)
    return np.array(xs, dtype=np.float32), np.array(ys, dtype=np.float32), np.array(us)
