"""C-MAPSS loading, operating-condition normalisation statistics, windows and the held-out evaluation protocol.

Every array of raw readings has the 24 channels of machine type ``cmapss-turbofan`` in order:
``setting_1..3, s_1..s_21`` (columns 3-26 of the text files). Normalisation is *not* applied here: it is part of
the exported network (see ``models.RulNetwork``), so the service feeds raw readings exactly as they arrive.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

CHANNELS = [f"setting_{i}" for i in range(1, 4)] + [f"s_{i}" for i in range(1, 22)]
SETTING_COLUMNS = [0, 1, 2]
# The 14 sensors that vary with degradation (the other 7 are constant, or constant per operating condition,
# in every subset): s_2 s_3 s_4 s_7 s_8 s_9 s_11 s_12 s_13 s_14 s_15 s_17 s_20 s_21. Indices into CHANNELS.
SENSOR_COLUMNS = [3 + s - 1 for s in (2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21)]
SUBSETS = ("FD001", "FD002", "FD003", "FD004")
CONDITIONS = {"FD001": 1, "FD002": 6, "FD003": 1, "FD004": 6}
RUL_CAP = 125


def default_dataset_dir() -> str:
    env = os.environ.get("CMAPSS_DIR") or os.environ.get("SHARED_DATASETS_DIR")
    if env:
        return env if env.rstrip("/").endswith("cmapss") else os.path.join(env, "cmapss")
    here = os.path.dirname(os.path.abspath(__file__))
    for up in range(3, 9):
        candidate = os.path.join(here, *([".."] * up), "shared", "datasets", "cmapss")
        if os.path.isdir(candidate):
            return os.path.normpath(candidate)
    return "/work/shared/datasets/cmapss"


def load_file(path: str) -> dict[int, np.ndarray]:
    """Reads a C-MAPSS text file into {unit: (cycles, 24) float64}, rows ordered by cycle."""
    data = np.loadtxt(path)
    if data.ndim != 2 or data.shape[1] != 26:
        raise ValueError(f"{path}: expected 26 columns, got {data.shape}")
    engines: dict[int, np.ndarray] = {}
    for unit in np.unique(data[:, 0]).astype(int):
        rows = data[data[:, 0] == unit]
        rows = rows[np.argsort(rows[:, 1])]
        engines[int(unit)] = rows[:, 2:].astype(np.float64)
    return engines


def check_sister(subset: str, extra: str) -> None:
    """Raises ValueError unless `extra` is another subset flown in the same operating conditions as `subset` (FD001
    with FD003, FD002 with FD004): only then can its engines share the model's normalisation and training."""
    if extra not in SUBSETS:
        raise ValueError(f"unknown subset {extra!r}; expected one of {', '.join(SUBSETS)}")
    if extra == subset or CONDITIONS[extra] != CONDITIONS[subset]:
        raise ValueError(f"--extra-subset {extra}: must be another subset flown in the same operating conditions as "
                         f"{subset} (FD001 with FD003, FD002 with FD004)")


def subset_of(meta: dict) -> str | None:
    """The C-MAPSS subset a model's metadata names (`rul-cmapss-fd001` -> FD001), None for another model."""
    subset = str(meta.get("name", "")).split("-")[-1].upper()
    return subset if subset in SUBSETS else None


def history_of(meta: dict) -> int:
    """How many first readings a model's history inputs take (0: the model takes the window only)."""
    return int((meta.get("history") or {}).get("start_readings", 0))


def load_subset(subset: str, dataset_dir: str | None = None, part: str = "train") -> dict[int, np.ndarray]:
    if subset not in SUBSETS:
        raise ValueError(f"unknown subset {subset!r}; expected one of {', '.join(SUBSETS)}")
    return load_file(os.path.join(dataset_dir or default_dataset_dir(), f"{part}_{subset}.txt"))


def split_engines(units: list[int], seed: int, fractions=(0.7, 0.1, 0.2)) -> tuple[list[int], list[int], list[int]]:
    """Seeded split of engines into train / calibration / validation (whole engines, never rows)."""
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(sorted(units)))
    n = len(order)
    n_cal = max(1, round(n * fractions[1]))
    n_val = max(1, round(n * fractions[2]))
    n_train = n - n_cal - n_val
    return (
        sorted(int(u) for u in order[:n_train]),
        sorted(int(u) for u in order[n_train : n_train + n_cal]),
        sorted(int(u) for u in order[n_train + n_cal :]),
    )


@dataclass
class Normalisation:
    """Nearest-centroid operating condition on the (scaled) settings, then per-condition z-scores of sensors."""

    centroids: np.ndarray  # (K, 3) raw settings
    setting_scale: np.ndarray  # (3,)
    mean: np.ndarray  # (K, S)
    std: np.ndarray  # (K, S)
    sensor_columns: list[int] = field(default_factory=lambda: list(SENSOR_COLUMNS))
    setting_columns: list[int] = field(default_factory=lambda: list(SETTING_COLUMNS))
    channels: list[str] = field(default_factory=lambda: list(CHANNELS))

    def condition(self, raw: np.ndarray) -> np.ndarray:
        if not self.setting_columns:
            return np.zeros(raw.shape[:-1], dtype=int)
        s = raw[..., self.setting_columns]
        d = (((s[..., None, :] - self.centroids) / self.setting_scale) ** 2).sum(-1)
        return d.argmin(-1)

    def apply(self, raw: np.ndarray) -> np.ndarray:
        c = self.condition(raw)
        return (raw[..., self.sensor_columns] - self.mean[c]) / self.std[c]

    def to_json(self) -> dict:
        return {
            "method": "nearest-condition-zscore",
            "setting_channels": [self.channels[i] for i in self.setting_columns],
            "sensor_channels": [self.channels[i] for i in self.sensor_columns],
            "condition_centroids": self.centroids.tolist(),
            "setting_scale": self.setting_scale.tolist(),
            "mean": self.mean.tolist(),
            "std": self.std.tolist(),
        }


def kmeans(points: np.ndarray, k: int, seed: int, iterations: int = 50) -> np.ndarray:
    """Plain k-means with farthest-point initialisation (C-MAPSS's six conditions are tight, well-separated)."""
    rng = np.random.default_rng(seed)
    centroids = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        d = np.min([((points - c) ** 2).sum(1) for c in centroids], axis=0)
        centroids.append(points[int(d.argmax())])
    c = np.array(centroids)
    for _ in range(iterations):
        labels = (((points[:, None, :] - c) ** 2).sum(-1)).argmin(1)
        new = np.array([points[labels == j].mean(0) if np.any(labels == j) else c[j] for j in range(k)])
        if np.allclose(new, c):
            break
        c = new
    return c


def fit_normalisation(
    engines: dict[int, np.ndarray],
    conditions: int,
    seed: int = 0,
    sensor_columns: list[int] | None = None,
    setting_columns: list[int] | None = None,
    channels: list[str] | None = None,
) -> Normalisation:
    sensor_columns = list(SENSOR_COLUMNS if sensor_columns is None else sensor_columns)
    setting_columns = list(SETTING_COLUMNS if setting_columns is None else setting_columns)
    rows = np.concatenate(list(engines.values()))
    settings = rows[:, setting_columns] if setting_columns else np.zeros((len(rows), 1))
    scale = settings.std(0)
    scale[scale < 1e-6] = 1.0
    if conditions == 1:
        centroids = settings.mean(0, keepdims=True)
    else:
        centroids = kmeans(settings / scale, conditions, seed) * scale
    norm = Normalisation(
        centroids,
        scale,
        np.zeros((conditions, len(sensor_columns))),
        np.ones((conditions, len(sensor_columns))),
        sensor_columns,
        setting_columns,
        list(channels or CHANNELS),
    )
    labels = norm.condition(rows)
    sensors = rows[:, sensor_columns]
    for j in range(conditions):
        chosen = sensors[labels == j]
        if len(chosen) == 0:
            continue
        norm.mean[j] = chosen.mean(0)
        std = chosen.std(0)
        # A sensor constant within a condition carries no information there; keep it at 0 rather than divide by 0.
        std[std < 1e-6] = 1.0
        norm.std[j] = std
    return norm


def pad_front(raw: np.ndarray, window: int) -> np.ndarray:
    """The last `window` rows; an engine seen for fewer cycles is padded by repeating its first row."""
    if len(raw) >= window:
        return raw[-window:]
    return np.concatenate([np.repeat(raw[:1], window - len(raw), axis=0), raw])


def pack_history(window_rows: np.ndarray, seen: np.ndarray, history: int) -> np.ndarray:
    """With history inputs, one sample is packed into one array so every split and index works unchanged:
    rows [0, window) the last readings, rows [window, window + history) the engine's first `history` readings
    (`pad_front`, as the service builds them), and one last row whose channel 0 is the number of readings seen
    (the engine's age). `RulNetwork` unpacks it; the exported ONNX file takes the three parts as separate inputs."""
    start = pad_front(seen[:history], history)
    age = np.zeros((1, seen.shape[1]), dtype=window_rows.dtype)
    age[0, 0] = len(seen)
    return np.concatenate([window_rows, start, age])


def training_windows(engines: dict[int, np.ndarray], units: list[int], window: int, cap: float = RUL_CAP,
                     max_rul: float | None = None, history: int = 0):
    """One window ending at every cycle of every engine, target min(RUL, cap). With `max_rul`, only the windows
    whose true RUL is at most `max_rul` (the held-out protocol's range: what a cut engine can look like). With
    `history` > 0, each sample also carries the engine's first `history` readings and its age (`pack_history`)."""
    xs, ys = [], []
    for u in units:
        raw = engines[u]
        life = len(raw)
        padded = np.concatenate([np.repeat(raw[:1], window - 1, axis=0), raw])
        idx = np.arange(life)[:, None] + np.arange(window)[None, :]
        rul = life - 1 - np.arange(life)
        keep = rul <= max_rul if max_rul is not None else np.ones(life, dtype=bool)
        wins = padded[idx[keep]]
        if history > 0:
            # The first `history` readings as seen after t + 1 readings: pad_front(raw[:min(t + 1, history)]).
            seen_n = np.minimum(np.arange(life) + 1, history)[keep]  # (n,)
            k = np.arange(history)[None, :]
            start_idx = np.maximum(k - (history - seen_n[:, None]), 0)  # front padding repeats row 0
            age = np.zeros((len(seen_n), 1, raw.shape[1]))
            age[:, 0, 0] = (np.arange(life) + 1)[keep]
            wins = np.concatenate([wins, raw[start_idx], age], axis=1)
        xs.append(wins)
        ys.append(np.minimum(rul[keep], cap))
    return np.concatenate(xs).astype(np.float32), np.concatenate(ys).astype(np.float32)


# Held-out protocol, mimicking how the C-MAPSS test files were made (each engine stopped "some time prior to
# failure"): an engine is cut so that its true remaining life is uniform in [MIN_TRUE_RUL, MAX_TRUE_RUL] (bounded
# by its length, at least one cycle observed), and the model predicts from what came before the cut.
MIN_TRUE_RUL = 5
MAX_TRUE_RUL = 150


def truncated_samples(engines: dict[int, np.ndarray], units: list[int], window: int, draws: int, seed: int,
                      history: int = 0):
    """`draws` cuts per engine: windows (n, window, 24) (packed with `pack_history` when `history` > 0), true RUL
    (n,), engine ids (n,)."""
    rng = np.random.default_rng(seed)
    xs, ys, us = [], [], []
    for u in units:
        raw = engines[u]
        life = len(raw)
        hi = min(MAX_TRUE_RUL, life - 1)
        lo = min(MIN_TRUE_RUL, hi)
        for _ in range(draws):
            rul = int(rng.integers(lo, hi + 1))
            seen = raw[: life - rul]
            win = pad_front(seen, window)
            xs.append(pack_history(win, seen, history) if history > 0 else win)
            ys.append(rul)
            us.append(u)
    return np.array(xs, dtype=np.float32), np.array(ys, dtype=np.float32), np.array(us)
