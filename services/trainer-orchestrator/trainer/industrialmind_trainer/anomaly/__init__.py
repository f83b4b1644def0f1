"""Anomaly detection: windowed multivariate scorers exported to ONNX for libs/anomaly-scoring."""
