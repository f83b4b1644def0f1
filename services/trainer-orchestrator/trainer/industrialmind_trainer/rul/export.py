"""ONNX export, metadata and the PyTorch-vs-ONNX parity check."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import warnings

import numpy as np
import torch

from .models import RulNetwork

METADATA_SCHEMA_VERSION = "1.0"
INPUT_NAME = "window"
OUTPUT_NAME = "rul"
OPSET = 17


def export_onnx(model: RulNetwork, path: str, channels: int) -> None:
    model.eval()
    example = torch.zeros(2, model.window, channels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (example,),
            path,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_axes={INPUT_NAME: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def onnx_predict(path: str, windows: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], {INPUT_NAME: windows.astype(np.float32)})[0]


def torch_predict(model: RulNetwork, windows: np.ndarray, batch: int = 1024) -> np.ndarray:
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(windows), batch):
            outs.append(model(torch.from_numpy(windows[i : i + batch].astype(np.float32))).numpy())
    return np.concatenate(outs) if outs else np.zeros((0, 3), np.float32)


def parity(model: RulNetwork, onnx_path: str, windows: np.ndarray) -> float:
    """Max absolute difference between PyTorch and ONNX Runtime outputs on the same windows."""
    return float(np.max(np.abs(torch_predict(model, windows) - onnx_predict(onnx_path, windows))))


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=os.path.dirname(os.path.abspath(__file__)),
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def write_model(model: RulNetwork, out_dir: str, name: str, metadata: dict, check_windows: np.ndarray) -> dict:
    """Writes <name>.onnx, <name>.pt (state dict + constructor args, for parity tests) and <name>.json."""
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, f"{name}.onnx")
    export_onnx(model, onnx_path, check_windows.shape[-1])
    diff = parity(model, onnx_path, check_windows)
    torch.save({"state_dict": model.state_dict(), "init": metadata["torch_init"]}, os.path.join(out_dir, f"{name}.pt"))
    digest = sha256(onnx_path)
    metadata = {
        **metadata,
        "schema_version": METADATA_SCHEMA_VERSION,
        "onnx_file": f"{name}.onnx",
        "onnx_sha256": digest,
        "model_version": f"{name}@{digest[:12]}",
        "input": {"name": INPUT_NAME, "shape": ["batch", model.window, check_windows.shape[-1]], "dtype": "float32"},
        "output": {"name": OUTPUT_NAME, "columns": ["predicted_rul", "lower", "upper"]},
        "opset": OPSET,
        "git_commit": git_commit(),
        "parity_max_abs_diff": diff,
    }
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(metadata, f, indent=2)
        f.write("\n")
    return metadata


def load_torch(pt_path: str) -> RulNetwork:
    from .data import Normalisation

    saved = torch.load(pt_path, weights_only=False)
    init = saved["init"]
    norm = Normalisation(
        np.array(init["centroids"]),
        np.array(init["setting_scale"]),
        np.array(init["mean"]),
        np.array(init["std"]),
        list(init["sensor_columns"]),
        list(init["setting_columns"]),
        list(init["channels"]),
    )
    model = RulNetwork(init["arch"], norm, init["window"], init["scale"], init.get("members", 1),
                       init.get("member_archs"))
    state = saved["state_dict"]
    # Models saved before mixed ensembles existed average their members uniformly.
    state.setdefault("member_weights", torch.full((model.members,), 1.0 / model.members))
    # Models saved before width-scaled conformal offsets existed use plain offsets.
    state.setdefault("width_scaled", torch.zeros(()))
    model.load_state_dict(state)
    model.eval()
    return model
