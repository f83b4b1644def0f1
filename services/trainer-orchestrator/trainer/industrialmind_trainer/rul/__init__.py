"""Remaining-useful-life forecasting: C-MAPSS and simulator loaders, models, calibration, ONNX export."""
