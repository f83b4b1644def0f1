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
from .models import (
    RulNetwork,
    apply_offsets,
    choose_conformal,
    combine,
    conformal_offsets,
    out_of_fold_heads,
    out_of_fold_predict,
)

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
    if model.history > 0:
        # Packed as data.pack_history: the first readings (windows of the same kind) and the age, 1..400 readings.
        start = synthetic_windows(RulNetwork("cnn", norm_of(model), model.history, 1.0), n, seed + 1)
        age = np.zeros((n, 1, channels), np.float32)
        age[:, 0, 0] = rng.integers(1, 401, n)
        x = np.concatenate([x, start, age], axis=1)
    return x


def norm_of(model: RulNetwork) -> D.Normalisation:
    """The model's normalisation statistics as a data.Normalisation (to build more windows around them)."""
    n = model.normaliser
    channels = int(max(n.sensor_idx.max().item(), n.settings_idx.max().item())) + 1
    return D.Normalisation((n.centroids * n.setting_scale).numpy(), n.setting_scale.numpy(), n.mean.numpy(),
                           n.std.numpy(), n.sensor_idx.tolist(), n.settings_idx.tolist() if n.has_settings else [],
                           [f"c{i}" for i in range(channels)])


class DataTest(unittest.TestCase):
    def test_subset_of_reads_the_model_name(self):
        self.assertEqual(D.subset_of({"name": "rul-cmapss-fd004"}), "FD004")
        self.assertIsNone(D.subset_of({"name": "rul-simulator-compressor"}))
        self.assertIsNone(D.subset_of({}))

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

    def test_max_rul_keeps_only_windows_within_the_protocol_range(self):
        engines = {1: np.arange(200 * 24, dtype=float).reshape(200, 24)}
        x, y = D.training_windows(engines, [1], 30, cap=150, max_rul=150)
        self.assertEqual(len(x), 151)
        self.assertEqual(y.max(), 150)
        self.assertEqual(y.min(), 0)
        # The window ending where 150 cycles remain ends at row 49 (200 - 1 - 150).
        np.testing.assert_array_equal(x[0, -1], engines[1][49])

    def test_history_samples_carry_the_first_readings_and_the_age(self):
        engines = synthetic_engines(3, conditions=1)
        x, y = D.training_windows(engines, [1], 20, history=8)
        raw = engines[1]
        self.assertEqual(x.shape, (len(raw), 20 + 8 + 1, 24))
        # After 5 readings: the start holds them, padded at the front by the first; the age row says 5.
        np.testing.assert_allclose(x[4, 20:28], D.pad_front(raw[:5], 8), rtol=1e-6)
        self.assertEqual(x[4, 28, 0], 5)
        self.assertTrue(np.all(x[4, 28, 1:] == 0))
        # Later: always the engine's first 8 readings, and the age grows with the cycle.
        np.testing.assert_allclose(x[-1, 20:28], raw[:8], rtol=1e-6)
        self.assertEqual(x[-1, 28, 0], len(raw))
        # A cut engine is the same sample as the training window that ends where it was cut.
        cut, truth, _ = D.truncated_samples(engines, [1], 20, 1, seed=4, history=8)
        seen = len(raw) - int(truth[0])
        np.testing.assert_allclose(cut[0], x[seen - 1], rtol=1e-6)
        self.assertEqual(y[seen - 1], min(truth[0], D.RUL_CAP))

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

    def test_a_larger_calibration_share_keeps_the_validation_engines(self):
        for n in (100, 249, 260):
            units = list(range(1, n + 1))
            train, cal, val = D.split_engines(units, seed=7)
            train2, cal2, val2 = D.split_engines(units, seed=7, fractions=(0.6, 0.2, 0.2))
            self.assertEqual(val2, val)
            self.assertTrue(set(cal) <= set(cal2))
            self.assertEqual(len(cal2), round(n * 0.2))
            self.assertEqual(sorted(train2 + cal2 + val2), units)

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

    def heteroscedastic(self, n: int, seed: int):
        """Truth around 0 whose spread differs 4x between two groups of engines; quantile heads that know the
        spread but are 40 % too narrow."""
        rng = np.random.default_rng(seed)
        groups = np.repeat(np.arange(n // 20), 20)
        sigma = np.where(groups % 2 == 0, 1.0, 4.0)
        truth = rng.normal(0, sigma)
        return -0.6 * 1.645 * sigma, 0.6 * 1.645 * sigma, truth, groups, sigma

    def test_width_scaled_conformal_covers_each_spread_and_plain_does_not(self):
        q_lo, q_hi, truth, groups, sigma = self.heteroscedastic(4000, 1)
        f_lo, f_hi, f_truth, _, f_sigma = self.heteroscedastic(4000, 2)
        for scaled in (False, True):
            off = conformal_offsets(q_lo, q_hi, truth, 0.9, width_scaled=scaled)
            lo, hi = apply_offsets(f_lo, f_hi, off, scaled)
            narrow, wide = f_sigma == 1.0, f_sigma == 4.0
            cov_narrow = coverage(lo[narrow], hi[narrow], f_truth[narrow])
            cov_wide = coverage(lo[wide], hi[wide], f_truth[wide])
            self.assertAlmostEqual(coverage(lo, hi, f_truth), 0.9, delta=0.02)
            if scaled:
                self.assertAlmostEqual(cov_narrow, 0.9, delta=0.03)
                self.assertAlmostEqual(cov_wide, 0.9, delta=0.03)
            else:
                # One offset for both: too wide where the spread is small, too narrow where it is large.
                self.assertGreater(cov_narrow, 0.97)
                self.assertLess(cov_wide, 0.85)

    def test_choose_conformal_reports_cross_validated_coverage_of_both_methods(self):
        q_lo, q_hi, truth, groups, _ = self.heteroscedastic(2000, 3)
        picked = choose_conformal(q_lo, q_hi, truth, groups, 0.9, folds=5, seed=0)
        self.assertEqual(set(picked["by_method"]), {"cqr", "cqr-width"})
        for figures in picked["by_method"].values():
            self.assertAlmostEqual(figures["cv_coverage"], 0.9, delta=0.03)
        # Both reach the level marginally, so the narrower one on average wins (here plain CQR: marginal coverage
        # is cheapest where the spread is small).
        by = picked["by_method"]
        self.assertEqual(picked["method"], min(by, key=lambda m: by[m]["cv_mean_width"]))

    def test_width_scaled_scores_fall_back_to_plain_ones_when_the_heads_collapse(self):
        # Zero-width quantile heads: the width floor (1 cycle) makes both methods the same, and cross-validation
        # over whole engines still reaches the level.
        rng = np.random.default_rng(4)
        groups = np.repeat(np.arange(50), 20)
        truth = rng.normal(0, 1, len(groups))
        picked = choose_conformal(np.zeros(len(truth)), np.zeros(len(truth)), truth, groups, 0.9)
        by = picked["by_method"]
        self.assertAlmostEqual(by["cqr"]["cv_coverage"], by["cqr-width"]["cv_coverage"])
        self.assertAlmostEqual(by["cqr"]["cv_coverage"], 0.9, delta=0.03)
        self.assertEqual(picked["method"], "cqr")


class FitTest(unittest.TestCase):
    def test_patience_stops_when_the_calibration_rmse_stops_improving(self):
        from .train import fit

        engines = synthetic_engines(6)
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        model = RulNetwork("cnn", norm, 20, 125.0, 1)
        x, y = D.training_windows(engines, [1, 2, 3, 4], 20)
        cal_x, cal_y, _ = D.truncated_samples(engines, [5, 6], 20, 3, seed=0)
        lines: list[str] = []
        # lr 0: the weights never change, so epoch 1 stays the best and training stops `patience` epochs later.
        info = fit(model, x[:64], y[:64], cal_x, cal_y, 10, 32, 0.0, lines.append, patience=2)
        self.assertEqual(info["best_epoch"], 1)
        self.assertEqual(info["epochs_run"], 3)
        self.assertIn("stopping", lines[-1])

    def test_compare_uses_only_calibration_engines_neither_model_trained_on(self):
        from .compare import shared_calibration

        new = {"training": {"split": {"train": [1, 2], "calibration": [3, 4, 5], "validation": [9]}}}
        old = {"training": {"split": {"train": [1, 2, 3], "calibration": [4, 5], "validation": [9]}}}
        self.assertEqual(shared_calibration(new, old), [4, 5])


class CrossFittingTest(unittest.TestCase):
    def test_out_of_fold_heads_use_only_the_members_that_held_the_fold_out(self):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        fold0 = RulNetwork("cnn", norm, 20, 125.0, 2).eval()  # trained without fold 0
        fold1 = RulNetwork("cnn", norm, 20, 125.0, 1).eval()  # trained without fold 1
        both = combine([fold0, fold1], norm).eval()
        x, _, _ = D.truncated_samples(engines, list(engines), 20, 2, seed=3)
        row_folds = np.arange(len(x)) % 2
        heads = out_of_fold_heads(both, x, row_folds, [0, 0, 1])
        with torch.no_grad():
            own0 = fold0.raw_heads(torch.from_numpy(x)).numpy() * 125.0
            own1 = fold1.raw_heads(torch.from_numpy(x)).numpy() * 125.0
        np.testing.assert_allclose(heads[row_folds == 0], own0[row_folds == 0], atol=1e-4)
        np.testing.assert_allclose(heads[row_folds == 1], own1[row_folds == 1], atol=1e-4)
        both.offsets.copy_(torch.tensor([2.0, 3.0]))
        out = out_of_fold_predict(both, x, row_folds, [0, 0, 1])
        np.testing.assert_allclose(out[:, 0], np.maximum(heads[:, 0], 0), atol=1e-4)
        self.assertTrue(np.all(out[:, 1] <= out[:, 0] + 1e-5) and np.all(out[:, 0] <= out[:, 2] + 1e-5))
        with self.assertRaises(ValueError):
            out_of_fold_heads(both, x, row_folds + 1, [0, 0, 1])

    def test_compare_counts_every_fold_engine_of_a_cross_fitted_model(self):
        from .compare import shared_calibration

        new = {"training": {"split": {"train": [1, 2, 3, 4, 5], "calibration": [], "validation": [9]},
                            "cross_fitting": {"folds": 2, "fold_of": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}}}}
        old = {"training": {"split": {"train": [1, 2, 3], "calibration": [4, 5], "validation": [9]}}}
        self.assertEqual(shared_calibration(new, old), [4, 5])
        self.assertEqual(shared_calibration(old, new), [4, 5])

    def test_cross_fitted_training_exports_the_average_of_the_folds_with_parity(self):
        from .train import Dataset, parse_args, run

        engines = synthetic_engines(15, conditions=1)
        ds = Dataset(name="rul-synthetic", description="synthetic", engines=engines, channels=list(D.CHANNELS),
                     sensor_columns=list(D.SENSOR_COLUMNS), setting_columns=list(D.SETTING_COLUMNS), conditions=1,
                     cap=150.0, rul_unit="cycles", machine_type="t", machine_id_pattern=".*", window=20)
        with tempfile.TemporaryDirectory() as out:
            args = parse_args(["--subset", "FD001", "--arch", "cnn,transformer", "--epochs", "1", "--folds", "3",
                               "--max-rul", "150", "--cap", "150", "--combine", "--conformal", "auto",
                               "--cal-draws", "2", "--val-draws", "2", "--out", out])
            meta = run(args, ds, log=lambda _m: None)
            self.assertLessEqual(meta["parity_max_abs_diff"], PARITY_TOLERANCE)
            cf = meta["training"]["cross_fitting"]
            split = meta["training"]["split"]
            # 12 non-validation engines in 3 folds; the validation engines are in none of them.
            self.assertEqual(sorted(int(u) for u in cf["fold_of"]), split["train"])
            self.assertFalse(set(split["train"]) & set(split["validation"]))
            self.assertEqual(sorted(set(cf["fold_of"].values())), [0, 1, 2])
            by_arch = meta["metrics"]["by_arch"]
            self.assertEqual(set(by_arch), {"cnn", "transformer", "cnn+transformer"})
            self.assertEqual(by_arch["cnn"]["members"], 3)
            chosen = meta["metrics"]["chosen"]
            self.assertEqual(len(cf["member_folds"]), by_arch[chosen]["members"])
            self.assertEqual(chosen, min(by_arch, key=lambda a: by_arch[a]["cal_rmse"]))
            reloaded = load_torch(os.path.join(out, "rul-synthetic.pt"))
            self.assertEqual(reloaded.members, len(cf["member_folds"]))


    def test_extra_subset_engines_only_ever_train(self):
        from .train import EXTRA_UNIT_OFFSET, cmapss_dataset, parse_args, run

        with tempfile.TemporaryDirectory() as data, tempfile.TemporaryDirectory() as out:
            for subset, n, seed in (("FD001", 12, 0), ("FD003", 6, 1)):
                rows = [np.column_stack([np.full(len(raw), u), np.arange(1, len(raw) + 1), raw])
                        for u, raw in synthetic_engines(n, seed=seed, conditions=1).items()]
                np.savetxt(os.path.join(data, f"train_{subset}.txt"), np.concatenate(rows))
            with self.assertRaises(ValueError):
                cmapss_dataset("FD001", data, 20, extra_subset="FD002")  # six conditions against one
            ds = cmapss_dataset("FD001", data, 20, extra_subset="FD003")
            self.assertEqual(len(ds.extra_units), 6)
            self.assertEqual(sorted(ds.own_units()), list(range(1, 13)))
            trained_on, windows = [], ds.windows
            ds.windows = lambda units, *a: (trained_on.append(list(units)), windows(units, *a))[1]
            args = parse_args(["--subset", "FD001", "--arch", "cnn", "--epochs", "1", "--folds", "3",
                               "--cal-draws", "2", "--val-draws", "2", "--out", out])
            meta = run(args, ds, log=lambda _m: None)
            split, cf = meta["training"]["split"], meta["training"]["cross_fitting"]
            self.assertEqual(meta["training"]["extra_training"]["engines"], 6)
            self.assertIn("train_FD003.txt", meta["description"])
            # Every fold trains on all six extra engines; none is split, held out, calibrated on or validated on.
            self.assertEqual(len(trained_on), 3)
            for units in trained_on:
                self.assertEqual(sorted(u for u in units if u >= EXTRA_UNIT_OFFSET), sorted(ds.extra_units))
            listed = split["train"] + split["validation"] + [int(u) for u in cf["fold_of"]]
            self.assertTrue(all(u < EXTRA_UNIT_OFFSET for u in listed))
            self.assertEqual(sorted(split["train"] + split["validation"]), list(range(1, 13)))


class ErrorAnalysisTest(unittest.TestCase):
    def test_bands_split_the_squared_error_by_true_rul(self):
        from .errors import by_band

        truth = np.array([10.0, 30.0, 130.0, 140.0])
        pred = np.array([12.0, 30.0, 120.0, 120.0])
        report = by_band(pred, truth, seen=np.array([100, 20, 60, 80]), window=50)
        self.assertAlmostEqual(report["all"]["rmse"], float(np.sqrt((4 + 0 + 100 + 400) / 4)))
        high = report["bands"]["[125,151)"]
        self.assertEqual(high["cuts"], 2)
        self.assertAlmostEqual(high["bias"], -15.0)
        self.assertAlmostEqual(high["share_of_squared_error"], 500 / 504)
        self.assertEqual(report["bands"]["[50,75)"], {"cuts": 0})
        self.assertEqual(report["history_shorter_than_window"]["cuts"], 1)


class ParityTest(unittest.TestCase):
    def export_and_compare(self, arch: str, members: int, width_scaled: bool = False, history: int = 0):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        model = RulNetwork(arch, norm, 20, 125.0, members, history=history, age_scale=150.0)
        model.offsets.copy_(torch.tensor([0.2, 0.3] if width_scaled else [2.0, 3.0]))
        model.width_scaled.fill_(1.0 if width_scaled else 0.0)
        x, _, _ = D.truncated_samples(engines, list(engines), 20, 8, seed=2, history=history)
        init = {"arch": arch, "members": members, "window": 20, "scale": 125.0, "centroids": norm.centroids.tolist(),
                "setting_scale": norm.setting_scale.tolist(), "mean": norm.mean.tolist(), "std": norm.std.tolist(),
                "sensor_columns": norm.sensor_columns, "setting_columns": norm.setting_columns,
                "channels": norm.channels, "history": history, "age_scale": 150.0}
        with tempfile.TemporaryDirectory() as out:
            meta = write_model(model, out, "t", {"torch_init": init}, x)
            self.assertLessEqual(meta["parity_max_abs_diff"], PARITY_TOLERANCE)
            reloaded = load_torch(os.path.join(out, "t.pt"))
            onnx_out = onnx_predict(os.path.join(out, "t.onnx"), x, 20, history)
            if history:
                self.assertEqual(meta["history"]["start_readings"], history)
                self.assertEqual(meta["history"]["age_scale"], 150.0)
                import onnxruntime as ort

                names = [i.name for i in ort.InferenceSession(os.path.join(out, "t.onnx")).get_inputs()]
                self.assertEqual(names, ["window", "start", "age"])
            else:
                self.assertNotIn("history", meta)
            self.assertLessEqual(float(np.max(np.abs(torch_predict(reloaded, x) - onnx_out))), PARITY_TOLERANCE)
            # Outputs are ordered: lower <= point <= upper, all >= 0.
            self.assertTrue(np.all(onnx_out[:, 1] <= onnx_out[:, 0] + 1e-5))
            self.assertTrue(np.all(onnx_out[:, 0] <= onnx_out[:, 2] + 1e-5))
            self.assertTrue(np.all(onnx_out >= 0))

    def test_cnn_ensemble_exports_with_parity(self):
        self.export_and_compare("cnn", 2)

    def test_transformer_exports_with_parity(self):
        self.export_and_compare("transformer", 1)

    def test_history_inputs_export_as_three_named_inputs_with_parity(self):
        self.export_and_compare("cnn", 2, history=8)
        self.export_and_compare("transformer", 1, width_scaled=True, history=8)

    def test_history_features_are_the_change_since_the_baseline_and_the_age_of_each_step(self):
        engines = synthetic_engines(2, conditions=1)
        norm = D.fit_normalisation(engines, 1, seed=0)
        model = RulNetwork("cnn", norm, 20, 125.0, history=8, age_scale=100.0)
        x, _ = D.training_windows(engines, [1], 20, history=8)
        f = model.features(torch.from_numpy(x[[0, 30]])).numpy()
        self.assertEqual(f.shape, (2, 20, 14 + 14 + 1))
        # After one reading the window, padded, is all that reading: no change from the baseline, age 1.
        np.testing.assert_allclose(f[0, :, 14:28], 0, atol=1e-5)
        np.testing.assert_allclose(f[0, :, 28], 0.01, rtol=1e-6)
        # After 31 readings the last step is 31 readings old, the first of the window 12.
        self.assertAlmostEqual(float(f[1, -1, 28]), 0.31, places=6)
        self.assertAlmostEqual(float(f[1, 0, 28]), 0.12, places=6)
        z = norm.apply(engines[1]).astype(np.float32)
        np.testing.assert_allclose(f[1, -1, 14:28], z[30] - z[:8].mean(0), atol=1e-4)

    def test_width_scaled_offsets_export_with_parity(self):
        self.export_and_compare("cnn", 1, width_scaled=True)

    def test_mixed_ensemble_weights_each_architecture_equally_and_exports_with_parity(self):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        cnn = RulNetwork("cnn", norm, 20, 125.0, 2).eval()
        transformer = RulNetwork("transformer", norm, 20, 125.0, 1).eval()
        mixed = combine([cnn, transformer], norm).eval()
        self.assertEqual(mixed.member_archs, ["cnn", "cnn", "transformer"])
        x, _, _ = D.truncated_samples(engines, list(engines), 20, 4, seed=6)
        xt = torch.from_numpy(x)
        with torch.no_grad():
            expected = (cnn.raw_heads(xt) + transformer.raw_heads(xt)) / 2
            np.testing.assert_allclose(mixed.raw_heads(xt).numpy(), expected.numpy(), atol=1e-6)
        init = {"arch": mixed.arch, "members": 3, "member_archs": mixed.member_archs, "window": 20, "scale": 125.0,
                "centroids": norm.centroids.tolist(), "setting_scale": norm.setting_scale.tolist(),
                "mean": norm.mean.tolist(), "std": norm.std.tolist(), "sensor_columns": norm.sensor_columns,
                "setting_columns": norm.setting_columns, "channels": norm.channels}
        with tempfile.TemporaryDirectory() as out:
            meta = write_model(mixed, out, "m", {"torch_init": init}, x)
            self.assertLessEqual(meta["parity_max_abs_diff"], PARITY_TOLERANCE)
            reloaded = load_torch(os.path.join(out, "m.pt"))
            np.testing.assert_allclose(torch_predict(reloaded, x), torch_predict(mixed, x), atol=1e-5)

    def test_forward_applies_width_scaled_offsets(self):
        engines = synthetic_engines()
        norm = D.fit_normalisation(engines, 6, seed=0)
        torch.manual_seed(0)
        model = RulNetwork("cnn", norm, 20, 125.0, 1).eval()
        model.offsets.copy_(torch.tensor([0.5, 0.25]))
        model.width_scaled.fill_(1.0)
        x, _, _ = D.truncated_samples(engines, list(engines), 20, 2, seed=3)
        with torch.no_grad():
            heads = model.raw_heads(torch.from_numpy(x)).numpy() * 125.0
            out = model(torch.from_numpy(x)).numpy()
        lo, hi = apply_offsets(heads[:, 1], heads[:, 2], (0.5, 0.25), True)
        point = np.maximum(heads[:, 0], 0)
        np.testing.assert_allclose(out[:, 1], np.maximum(np.minimum(lo, point), 0), atol=1e-4)
        np.testing.assert_allclose(out[:, 2], np.maximum(hi, point), atol=1e-4)

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
                    x, _, _ = D.truncated_samples(engines, units, model.window, 2, seed=5, history=model.history)
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
