"""Trainer tests, stdlib unittest (run by scripts/test.sh through rul/run-tests.sh):

    python -m unittest discover -s industrialmind_trainer/rul -t . -v

The parity tests check ONNX Runtime against PyTorch (max abs diff <= 1e-4) for freshly exported networks of both
architectures and for every committed model (services/rul-api/models/*.pt beside its .onnx).
"""

from __future__ import annotations

import glob
import json
import os
import tempfile
import unittest

import numpy as np
import torch

from . import data as D
from .export import load_torch, onnx_predict, parity, sha256, torch_predict, write_model
from .metrics import coverage, phm08_score, rmse
from .models import RulNetwork, conformal_offsets

PARITY_TOLERANCE = 1e-4
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 5))
MODELS_DIR = os.path.join(REPO, "services", "rul-api", "models")

torch.set_num_threads(1)


def synthetic_engines(n: int = 12, seed: int = 0, conditions: int = 6) -> dict[int, np.ndarray]:
    """Engines in C-MAPSS layout: settings from `conditions` operating points, sensors drifting with wear."""
    rng = np.random.default_rng(seed)
    points = np.array([[0, 0, 100], [10, 0.25, 100], [20, 0.7, 100], [25, 0.62, 60], [35, 0.84, 100], [42, 0.84, 100]])
    engines = {}
    for u in range(1, n + 1):
        life = int(rng.integers(60, 160))
        cond = rng.integers(0, conditions, life)
        settings = points[cond] + rng.normal(0, 0.001, (life, 3))
        wear = np.linspace(0, 1, life) ** 2
        sensors = 500 + 10 * cond[:, None] + 5 * wear[:, None] * np.arange(1, 22) / 21 + rng.normal(0, 0.5, (life, 21))
        engines[u] = np.concatenate([settings, sensors], axis=1)
    return engines


def synthetic_windows(model: RulNetwork, n: int, seed: int) -> np.ndarray:
    """Windows of raw readings around the model's own normalisation: each condition's centroid and sensor mean."""
    rng = np.random.default_rng(seed)
    norm = model.normaliser
    k = norm.mean.shape[0]
    channels = int(max(norm.sensor_idx.max().item(), norm.settings_idx.max().item())) + 1
    x = np.zeros((n, model.window, channels), np.float32)
    cond = rng.integers(0, k, (n, model.window))
    if norm.has_settings:
        centroids = (norm.centroids * norm.setting_scale).numpy()
        x[..., norm.settings_idx.numpy()] = centroids[cond]
    z = rng.normal(0, 1.5, (n, model.window, norm.mean.shape[1]))
    x[..., norm.sensor_idx.numpy()] = norm.mean.numpy()[cond] + z * norm.std.numpy()[cond]
    return x


class DataTest(unittest.TestCase):
    def test_pad_front_repeats_the_first_reading(self):
        raw = np.arange(6, dtype=float).reshape(3, 2)
        np.testing.assert_array_equal(D.pad_front(raw, 5), np.array([[0, 1], [0, 1], [0, 1], [2, 3], [4, 5]]))
        np.testing.assert_array_equal(D.pad_front(raw, 2), raw[1:])

    def test_training_windows_cap_the_target_and_end_at_every_cycle(self):
        engines = {1: np.arange(200 * 24, dtype=float).reshape(200, 24)}
        x, y = D.training_windows(engines, [1], 30, cap=125)
        self.assertEqual(x.shape, (200, 30, 24))
        self.assertEqual(y[0], 125)
        self.assertEqual(y[-1], 0)
        np.testing.assert_array_equal(x[-1, -1], engines[1][-1])
        np.testing.assert_array_equal(x[0, 0], engines[1][0])

    def test_split_keeps_engines_disjoint_and_complete(self):
        train, cal, val = D.split_engines(list(range(1, 101)), seed=7)
        self.assertEqual((len(train), len(cal), len(val)), (70, 10, 20))
        self.assertEqual(sorted(train + cal + val), list(range(1, 101)))

    def test_truncated_samples_respect_the_protocol(self):
        engines = synthetic_engines()
        x, y, units = D.truncated_samples(engines, list(engines), 30, 5, seed=1)
        self.assertEqual(len(x), 5 * len(engines))
        self.assertTrue(np.all(y >= 1))
        for rul, u, w in zip(y, units, x):
            self.assertLessEqual(rul, min(D.MAX_TRUE_RUL, len(engines[u]) - 1))
            np.testing.assert_allclose(w[-1], engines[u][len(engines[u]) - int(rul) - 1], rtol=1e-6)

    def test_per_condition_normalisation_finds_the_six_operating_points(self):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        z = norm.apply(np.concatenate(list(engines.values())))
        # Per-condition z-scores: the condition offsets (10 per condition) are gone.
        self.assertLess(abs(float(z.mean())), 0.05)
        self.assertEqual(len(np.unique(np.round(norm.centroids[:, 0]))), 6)


class MetricsTest(unittest.TestCase):
    def test_phm08_penalises_late_more_than_early(self):
        self.assertAlmostEqual(phm08_score(np.array([10.0]), np.array([0.0])), np.exp(1) - 1)
        self.assertAlmostEqual(phm08_score(np.array([0.0]), np.array([13.0])), np.exp(1) - 1)
        self.assertGreater(phm08_score(np.array([20.0]), np.array([10.0])), phm08_score(np.array([0.0]), np.array([10.0])))

    def test_rmse_and_coverage(self):
        self.assertAlmostEqual(rmse(np.array([1.0, 3.0]), np.array([1.0, 1.0])), np.sqrt(2))
        self.assertEqual(coverage(np.array([0, 5]), np.array([2, 6]), np.array([1, 7])), 0.5)

    def test_conformal_offsets_reach_the_level_on_fresh_data(self):
        rng = np.random.default_rng(0)
        truth = rng.normal(0, 1, 4000)
        # Quantile heads that are far too narrow: the offsets must widen them to ~90 %.
        lo, hi = conformal_offsets(np.full(2000, -0.5), np.full(2000, 0.5), truth[:2000], 0.9)
        covered = coverage(np.full(2000, -0.5 - lo), np.full(2000, 0.5 + hi), truth[2000:])
        self.assertGreater(covered, 0.87)
        self.assertLess(covered, 0.93)


class ParityTest(unittest.TestCase):
    def export_and_compare(self, arch: str, members: int):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        model = RulNetwork(arch, norm, 20, 125.0, members)
        model.offsets.copy_(torch.tensor([2.0, 3.0]))
        x, _, _ = D.truncated_samples(engines, list(engines), 20, 8, seed=2)
        init = {"arch": arch, "members": members, "window": 20, "scale": 125.0, "centroids": norm.centroids.tolist(),
                "setting_scale": norm.setting_scale.tolist(), "mean": norm.mean.tolist(), "std": norm.std.tolist(),
                "sensor_columns": norm.sensor_columns, "setting_columns": norm.setting_columns,
                "channels": norm.channels}
        with tempfile.TemporaryDirectory() as out:
            meta = write_model(model, out, "t", {"torch_init": init}, x)
            self.assertLessEqual(meta["parity_max_abs_diff"], PARITY_TOLERANCE)
            reloaded = load_torch(os.path.join(out, "t.pt"))
            onnx_out = onnx_predict(os.path.join(out, "t.onnx"), x)
            self.assertLessEqual(float(np.max(np.abs(torch_predict(reloaded, x) - onnx_out))), PARITY_TOLERANCE)
            # Outputs are ordered: lower <= point <= upper, all >= 0.
            self.assertTrue(np.all(onnx_out[:, 1] <= onnx_out[:, 0] + 1e-5))
            self.assertTrue(np.all(onnx_out[:, 0] <= onnx_out[:, 2] + 1e-5))
            self.assertTrue(np.all(onnx_out >= 0))

    def test_cnn_ensemble_exports_with_parity(self):
        self.export_and_compare("cnn", 2)

    def test_transformer_exports_with_parity(self):
        self.export_and_compare("transformer", 1)

    def test_committed_models_match_their_pytorch_weights(self):
        checked = 0
        for meta_path in sorted(glob.glob(os.path.join(MODELS_DIR, "*.json"))):
            with open(meta_path) as f:
                meta = json.load(f)
            onnx_path = os.path.join(MODELS_DIR, meta["onnx_file"])
            pt_path = onnx_path[: -len(".onnx")] + ".pt"
            with self.subTest(model=meta["name"]):
                self.assertEqual(sha256(onnx_path), meta["onnx_sha256"], "metadata names another ONNX file")
                model = load_torch(pt_path)
                windows = synthetic_windows(model, 256, seed=checked)
                # 1e-4 absolute in cycles (C-MAPSS, outputs <= ~150). Models in hours output up to ~350, where one
                # float32 step is 3e-5: they are held to the same 1e-4 relative to their range (RUL / scale).
                tolerance = PARITY_TOLERANCE * max(1.0, float(model.scale) / D.RUL_CAP)
                self.assertLessEqual(parity(model, onnx_path, windows), tolerance)
                subset = meta.get("training", {}).get("dataset", "")
                data_dir = D.default_dataset_dir()
                name = meta["name"].split("-")[-1].upper()
                if name in D.SUBSETS and os.path.isdir(data_dir):
                    engines = D.load_subset(name, data_dir)
                    units = meta["training"]["split"]["validation"]
                    x, _, _ = D.truncated_samples(engines, units, model.window, 2, seed=5)
                    self.assertLessEqual(parity(model, onnx_path, x), tolerance, subset)
            checked += 1
        self.assertGreater(checked, 0, f"no committed model in {MODELS_DIR}")


if __name__ == "__main__":
    unittest.main()


class SimulatorDataTest(unittest.TestCase):
    def test_windows_and_cuts_use_the_true_hours(self):
        from . import simulator as S

        engines = {1: np.arange(40, dtype=float).reshape(10, 4), 2: np.ones((6, 4))}
        rul = {1: np.linspace(400, 10, 10), 2: np.linspace(50, 0.5, 6)}
        x, y = S.training_windows(engines, rul, [1, 2], 3, cap=300)
        self.assertEqual(x.shape, (16, 3, 4))
        self.assertEqual(float(y[0]), 300.0)
        self.assertAlmostEqual(float(y[15]), 0.5, places=5)
        cx, cy, cu = S.truncated_samples(engines, rul, [1, 2], 3, 20, seed=0)
        self.assertTrue(np.all((cy >= S.MIN_TRUE_RUL_HOURS) & (cy <= S.MAX_TRUE_RUL_HOURS)))
        for w, r, u in zip(cx, cy, cu):
            i = int(np.flatnonzero(np.isclose(rul[u], r))[0])
            np.testing.assert_array_equal(w[-1], engines[u][i])

    def test_load_csv_groups_by_type_and_machine_in_time_order(self):
        from . import simulator as S

        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write("machine_id,machine_type,timestamp_ms,temperature,vibration,pressure,power,rul_hours\n")
            f.write("m-2,cnc-mill,2000,1,2,3,4,9\nm-2,cnc-mill,1000,1,2,3,4,10\np-1,centrifugal-pump,1000,5,6,7,8,3\n")
        try:
            data = S.load_csv(f.name)
        finally:
            os.unlink(f.name)
        self.assertEqual(sorted(data), ["centrifugal-pump", "cnc-mill"])
        readings, rul, ts = data["cnc-mill"]["m-2"]
        np.testing.assert_array_equal(rul, [10, 9])
        self.assertEqual(S.sample_interval_ms(data["cnc-mill"]), 1000)
