"""Networks. Each takes *raw* windows (batch, window, 24 channels) and returns (batch, 3): predicted RUL, lower and
upper bound of the calibrated interval, in cycles (or the unit of the data set). Normalisation by operating
condition and the conformal offsets live inside the network as buffers, so the ONNX file is self-contained and
the service only builds windows."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .data import Normalisation

QUANTILES = (0.05, 0.95)


class Normaliser(nn.Module):
    def __init__(self, norm: Normalisation):
        super().__init__()
        self.register_buffer("centroids", torch.tensor(norm.centroids / norm.setting_scale, dtype=torch.float32))
        self.register_buffer("setting_scale", torch.tensor(norm.setting_scale, dtype=torch.float32))
        self.register_buffer("mean", torch.tensor(norm.mean, dtype=torch.float32))
        self.register_buffer("std", torch.tensor(norm.std, dtype=torch.float32))
        self.has_settings = len(norm.setting_columns) > 0
        self.register_buffer("settings_idx", torch.tensor(norm.setting_columns or [0], dtype=torch.long))
        self.register_buffer("sensor_idx", torch.tensor(norm.sensor_columns, dtype=torch.long))

    def forward(self, raw: torch.Tensor) -> torch.Tensor:
        sensors = raw.index_select(-1, self.sensor_idx)
        if not self.has_settings:
            return (sensors - self.mean[0]) / self.std[0]
        settings = raw.index_select(-1, self.settings_idx) / self.setting_scale  # (B, W, 3)
        d = ((settings.unsqueeze(-2) - self.centroids) ** 2).sum(-1)  # (B, W, K)
        cond = d.argmin(-1)  # (B, W)
        return (sensors - self.mean[cond]) / self.std[cond]


class CnnBody(nn.Module):
    """1D CNN over time, after Li et al. 2018 (DCNN), shrunk: three convolutions then a dense layer."""

    def __init__(self, features: int, window: int, channels: int = 32, hidden: int = 64, dropout: float = 0.2):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(features, channels, 5, padding=2),
            nn.ReLU(),
            nn.Conv1d(channels, channels, 5, padding=2),
            nn.ReLU(),
            nn.Conv1d(channels, channels, 3, padding=1),
            nn.ReLU(),
        )
        self.head = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(channels * window, hidden), nn.ReLU())
        self.out_features = hidden

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.head(self.conv(z.transpose(1, 2)))


class EncoderLayer(nn.Module):
    """Pre-norm transformer encoder layer written out (no fused fast path, so export and training see one graph)."""

    def __init__(self, d: int, heads: int, ff: int, dropout: float):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm1 = nn.LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Dropout(dropout), nn.Linear(ff, d))
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, w, d = x.shape
        h = self.norm1(x)
        q, k, v = self.qkv(h).reshape(b, w, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // self.heads), dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, w, d)
        x = x + self.drop(self.proj(y))
        return x + self.drop(self.ff(self.norm2(x)))


class TransformerBody(nn.Module):
    def __init__(self, features: int, window: int, d: int = 32, heads: int = 4, layers: int = 2, dropout: float = 0.1):
        super().__init__()
        self.embed = nn.Linear(features, d)
        self.pos = nn.Parameter(torch.zeros(1, window, d))
        nn.init.normal_(self.pos, std=0.02)
        self.layers = nn.ModuleList([EncoderLayer(d, heads, 2 * d, dropout) for _ in range(layers)])
        self.norm = nn.LayerNorm(d)
        self.out_features = 2 * d

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.embed(z) + self.pos
        for layer in self.layers:
            x = layer(x)
        x = self.norm(x)
        return torch.cat([x[:, -1], x.mean(1)], dim=-1)


class RulNetwork(nn.Module):
    """Normaliser -> `members` independently initialised bodies, each with three heads (point, q05, q95 on
    RUL/scale), averaged (a deep ensemble), then the calibrated interval."""

    def __init__(self, arch: str, norm: Normalisation, window: int, scale: float, members: int = 1,
                 member_archs: list[str] | None = None, history: int = 0, age_scale: float = 200.0):
        super().__init__()
        self.arch = arch
        self.window = window
        # History inputs (`history` > 0): besides the window, the machine's first `history` readings and its age in
        # readings, packed after the window (data.pack_history). The bodies then see, per step, the normalised
        # sensors, their change since the machine's own early-life baseline (mean of its first readings), and the
        # step's age divided by `age_scale`.
        self.history = history
        self.age_scale = float(age_scale)
        # `member_archs` mixes architectures in one ensemble (arch "cnn+transformer"); otherwise `members` of `arch`.
        self.member_archs = list(member_archs) if member_archs else [arch] * members
        self.members = len(self.member_archs)
        self.normaliser = Normaliser(norm)
        features = len(norm.sensor_columns) * (2 if history > 0 else 1) + (1 if history > 0 else 0)
        bodies = []
        for member_arch in self.member_archs:
            if member_arch == "cnn":
                bodies.append(CnnBody(features, window))
            elif member_arch == "transformer":
                bodies.append(TransformerBody(features, window))
            else:
                raise ValueError(f"unknown arch {member_arch!r}")
        self.bodies = nn.ModuleList(bodies)
        self.heads = nn.ModuleList([nn.Linear(b.out_features, 3) for b in bodies])
        self.register_buffer("scale", torch.tensor(float(scale)))
        # Conformal offsets added below q05 and above q95; zero until calibrated. In output units when
        # `width_scaled` is 0 (plain CQR); in multiples of the predicted width q95 - q05 when it is 1 (CQR-r).
        self.register_buffer("offsets", torch.zeros(2))
        self.register_buffer("width_scaled", torch.zeros(()))
        # Weight of each member in the ensemble average (uniform unless architectures are mixed).
        self.register_buffer("member_weights", torch.full((self.members,), 1.0 / self.members))

    def features(self, raw: torch.Tensor, noise: float = 0.0) -> torch.Tensor:
        """(B, window, F) body inputs from raw (packed) samples; Gaussian `noise` on the sensor features only."""
        if self.history <= 0:
            z = self.normaliser(raw)
            return z + noise * torch.randn_like(z) if noise > 0 else z
        w = self.window
        z = self.normaliser(raw[:, :w])
        baseline = self.normaliser(raw[:, w : w + self.history]).mean(1, keepdim=True)
        sensors = torch.cat([z, z - baseline], dim=-1)
        if noise > 0:
            sensors = sensors + noise * torch.randn_like(sensors)
        # Age of each step of the window: readings seen up to it, at least 1 (padded steps repeat the first reading).
        count = raw[:, w + self.history, 0:1]  # (B, 1)
        steps = torch.arange(w, dtype=raw.dtype, device=raw.device) - (w - 1)
        age = torch.clamp(count + steps, min=1.0) / self.age_scale
        return torch.cat([sensors, age.unsqueeze(-1)], dim=-1)

    def member_heads(self, raw: torch.Tensor, noise: float = 0.0) -> list[torch.Tensor]:
        """Each member's (B, 3) point, q05, q95 in units of `scale` (training outputs)."""
        z = self.features(raw, noise)
        return [head(body(z)) for body, head in zip(self.bodies, self.heads)]

    def raw_heads(self, raw: torch.Tensor) -> torch.Tensor:
        outs = self.member_heads(raw)
        if len(outs) == 1:
            return outs[0]
        return (torch.stack(outs) * self.member_weights[:, None, None]).sum(0)

    def subset_heads(self, raw: torch.Tensor, members: list[int]) -> torch.Tensor:
        """Raw heads of the weighted average of the chosen members only (weights renormalised): with
        cross-fitting, the members that never trained on an engine give its out-of-fold forecast."""
        outs = self.member_heads(raw)
        w = self.member_weights[members]
        return (torch.stack([outs[i] for i in members]) * (w / w.sum())[:, None, None]).sum(0)

    def forward(self, raw: torch.Tensor) -> torch.Tensor:
        return self.calibrated(self.raw_heads(raw))

    def calibrated(self, heads: torch.Tensor) -> torch.Tensor:
        """(B, 3) raw heads in units of `scale` -> point, lower, upper in output units."""
        h = heads * self.scale
        point = torch.relu(h[:, 0])
        factor = 1.0 + self.width_scaled * (interval_width(h[:, 1], h[:, 2]) - 1.0)
        lower = torch.relu(torch.minimum(h[:, 1] - self.offsets[0] * factor, point))
        upper = torch.maximum(h[:, 2] + self.offsets[1] * factor, point)
        return torch.stack([point, lower, upper], dim=1)


def combine(networks: list[RulNetwork], norm: Normalisation) -> RulNetwork:
    """One ensemble of trained networks of different architectures (same normalisation, window and scale), each
    architecture weighted equally whatever its number of members: fixed in advance, not fitted."""
    archs = [a for net in networks for a in net.member_archs]
    first = networks[0]
    combined = RulNetwork("+".join(net.arch for net in networks), norm, first.window, float(first.scale),
                          member_archs=archs, history=first.history, age_scale=first.age_scale)
    combined.bodies = nn.ModuleList([b for net in networks for b in net.bodies])
    combined.heads = nn.ModuleList([h for net in networks for h in net.heads])
    weights = [1.0 / (len(networks) * net.members) for net in networks for _ in range(net.members)]
    combined.member_weights.copy_(torch.tensor(weights))
    return combined


def loss_fn(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE for the point head plus pinball loss for the two quantile heads (targets already divided by scale)."""
    mse = ((out[:, 0] - y) ** 2).mean()
    pin = 0.0
    for i, q in enumerate(QUANTILES, start=1):
        e = y - out[:, i]
        pin = pin + torch.maximum(q * e, (q - 1) * e).mean()
    return mse + pin


# Width floor (output units) when offsets scale with the predicted width, so crossed or collapsed quantile heads
# cannot shrink an interval to nothing.
MIN_WIDTH = 1.0


def interval_width(q_lo, q_hi):
    """q_hi - q_lo floored at MIN_WIDTH (numpy or torch)."""
    if isinstance(q_lo, torch.Tensor):
        return torch.clamp(q_hi - q_lo, min=MIN_WIDTH)
    return np.maximum(np.asarray(q_hi) - np.asarray(q_lo), MIN_WIDTH)


def conformal_offsets(q_lo: np.ndarray, q_hi: np.ndarray, truth: np.ndarray, level: float,
                      width_scaled: bool = False) -> tuple[float, float]:
    """Asymmetric conformalised quantile regression (Romano et al. 2019): each side gets (1-level)/2 miscoverage.
    With `width_scaled`, the scores are divided by the predicted width (CQR-r, Sesia & Candes 2020), so the
    correction grows where the network itself is unsure."""
    alpha = 1.0 - level
    n = len(truth)
    k = min(1.0, math.ceil((n + 1) * (1 - alpha / 2)) / n)
    w = interval_width(q_lo, q_hi) if width_scaled else 1.0
    lo = float(np.quantile((q_lo - truth) / w, k, method="higher"))
    hi = float(np.quantile((truth - q_hi) / w, k, method="higher"))
    return lo, hi


def apply_offsets(q_lo: np.ndarray, q_hi: np.ndarray, offsets: tuple[float, float], width_scaled: bool):
    """The interval (before clipping at the point forecast and at 0) that RulNetwork.forward produces."""
    w = interval_width(q_lo, q_hi) if width_scaled else 1.0
    return q_lo - offsets[0] * w, q_hi + offsets[1] * w


CONFORMAL_METHODS = {"cqr": False, "cqr-width": True}


def choose_conformal(q_lo: np.ndarray, q_hi: np.ndarray, truth: np.ndarray, groups: np.ndarray, level: float,
                     folds: int = 5, seed: int = 0) -> dict:
    """Picks plain or width-scaled CQR by cross-validation *inside the calibration engines*: the engines are split
    into `folds` groups; each group is covered by offsets fitted on the others (whole engines, since cuts of one
    engine are correlated). The method whose cross-validated coverage is closest to `level` wins; ties (within
    half a percentage point) go to the narrower interval. Returns the CV figures of every method."""
    units = np.unique(groups)
    rng = np.random.default_rng(seed)
    fold_of = dict(zip(rng.permutation(units).tolist(), np.arange(len(units)) % folds))
    fold = np.array([fold_of[g] for g in groups.tolist()])
    report = {}
    for name, scaled in CONFORMAL_METHODS.items():
        hits, widths = [], []
        for f in range(folds):
            fit, held = fold != f, fold == f
            if not held.any() or not fit.any():
                continue
            off = conformal_offsets(q_lo[fit], q_hi[fit], truth[fit], level, scaled)
            lo, hi = apply_offsets(q_lo[held], q_hi[held], off, scaled)
            hits.append((truth[held] >= lo) & (truth[held] <= hi))
            widths.append(hi - lo)
        report[name] = {
            "cv_coverage": float(np.mean(np.concatenate(hits))),
            "cv_mean_width": float(np.mean(np.concatenate(widths))),
        }
    best = min(report, key=lambda m: (round(abs(report[m]["cv_coverage"] - level) / 0.005), report[m]["cv_mean_width"]))
    return {"method": best, "folds": folds, "by_method": report}


def out_of_fold_heads(model: RulNetwork, raw: np.ndarray, row_folds: np.ndarray, member_folds: list[int],
                      batch: int = 1024) -> np.ndarray:
    """Cross-fitting: each row (a cut of an engine of fold f) is forecast by the members trained without fold f,
    averaged with their weights renormalised. Returns (n, 3) raw heads in output units (point, q05, q95)."""
    model.eval()
    out = np.zeros((len(raw), 3), dtype=np.float32)
    member_folds_arr = np.asarray(member_folds)
    with torch.no_grad():
        for f in np.unique(row_folds):
            members = np.flatnonzero(member_folds_arr == f).tolist()
            if not members:
                raise ValueError(f"no member held out fold {f}")
            rows = np.flatnonzero(row_folds == f)
            for i in range(0, len(rows), batch):
                idx = rows[i : i + batch]
                heads = model.subset_heads(torch.from_numpy(raw[idx].astype(np.float32)), members)
                out[idx] = (heads * model.scale).numpy()
    return out


def out_of_fold_predict(model: RulNetwork, raw: np.ndarray, row_folds: np.ndarray, member_folds: list[int]):
    """Out-of-fold point and calibrated interval, (n, 3) as RulNetwork.forward gives them."""
    heads = out_of_fold_heads(model, raw, row_folds, member_folds)
    with torch.no_grad():
        return model.calibrated(torch.from_numpy(heads) / model.scale).numpy()
