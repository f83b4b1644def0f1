"""ONNX export, the PyTorch-vs-ONNX parity check and the metadata JSON written beside every model.

Serving (libs/model-runtime) loads `<name>.onnx` with onnxruntime-node and validates `<name>.json` against
the same field list as `write_metadata` below; change both together."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

METADATA_SCHEMA_VERSION = "1.0"
OPSET = 17


def export_onnx(
    module: Any,
    example: "np.ndarray",
    path: Path,
    input_name: str,
    output_names: Sequence[str],
) -> None:
    """Exports `module` (eval mode) with a dynamic batch axis (axis 0 of the input and every output)."""
    import torch

    module.eval()
    path.parent.mkdir(parents=True, exist_ok=True)
    dynamic_axes = {input_name: {0: "batch"}, **{name: {0: "batch"} for name in output_names}}
    with torch.no_grad(), warnings.catch_warnings():
        # The exporter warns that it is deprecated; it is still supported and its output is what we test.
        warnings.simplefilter("ignore", DeprecationWarning)
        # The TorchScript-based exporter: small static graphs, no onnxscript rewrites, stable node names.
        torch.onnx.export(
            module,
            (torch.from_numpy(example),),
            str(path),
            input_names=[input_name],
            output_names=list(output_names),
            dynamic_axes=dynamic_axes,
            opset_version=OPSET,
            do_constant_folding=True,
            dynamo=False,
        )
    import onnx

    onnx.checker.check_model(onnx.load(str(path)))


def parity_max_abs_diff(module: Any, onnx_path: Path, inputs: "np.ndarray", input_name: str) -> float:
    """Runs the same float32 inputs through PyTorch and onnxruntime (CPU) and returns the largest absolute
    difference over every output element."""
    import onnxruntime as ort
    import torch

    module.eval()
    with torch.no_grad():
        torch_out = module(torch.from_numpy(inputs))
    if not isinstance(torch_out, (tuple, list)):
        torch_out = (torch_out,)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
    onnx_out = session.run(None, {input_name: inputs})
    return max(
        float(np.max(np.abs(t.detach().numpy().astype(np.float64) - o.astype(np.float64))))
        for t, o in zip(torch_out, onnx_out)
    )


def write_metadata(path: Path, metadata: Mapping[str, Any]) -> None:
    """Writes the metadata JSON (sorted keys, 2-space indent, trailing newline) so diffs stay readable."""
    for key in ("schema_version", "task", "model_version", "onnx_file", "input", "outputs", "channels"):
        if key not in metadata:
            raise ValueError(f"metadata is missing {key!r}")
    path.write_text(json.dumps(metadata, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")
