"""PyTorch reference for the MNIST image benchmark (docs/images.md): a DDPM (Ho et al. 2020) with the
same U-Net as diffusion4j's UNet2d defaults (ADM-style, improved-diffusion unet.py), trained for a fixed
wall-clock budget on the same training split, then sampled by DDPM ancestral sampling on a respaced
schedule (improved-diffusion respace.py) and written as NPY for d4j's evaluation classifier.

Reference only: never a test or runtime dependency. Uses Debian's python3-torch.

  /usr/bin/python3 mnist_ddpm_reference.py train  --minutes 30 --out ref/
  /usr/bin/python3 mnist_ddpm_reference.py sample --ckpt ref/ema.pt --steps 250 --n 1000 --out ref/ancestral250.npy
"""
import argparse
import gzip
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from unet import UNet  # noqa: E402  (the same network as UNet2d)


def read_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data[4 + 4 * ndim:], dtype=np.uint8).reshape(dims)


def mnist_train(data_dir):
    """File indices 0-7999 (the fixed training split), scaled to [-1, 1] as diffusion4j's Mnist does."""
    x = read_idx(os.path.join(data_dir, "images-idx3-ubyte.gz"))[:8000].astype(np.float32)
    return torch.from_numpy(x / 127.5 - 1).unsqueeze(1)


class Ddpm:
    """Linear betas 1e-4..0.02, T = 1000, eps prediction (Ho et al. 2020, Sec. 4)."""

    def __init__(self, steps=1000):
        self.T = steps
        self.betas = torch.linspace(1e-4, 0.02, steps, dtype=torch.float64)
        self.abar = torch.cumprod(1 - self.betas, 0)

    def loss(self, model, x0, gen):
        n = x0.shape[0]
        t = torch.randint(0, self.T, (n,), generator=gen)
        eps = torch.randn(x0.shape, generator=gen)
        a = self.abar[t].float().view(n, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        # c_noise = t / T in [0, 1): the U-Net's sinusoidal embedding scales it by 1000, i.e. the integer step.
        return F.mse_loss(model(xt, t.float() / self.T), eps)

    @torch.no_grad()
    def ancestral(self, model, n, steps, gen, batch=250):
        """DDPM ancestral sampling on `steps` evenly spaced steps of the 1000 (improved-diffusion space_timesteps)."""
        use = np.round(np.linspace(0, self.T - 1, steps)).astype(int)
        abar = self.abar[use]
        prev = torch.cat([torch.ones(1, dtype=torch.float64), abar[:-1]])
        betas = 1 - abar / prev
        out = []
        for start in range(0, n, batch):
            m = min(batch, n - start)
            x = torch.randn((m, 1, 28, 28), generator=gen)
            for i in reversed(range(steps)):
                t = torch.full((m,), float(use[i]) / self.T)
                eps = model(x, t).double()
                a, b, ap = abar[i], betas[i], prev[i]
                x0 = ((x.double() - (1 - a).sqrt() * eps) / a.sqrt()).clamp(-1, 1)
                mean = (ap.sqrt() * b / (1 - a)) * x0 + ((1 - b).sqrt() * (1 - ap) / (1 - a)) * x.double()
                var = b * (1 - ap) / (1 - a)
                x = (mean + (var.sqrt() * torch.randn((m, 1, 28, 28), generator=gen) if i > 0 else 0)).float()
            out.append(x.clamp(-1, 1).reshape(m, -1).numpy())
        return np.concatenate(out).astype(np.float64)


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    data = mnist_train(args.data)
    model = UNet(channels=1, base=24, mult=(1, 2, 2), res_blocks=2, attn=(7,), heads=4, groups=8, dropout=0.1)
    ema = UNet(channels=1, base=24, mult=(1, 2, 2), res_blocks=2, attn=(7,), heads=4, groups=8, dropout=0.1)
    ema.load_state_dict(model.state_dict())
    ema.eval()
    print("parameters", sum(p.numel() for p in model.parameters()), flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0)
    ddpm = Ddpm()
    os.makedirs(args.out, exist_ok=True)
    t0 = time.time()
    step = 0
    losses = []
    while time.time() - t0 < args.minutes * 60:
        idx = torch.randint(0, data.shape[0], (args.batch,), generator=gen)
        lr = args.lr * min(1.0, (step + 1) / args.warmup)
        for g in opt.param_groups:
            g["lr"] = lr
        loss = ddpm.loss(model, data[idx], gen)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(p, alpha=1 - decay)
        losses.append(loss.item())
        step += 1
        if step % 50 == 0:
            el = time.time() - t0
            print(f"step {step}  loss {np.mean(losses[-50:]):.4f}  {el / step:.3f} s/step", flush=True)
    el = time.time() - t0
    torch.save(ema.state_dict(), os.path.join(args.out, "ema.pt"))
    np.savetxt(os.path.join(args.out, "losses.csv"), np.array(losses), fmt="%.6f")
    print(f"trained {step} steps in {el:.0f} s ({el / step:.3f} s/step), final loss {np.mean(losses[-100:]):.4f}")


def sample(args):
    torch.set_num_threads(args.threads)
    gen = torch.Generator().manual_seed(args.seed + 1)
    model = UNet(channels=1, base=24, mult=(1, 2, 2), res_blocks=2, attn=(7,), heads=4, groups=8, dropout=0.1)
    model.load_state_dict(torch.load(args.ckpt))
    model.eval()
    t0 = time.time()
    x = Ddpm().ancestral(model, args.n, args.steps, gen)
    el = time.time() - t0
    np.save(args.out, x)
    print(f"sampled {args.n} images with {args.steps} ancestral steps in {el:.0f} s"
          f" ({args.n * args.steps / el:.1f} image-evaluations/s)")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", default=os.path.join(HERE, "../../../shared/data/mnist10k"))
    t.add_argument("--out", required=True)
    t.add_argument("--minutes", type=float, default=30)
    t.add_argument("--batch", type=int, default=128)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--warmup", type=int, default=200)
    t.add_argument("--ema", type=float, default=0.995)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=1)
    s = sub.add_parser("sample")
    s.add_argument("--ckpt", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--n", type=int, default=1000)
    s.add_argument("--steps", type=int, default=250)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    train(a) if a.cmd == "train" else sample(a)


if __name__ == "__main__":
    main()
