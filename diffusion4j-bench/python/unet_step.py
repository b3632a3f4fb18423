#!/usr/bin/python3
"""PyTorch reference for UNetStepBench: the same U-Net as diffusion4j's UNet2d with
UNet2dConfig.defaults(1, 28, 28) (same layers, same parameter tensors in the same order, same
count), the same training step (flow objective on the cond-OT path, MSE, backward, global-norm
clipping to 1, AdamW, EMA update) and the same sampling measurement (no-grad forward of a batch).

    /usr/bin/python3 unet_step.py [warmup timed batch]
    /usr/bin/python3 unet_step.py check DIR   # DIR from `UNetStepBench export DIR`: same function?

Runs on one intra-op thread (torch.set_num_threads(1)), as the Java side does by default.
"""
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from unet import UNet  # the same network as UNet2d, shared with mnist_ddpm_reference.py

C, H, W = 1, 28, 28


def median(a):
    s = sorted(a)
    k = len(s)
    return s[k // 2] if k % 2 else 0.5 * (s[k // 2 - 1] + s[k // 2])


def check(d):
    """Loads the Java weights (spec order = parameters() order) and compares the outputs."""
    import numpy as np
    model = UNet().eval()
    flat = torch.from_numpy(np.fromfile(d + "/params.bin", dtype="<f4"))
    k = 0
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(flat[k:k + p.numel()].reshape(p.shape))
            k += p.numel()
    assert k == flat.numel(), "parameter count differs: torch %d, java %d" % (k, flat.numel())
    x = torch.from_numpy(np.fromfile(d + "/x.bin", dtype="<f4")).reshape(-1, C, H, W)
    c = torch.from_numpy(np.fromfile(d + "/c.bin", dtype="<f4")).reshape(-1, 1)
    java = torch.from_numpy(np.fromfile(d + "/out.bin", dtype="<f4")).reshape(x.shape)
    with torch.no_grad():
        out = model(x, c)
    err = (out - java).abs().max().item()
    scale = java.abs().max().item()
    print("same-network check: max |torch - java| = %.3g (output max |F| = %.3g)" % (err, scale))
    sys.exit(0 if err <= 1e-4 * max(1.0, scale) else 1)


def main():
    torch.set_num_threads(1)
    if len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
        return
    warmup = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    timed = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 128
    torch.manual_seed(0)
    model = UNet()
    params = list(model.parameters())
    print("torch unet: params=%d tensors=%d batch=%d threads=%d torch=%s"
          % (sum(p.numel() for p in params), len(params), n, torch.get_num_threads(), torch.__version__))
    ema = [p.detach().clone() for p in params]
    opt = torch.optim.AdamW(params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    data = torch.randn(1024, C, H, W)

    def step(k):
        idx = torch.randint(0, data.shape[0], (n,))
        x0 = data[idx]
        eps = torch.randn_like(x0)
        t = torch.rand(n)
        xt = (1 - t)[:, None, None, None] * x0 + t[:, None, None, None] * eps  # cond-OT path
        target = eps - x0  # velocity alpha' x0 + sigma' eps
        f = model(xt, t[:, None])
        loss = (f - target).square().sum() / (n * C * H * W)
        opt.zero_grad(set_to_none=False)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        decay = min(0.999, (1.0 + k) / (10.0 + k))
        with torch.no_grad():
            for e, p in zip(ema, params):
                e.sub_((e - p) * (1 - decay))
        return loss.item()

    model.train()
    for k in range(warmup):
        step(k)
    ms = []
    for k in range(timed):
        t0 = time.perf_counter()
        step(warmup + k)
        ms.append((time.perf_counter() - t0) * 1e3)
    print("torch train step: median %.1f ms (min %.1f; steps %s)" % (median(ms), min(ms), [round(v, 1) for v in ms]))

    with torch.no_grad():
        for p, e in zip(params, ema):
            p.copy_(e)
    model.eval()
    x = torch.randn(n, C, H, W)
    c = torch.full((n, 1), 0.5)
    sms = []
    with torch.no_grad():
        for _ in range(warmup):
            model(x, c)
        for _ in range(timed):
            t0 = time.perf_counter()
            model(x, c)
            sms.append((time.perf_counter() - t0) * 1e3)
    print("torch sampling: median %.1f ms per batch of %d = %.1f images/s (min %.1f ms)"
          % (median(sms), n, n / median(sms) * 1e3, min(sms)))


if __name__ == "__main__":
    main()
