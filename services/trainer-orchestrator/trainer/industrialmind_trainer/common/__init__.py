"""Pieces every trainer shares: seeding, progress bars, provenance (data hash, git commit), ONNX export and
the metadata JSON that serving (libs/model-runtime) reads."""
