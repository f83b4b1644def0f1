"""Seeding and thread limits, so a run is reproducible and polite on a shared machine."""

from __future__ import annotations

import os
import random

import numpy as np


def seed_everything(seed: int, threads: int = 1) -> None:
    """Seeds Python, NumPy and PyTorch, limits PyTorch to `threads` CPU threads and turns on deterministic
    kernels. CPU only: the PyPI wheel is the CUDA build, but training here is small and runs on the CPU."""
    import torch

    os.environ.setdefault("PYTHONHASHSEED", str(seed))
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError:
        # Only settable before the first parallel op; a second call in the same process is harmless.
        pass
    torch.use_deterministic_algorithms(True)
