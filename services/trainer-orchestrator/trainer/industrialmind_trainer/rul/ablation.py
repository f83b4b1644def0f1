"""Input ablation for the RUL networks, on the non-validation engines only (out-of-fold over 5 folds):

    python -m industrialmind_trainer.rul.ablation FD001 zda [cnn|transformer] [folds to run]

VARIANT letters: z = the window's normalised sensors, d = their change since the engine's baseline (mean of its
first NB readings seen; fewer are averaged as they are, unpadded), a = each step's age (readings seen / 200).
Environment: NB (default 30), W (window, 50), CAP (target cap, 125), TAG (a label in the output), EXTRA (another
subset, e.g. FD001 for FD003: all engines of its training file are added to every fold's training engines, never to
the cuts that score it).
One plain network per fold (MSE only, no quantile heads, no ensemble): AdamW lr 1e-3, weight decay 1e-3, Gaussian
noise 0.1 on the sensor features, cosine schedule, up to 30 epochs (transformer 25), epoch chosen on the held-out
fold's cuts, patience 8. The 80 non-validation engines (split seed 7, as the trainer's) are cut 20 times each as
in the held-out protocol; prints the out-of-fold RMSE, by band of true RUL (RMSE, bias), as one JSON line.
The validation engines are never loaded into a fold.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

from . import data as D
from .models import CnnBody, TransformerBody

def main() -> int:
    if len(sys.argv) < 3 or sys.argv[1] not in D.SUBSETS or not set(sys.argv[2]) <= set("zda"):
        print(__doc__, file=sys.stderr)
        return 2
    subset, variant, arch = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "cnn")
    folds_to_run = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    N_BASE, W, CAP, AGE_SCALE = int(os.environ.get("NB", 30)), int(os.environ.get("W", 50)), float(os.environ.get("CAP", 125)), 200.0
    TAG = os.environ.get("TAG", "")
    torch.set_num_threads(1)
    eng = D.load_subset(subset)
    tr, cal, val = D.split_engines(list(eng), 7, (0.6, 0.2, 0.2))
    pool = sorted(tr + cal)
    order = np.random.default_rng(8).permutation(pool).tolist()
    fold_of = {int(u): i % 5 for i, u in enumerate(order)}
    extra = []
    if os.environ.get("EXTRA"):
        try:
            D.check_sister(subset, os.environ["EXTRA"])
        except ValueError as e:
            print(f"EXTRA: {e}", file=sys.stderr)
            return 2
        # Another subset's engines, numbered after this one's so the ids never collide.
        other = D.load_subset(os.environ["EXTRA"])
        for u, rows in other.items():
            eng[100000 + u] = rows
            extra.append(100000 + u)
    norm = D.fit_normalisation({u: eng[u] for u in pool + extra}, D.CONDITIONS[subset], 7)
    Z = {u: norm.apply(eng[u]).astype(np.float32) for u in pool + extra}

    def feats(z, t):
        """features of the window ending at row t (inclusive) of engine z."""
        seen = z[: t + 1]
        win = D.pad_front(seen, W)
        parts = []
        if "z" in variant: parts.append(win)
        if "d" in variant:
            b = seen[:N_BASE].mean(0)
            parts.append(win - b)
        if "a" in variant:
            idx = np.arange(t - W + 1, t + 1).clip(0, None)
            parts.append(((idx + 1) / AGE_SCALE)[:, None].astype(np.float32))
        return np.concatenate(parts, 1)

    def windows(units):
        xs, ys = [], []
        for u in units:
            z = Z[u]; L = len(z)
            for t in range(L):
                xs.append(feats(z, t)); ys.append(min(L - 1 - t, CAP))
        return np.array(xs, np.float32), np.array(ys, np.float32)

    def cuts(units, draws, seed):
        rng = np.random.default_rng(seed); xs, ys, us = [], [], []
        for u in units:
            z = Z[u]; L = len(z); hi = min(150, L - 1); lo = min(5, hi)
            for _ in range(draws):
                r = int(rng.integers(lo, hi + 1)); xs.append(feats(z, L - r - 1)); ys.append(r); us.append(u)
        return np.array(xs, np.float32), np.array(ys, np.float32), np.array(us)

    class Net(nn.Module):
        def __init__(self, f):
            super().__init__()
            self.body = CnnBody(f, W) if arch == "cnn" else TransformerBody(f, W)
            self.head = nn.Linear(self.body.out_features, 1)
        def forward(self, x): return self.head(self.body(x))[:, 0]

    cx, cy, cu = cuts(pool, 20, 7)
    oof = np.zeros(len(cy))
    t0 = time.time()
    for f in range(folds_to_run):
        trn = [u for u in pool if fold_of[u] != f] + extra
        x, y = windows(trn)
        held = np.array([fold_of[int(u)] == f for u in cu])
        torch.manual_seed(7 + f)
        net = Net(x.shape[2])
        epochs = 30 if arch == "cnn" else 25
        opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-3)
        sch = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y / CAP)
        hx = torch.from_numpy(cx[held]); best = (1e9, None, 0)
        for ep in range(epochs):
            net.train(); perm = torch.randperm(len(xt))
            for i in range(0, len(perm), 256):
                idx = perm[i:i+256]; xb = xt[idx]
                xb = xb + 0.1 * torch.randn_like(xb) * (torch.arange(xb.shape[2]) < xb.shape[2] - ("a" in variant)).float()
                opt.zero_grad(); loss = ((net(xb) - yt[idx]) ** 2).mean(); loss.backward(); opt.step()
            sch.step(); net.eval()
            with torch.no_grad(): p = (net(hx) * CAP).clamp(min=0).numpy()
            r = float(np.sqrt(np.mean((p - cy[held]) ** 2)))
            if r < best[0]: best = (r, p, ep + 1)
            elif ep + 1 - best[2] >= 8: break
        oof[held] = best[1]
        print(f"{subset} {variant} {arch} fold {f}: best epoch {best[2]} rmse {best[0]:.2f} ({time.time()-t0:.0f}s)", flush=True)
    ran = np.array([fold_of[int(u)] < folds_to_run for u in cu])
    e = oof[ran] - cy[ran]
    bands = {}
    for lo_, hi_ in ((5,50),(50,100),(100,125),(125,151)):
        m = (cy[ran] >= lo_) & (cy[ran] < hi_)
        bands[f"{lo_}-{hi_}"] = [round(float(np.sqrt(np.mean(e[m]**2))),1), round(float(e[m].mean()),1)]
    print(json.dumps({"tag": TAG, "extra": os.environ.get("EXTRA", ""), "nb": N_BASE, "w": W, "cap": CAP, "subset": subset, "variant": variant, "arch": arch, "oof_rmse": round(float(np.sqrt(np.mean(e**2))),2), "bands": bands, "secs": round(time.time()-t0)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
