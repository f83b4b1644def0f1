"""Loaders: SKAB CSVs and recorded simulator runs (JSONL readings + ground truth)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# SKAB columns in file order and their wire names (libs/contracts SKAB_MACHINE_TYPE).
SKAB_COLUMNS = [
    ("Accelerometer1RMS", "accelerometer1_rms"),
    ("Accelerometer2RMS", "accelerometer2_rms"),
    ("Current", "current"),
    ("Pressure", "pressure"),
    ("Temperature", "temperature"),
    ("Thermocouple", "thermocouple"),
    ("Voltage", "voltage"),
    ("Volume Flow RateRMS", "volume_flow_rate_rms"),
]
SKAB_CHANNELS = [wire for _, wire in SKAB_COLUMNS]


@dataclass
class Series:
    """One machine's (or one experiment's) readings in time order."""

    name: str
    path: Path
    values: np.ndarray  # [n, channels] float64
    labels: np.ndarray | None  # [n] 0/1, or None when the file carries no labels


def read_skab_csv(path: Path, name: str | None = None) -> Series:
    """Reads one SKAB-format file (`;`-separated, CRLF, header). Label columns are optional."""
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    header = [h.strip() for h in lines[0].split(";")]
    try:
        cols = [header.index(source) for source, _ in SKAB_COLUMNS]
    except ValueError as err:
        raise ValueError(f"{path}: not a SKAB file ({err})") from err
    label_col = header.index("anomaly") if "anomaly" in header else None
    values = np.empty((len(lines) - 1, len(cols)), dtype=np.float64)
    labels = np.empty(len(lines) - 1, dtype=np.int8) if label_col is not None else None
    for i, line in enumerate(lines[1:]):
        fields = line.split(";")
        values[i] = [float(fields[c]) for c in cols]
        if labels is not None:
            labels[i] = 1 if float(fields[label_col]) >= 0.5 else 0
    return Series(name=name or path.name, path=path, values=values, labels=labels)


def find_skab_files(root: Path) -> list[Path]:
    """Every `*.csv` under root, recursively, in a stable order (numeric file names sort numerically)."""

    def key(p: Path) -> tuple:
        rel = p.relative_to(root)
        return tuple((0, int(part[:-4]) if part[:-4].isdigit() else 0, part) for part in rel.parts)

    return sorted(root.rglob("*.csv"), key=key)


def load_skab(root: Path, exclude: set[str]) -> tuple[list[Series], list[Series]]:
    """(labelled experiments, unlabelled normal files) under root; `exclude` holds paths relative to root."""
    labelled: list[Series] = []
    normal: list[Series] = []
    for path in find_skab_files(root):
        rel = str(path.relative_to(root))
        if rel in exclude:
            continue
        series = read_skab_csv(path, rel)
        (labelled if series.labels is not None else normal).append(series)
    return labelled, normal


def load_simulator(
    readings_path: Path, truth_path: Path | None, machine_type: str | None = None
) -> tuple[list[str], list[Series]]:
    """A recorded simulator run (`bin/industrialmind simulate --out r.jsonl --truth t.jsonl`): one series per
    machine (of `machine_type` only, when given); a reading is anomalous when its ground truth has an active
    fault."""
    faulty: dict[str, bool] = {}
    if truth_path is not None:
        with open(truth_path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    rec = json.loads(line)
                    faulty[rec["reading_id"]] = bool(rec.get("active_faults"))
    per_machine: dict[str, list[dict]] = {}
    channels: list[str] = []
    with open(readings_path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            reading = json.loads(line)
            if machine_type is not None and reading["machine_type"] != machine_type:
                continue
            per_machine.setdefault(reading["machine_id"], []).append(reading)
            for ch in reading["readings"]:
                if ch not in channels:
                    channels.append(ch)
    series: list[Series] = []
    for machine, readings in sorted(per_machine.items()):
        values = np.full((len(readings), len(channels)), np.nan)
        for i, r in enumerate(readings):
            for j, ch in enumerate(channels):
                if ch in r["readings"]:
                    values[i, j] = r["readings"][ch]
        values = forward_fill(values)
        labels = np.array([1 if faulty.get(r["reading_id"]) else 0 for r in readings], dtype=np.int8)
        series.append(Series(machine, readings_path, values, labels if truth_path else None))
    return channels, series


def forward_fill(values: np.ndarray) -> np.ndarray:
    """Carries each channel's last value forward over gaps; leading gaps take the first value seen (or 0)."""
    out = values.copy()
    for j in range(out.shape[1]):
        col = out[:, j]
        seen = np.flatnonzero(~np.isnan(col))
        if seen.size == 0:
            col[:] = 0.0
            continue
        col[: seen[0]] = col[seen[0]]
        for i in range(seen[0] + 1, len(col)):
            if np.isnan(col[i]):
                col[i] = col[i - 1]
    return out
