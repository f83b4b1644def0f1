"""PyTorch vs exported ONNX on the same inputs (max abs diff <= 1e-4), plus the loaders and the policy.

Runs anywhere: the data is generated here. `make test` runs it through scripts/test.sh:
    $(scripts/trainer-venv.sh) -m unittest discover -s services/trainer-orchestrator/trainer/tests -t services/trainer-orchestrator/trainer
"""

from __future__ import annotations

import json
import tempfile
import unittest
from argparse import Namespace
from pathlib import Path

import numpy as np
import torch

from industrialmind_trainer.anomaly import data as datasets
from industrialmind_trainer.anomaly import train as anomaly_train
from industrialmind_trainer.anomaly.models import INPUT_NAME, OUTPUT_NAMES, ConvAutoencoder, MeanShift, train_autoencoder
from industrialmind_trainer.anomaly.scoring import Policy, apply_policy, confusion, grid_confusion, robust_fit
from industrialmind_trainer.common.onnx_export import export_onnx, parity_max_abs_diff
from industrialmind_trainer.common.provenance import data_hash
from industrialmind_trainer.common.seeding import seed_everything

TOLERANCE = 1e-4


def write_skab_like(path: Path, rows: int, anomaly_from: int | None, seed: int, labels: bool = True) -> None:
    rng = np.random.default_rng(seed)
    header = "datetime;" + ";".join(src for src, _ in datasets.SKAB_COLUMNS)
    if labels:
        header += ";anomaly;changepoint"
    lines = [header]
    for i in range(rows):
        x = rng.normal([0.03, 0.04, 1.3, 0.1, 80, 26, 230, 32], [0.002, 0.002, 0.05, 0.3, 0.3, 0.1, 3, 0.5])
        is_anomaly = anomaly_from is not None and i >= anomaly_from
        if is_anomaly:
            x[7] -= 4.0
        line = f"2020-03-09 10:{i // 60 % 60:02d}:{i % 60:02d};" + ";".join(f"{v:.6g}" for v in x)
        if labels:
            line += f";{1.0 if is_anomaly else 0.0};0.0"
        lines.append(line)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


class ParityTest(unittest.TestCase):
    def setUp(self) -> None:
        seed_everything(7)
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)
        rng = np.random.default_rng(7)
        self.inputs = rng.normal(0, 2, size=(40, 64, 8)).astype(np.float32)

    def tearDown(self) -> None:
        self.tmp.cleanup()

    def test_mean_shift_onnx_matches_pytorch(self) -> None:
        sut = MeanShift(8, 64, 30, [1, 0, 0.5, 1, 0, 0, 1, 1])
        path = self.dir / "ms.onnx"
        export_onnx(sut, self.inputs[:4], path, INPUT_NAME, OUTPUT_NAMES)
        self.assertLessEqual(parity_max_abs_diff(sut, path, self.inputs, INPUT_NAME), TOLERANCE)

    def test_directional_mean_shift_onnx_matches_pytorch(self) -> None:
        sut = MeanShift(8, 64, 20, [1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0, 1])
        path = self.dir / "msd.onnx"
        export_onnx(sut, self.inputs[:4], path, INPUT_NAME, OUTPUT_NAMES)
        self.assertLessEqual(parity_max_abs_diff(sut, path, self.inputs, INPUT_NAME), TOLERANCE)

    def test_directional_mean_shift_weighs_only_the_chosen_direction(self) -> None:
        sut = MeanShift(2, 4, 2, [0.0, 1.0], [1.0, 0.0])
        drop = torch.tensor([[[0.0, -3.0], [0.0, -3.0], [-2.0, -3.0], [-2.0, -3.0]]])
        contributions, score = sut(drop)
        # channel 0 dropped by 2 (weighed), channel 1 dropped by 3 (only its rise is weighed).
        self.assertEqual(contributions.tolist(), [[4.0, 0.0]])
        contributions, _ = sut(-drop)
        self.assertEqual(contributions.tolist(), [[0.0, 9.0]])
        self.assertEqual(score.tolist(), [4.0])

    def test_two_sided_mean_shift_is_unchanged_without_drop_weights(self) -> None:
        sut = MeanShift(8, 64, 30, [1, 0, 0.5, 1, 0, 0, 1, 1])
        x = torch.from_numpy(self.inputs)
        mean = x[:, -30:, :].mean(dim=1)
        expected = mean * mean * torch.tensor([[1, 0, 0.5, 1, 0, 0, 1, 1]], dtype=torch.float32)
        self.assertTrue(torch.equal(sut(x)[0], expected))

    def test_trained_conv_autoencoder_onnx_matches_pytorch(self) -> None:
        sut = ConvAutoencoder(8, 64, 16, [1.0] * 8)
        losses = train_autoencoder(sut, torch.from_numpy(self.inputs), epochs=3, show_progress=False)
        self.assertLess(losses[-1], losses[0])
        path = self.dir / "ae.onnx"
        export_onnx(sut, self.inputs[:4], path, INPUT_NAME, OUTPUT_NAMES)
        diff = parity_max_abs_diff(sut, path, self.inputs, INPUT_NAME)
        self.assertLessEqual(diff, TOLERANCE)

    def test_training_is_reproducible_with_the_same_seed(self) -> None:
        def train_once() -> list[torch.Tensor]:
            seed_everything(11)
            model = ConvAutoencoder(8, 64, 16, [1.0] * 8)
            train_autoencoder(model, torch.from_numpy(self.inputs), epochs=2, show_progress=False)
            return [p.detach().clone() for p in model.parameters()]

        first, second = train_once(), train_once()
        self.assertTrue(all(torch.equal(a, b) for a, b in zip(first, second)))

    def test_trainer_end_to_end_on_generated_skab_files(self) -> None:
        data = self.dir / "skab"
        (data / "valve").mkdir(parents=True)
        for i in range(3):
            write_skab_like(data / "valve" / f"{i}.csv", 700, 550, seed=i)
        write_skab_like(data / "free.csv", 600, None, seed=9, labels=False)
        out = self.dir / "model"
        args = Namespace(dataset="skab", data=str(data), out=str(out), name="t", exclude=["valve/2.csv"], arch="auto",
                         horizons=[10], cold_start=400, epochs=2, seed=0, machine_type="skab", quiet=True)
        self.assertEqual(anomaly_train.run(args), 0)
        meta = json.loads((out / "t.json").read_text())
        self.assertEqual(meta["channels"], datasets.SKAB_CHANNELS)
        self.assertEqual(meta["training"]["excluded"], ["valve/2.csv"])
        self.assertNotIn("valve/2.csv", meta["training"]["files"])
        self.assertLessEqual(meta["metrics"]["parity_max_abs_diff"], TOLERANCE)
        # The flow drop is obvious in the generated data: validation must find it.
        self.assertGreater(meta["metrics"]["f1"], 0.9)
        self.assertGreater(meta["channel_weights"]["volume_flow_rate_rms"], 0)


class ScoringTest(unittest.TestCase):
    def test_robust_fit_never_divides_by_zero_on_a_constant_channel(self) -> None:
        center, scale = robust_fit(np.array([[32.0, 1.0]] * 50))
        self.assertEqual(center.tolist(), [32.0, 1.0])
        self.assertTrue(np.all(scale > 0))

    def test_policy_needs_on_count_readings_to_start_and_off_count_to_end(self) -> None:
        scores = np.array([0, 0, 5, 5, 5, 0, 5, 0, 0, 0], dtype=float)
        flags = apply_policy(scores, 0, 1.0, Policy(1.0, 1.0, 1.0, on_count=2, off_count=2))
        self.assertEqual(flags.tolist(), [0, 0, 0, 1, 1, 1, 1, 1, 0, 0])

    def test_release_ends_an_event_once_the_score_falls_far_below_its_peak(self) -> None:
        # A fault (score 100), then the signal settles at a level (score 5) still over the threshold (1).
        scores = np.array([0.0] * 3 + [100.0] * 4 + [5.0] * 8, dtype=float)
        plain = apply_policy(scores, 0, 1.0, Policy(1.0, 1.0, 1.0, on_count=1, off_count=2))
        self.assertEqual(plain.tolist(), [0] * 3 + [1] * 12)
        released = apply_policy(scores, 0, 1.0, Policy(1.0, 1.0, 1.0, 1, 2, release=0.1, release_half_life=100.0))
        # 5 <= 0.1 * 100 for two readings ends it; the slowly decaying peak keeps 5 from starting a new one.
        self.assertEqual(released.tolist(), [0] * 3 + [1] * 5 + [0] * 7)
        # Once the remembered peak has decayed (half-life 1 reading), the settled level alarms again.
        fast = apply_policy(scores, 0, 1.0, Policy(1.0, 1.0, 1.0, 1, 2, release=0.1, release_half_life=1.0))
        self.assertEqual(fast.tolist(), [0] * 3 + [1] * 5 + [0, 0] + [1] * 5)

    def test_vectorised_policy_grid_equals_the_sequential_policy(self) -> None:
        rng = np.random.default_rng(3)
        scores = np.abs(rng.normal(0, 1, 600)) + np.where((np.arange(600) > 300) & (np.arange(600) < 450), 6.0, 0.0)
        scores[450:] += 1.5  # settles above the baseline
        labels = ((np.arange(600) > 300) & (np.arange(600) < 450)).astype(np.int8)[100:]
        policies = [Policy(1.0, f, a, on, off, r, hl) for f in (1.0, 2.0) for a in (1.0, 0.2) for on in (1, 3)
                    for off in (1, 10) for r, hl in ((0.0, 0.0), (0.1, 50.0), (0.3, 400.0))]
        thresholds = np.array([p.factor * float(np.quantile(scores[:100], p.quantile)) for p in policies])
        grid = grid_confusion(scores, 100, thresholds, policies, labels)
        for p, thr, row in zip(policies, thresholds, grid):
            self.assertEqual(row.tolist(), confusion(apply_policy(scores, 100, float(thr), p), labels).tolist(), p)

    def test_data_hash_changes_when_a_file_changes(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "a.csv"
            p.write_text("x")
            before = data_hash([p], Path(tmp))
            p.write_text("y")
            self.assertNotEqual(before, data_hash([p], Path(tmp)))


if __name__ == "__main__":
    unittest.main()
