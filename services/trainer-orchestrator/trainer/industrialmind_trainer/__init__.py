"""IndustrialMind model training (Python + PyTorch): the repository's only Python package."""
