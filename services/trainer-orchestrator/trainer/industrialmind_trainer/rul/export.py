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
START_INPUT_NAME = "start"
AGE_INPUT_NAME = "age"
OUTPUT_NAME = "rul"
OPSET = 17


class HistoryInputs(torch.nn.Module):
    """The exported form of a network with history inputs: three named inputs, window (B, W, C), start (B, N, C),
    the machine's first N readings, and age (B, 1), readings seen; packed as data.pack_history does."""

    def __init__(self, model: RulNetwork):
        super().__init__()
        self.model = model

    def forward(self, window: torch.Tensor, start: torch.Tensor, age: torch.Tensor) -> torch.Tensor:
        age_row = torch.nn.functional.pad(age.unsqueeze(-1), (0, window.shape[-1] - 1))  # (B, 1, C)
        return self.model(torch.cat([window, start, age_row], dim=1))


def input_names(model: RulNetwork) -> list[str]:
    return [INPUT_NAME, START_INPUT_NAME, AGE_INPUT_NAME] if model.history > 0 else [INPUT_NAME]


def export_onnx(model: RulNetwork, path: str, channels: int) -> None:
    model.eval()
    names = input_names(model)
    if model.history > 0:
        module: torch.nn.Module = HistoryInputs(model)
        example = (torch.zeros(2, model.window, channels), torch.zeros(2, model.history, channels), torch.ones(2, 1))
    else:
        module, example = model, (torch.zeros(2, model.window, channels),)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            example,
            path,
            input_names=names,
            output_names=[OUTPUT_NAME],
            dynamic_axes={**{n: {0: "batch"} for n in names}, OUTPUT_NAME: {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def unpack(samples: np.ndarray, window: int, history: int) -> dict[str, np.ndarray]:
    """Packed samples (data.pack_history) as the ONNX file's named inputs."""
    samples = samples.astype(np.float32)
    if history <= 0:
        return {INPUT_NAME: samples}
    return {
        INPUT_NAME: samples[:, :window],
        START_INPUT_NAME: samples[:, window : window + history],
        AGE_INPUT_NAME: samples[:, window + history, 0:1],
    }


def onnx_predict(path: str, windows: np.ndarray, window: int | None = None, history: int = 0) -> np.ndarray:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run([OUTPUT_NAME], unpack(windows, window or windows.shape[1], history))[0]


def torch_predict(model: RulNetwork, windows: np.ndarray, batch: int = 1024) -> np.ndarray:
    model.eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(windows), batch):
            outs.append(model(torch.from_numpy(windows[i : i + batch].astype(np.float32))).numpy())
    return np.concatenate(outs) if outs else np.zeros((0, 3), np.float32)


def parity(model: RulNetwork, onnx_path: str, windows: np.ndarray) -> float:
    """Max absolute difference between PyTorch and ONNX Runtime outputs on the same windows."""
    onnx_out = onnx_predict(onnx_path, windows, model.window, model.history)
    return float(np.max(np.abs(torch_predict(model, windows) - onnx_out)))


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
        **(
            {
                "history": {
                    "start_readings": model.history,
                    "start_input": START_INPUT_NAME,
                    "age_input": AGE_INPUT_NAME,
                    "age_scale": model.age_scale,
                    "description": (
                        f"also needs the machine's first {model.history} readings ({START_INPUT_NAME}, shape [batch, "
                        f"{model.history}, {check_windows.shape[-1]}], padded like the window when fewer were seen) "
                        f"and its age ({AGE_INPUT_NAME}, shape [batch, 1]: readings seen since its first one)"
                    ),
                }
            }
            if model.history > 0
            else {}
        ),
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
                       init.get("member_archs"), init.get("history", 0), init.get("age_scale", 200.0))
    state = saved["state_dict"]
    # Models saved before mixed ensembles existed average their members uniformly.
    state.setdefault("member_weights", torch.full((model.members,), 1.0 / model.members))
    # Models saved before width-scaled conformal offsets existed use plain offsets.
    state.setdefault("width_scaled", torch.zeros(()))
    model.load_state_dict(state)
    model.eval()
    return model
