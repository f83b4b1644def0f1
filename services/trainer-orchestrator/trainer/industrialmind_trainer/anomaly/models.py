"""Windowed multivariate scorers. Every architecture has the same ONNX interface, which libs/anomaly-scoring
relies on:

    input  window         float32 [batch, window, channels]  robust-normalised readings, oldest first
    output contributions  float32 [batch, channels]          each channel's share of the score, >= 0
    output score          float32 [batch]                    sum of contributions

Scores only rank readings; the threshold comes from the machine's own cold-start readings."""

from __future__ import annotations

import torch
from torch import nn

INPUT_NAME = "window"
OUTPUT_NAMES = ("contributions", "score")


class MeanShift(nn.Module):
    """Windowed mean-shift (a z-test per channel and direction): with m_c = mean(z_c over the last `horizon`
    readings), contribution_c = rise_c * max(m_c, 0)^2 + drop_c * min(m_c, 0)^2. Nothing to fit but the
    per-direction channel weights, which validation chooses (a fault may lower a channel's level while the
    recovery after it overshoots upwards: weighting only the drop keeps the overshoot from alarming). With
    `drops` omitted both directions weigh `weights` (the two-sided m_c^2). Robust to the slow noise that makes
    single readings unreliable, and it names the channels that moved."""

    def __init__(self, channels: int, window: int, horizon: int, weights: list[float], drops: list[float] | None = None):
        super().__init__()
        if not 1 <= horizon <= window:
            raise ValueError("horizon must be in 1..window")
        self.horizon = horizon
        self.register_buffer("rises", torch.tensor(weights, dtype=torch.float32).reshape(1, channels))
        self.register_buffer("drops", torch.tensor(drops if drops is not None else weights, dtype=torch.float32).reshape(1, channels))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        recent = x[:, -self.horizon :, :]
        mean = recent.mean(dim=1)
        up = torch.relu(mean)
        down = torch.relu(-mean)
        contributions = up * up * self.rises + down * down * self.drops
        return contributions, contributions.sum(dim=1)


class ConvAutoencoder(nn.Module):
    """1-D convolutional autoencoder over the window, trained on normal windows only.
    contribution_c = weight_c * mean squared reconstruction error of channel c over the last `horizon` steps."""

    def __init__(self, channels: int, window: int, horizon: int, weights: list[float], hidden: int = 32):
        super().__init__()
        if window % 4 != 0:
            raise ValueError("window must be a multiple of 4 (two stride-2 stages)")
        self.horizon = horizon
        self.encoder = nn.Sequential(
            nn.Conv1d(channels, hidden, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
            nn.Conv1d(hidden, hidden // 2, kernel_size=5, stride=2, padding=2),
            nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose1d(hidden // 2, hidden, kernel_size=4, stride=2, padding=1),
            nn.ReLU(),
            nn.ConvTranspose1d(hidden, channels, kernel_size=4, stride=2, padding=1),
        )
        self.register_buffer("weights", torch.tensor(weights, dtype=torch.float32).reshape(1, channels))

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x.transpose(1, 2))).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        err = (self.reconstruct(x) - x)[:, -self.horizon :, :]
        contributions = (err * err).mean(dim=1) * self.weights
        return contributions, contributions.sum(dim=1)


def train_autoencoder(
    model: ConvAutoencoder,
    train_windows: "torch.Tensor",
    epochs: int,
    batch_size: int = 128,
    lr: float = 1e-3,
    show_progress: bool = True,
) -> list[float]:
    """Full-window MSE, Adam; returns the mean loss per epoch. Seed before calling for reproducible runs."""
    from ..common.progress import progress

    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    generator = torch.Generator().manual_seed(0)
    losses: list[float] = []
    model.train()
    for _ in progress(range(epochs), desc="conv-ae epochs", enabled=show_progress):
        order = torch.randperm(train_windows.shape[0], generator=generator)
        total = 0.0
        for start in range(0, len(order), batch_size):
            batch = train_windows[order[start : start + batch_size]]
            optimiser.zero_grad()
            loss = ((model.reconstruct(batch) - batch) ** 2).mean()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(batch)
        losses.append(total / len(order))
    model.eval()
    return losses
