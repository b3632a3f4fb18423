#!/usr/bin/python3
"""PyTorch reference for UNetStepBench: the same U-Net as diffusion4j's UNet2d with
UNet2dConfig.defaults(1, 28, 28) (same layers, same parameter tensors in the same order, same
count), the same training step (flow objective on the cond-OT path, MSE, backward, global-norm
clipping to 1, AdamW, EMA update) and the same sampling measurement (no-grad forward of a batch).

    /usr/bin/python3 unet_step.py [warmup timed batch]
    /usr/bin/python3 unet_step.py check DIR   # DIR from `UNetStepBench export DIR`: same function?

Runs on one intra-op thread (torch.set_num_threads(1)), as the Java side does by default.
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BASE, MULT, NUM_RES, ATTN_AT, HEADS, GROUPS, DROPOUT = 24, (1, 2, 2), 2, (7,), 4, 8, 0.1
C, H, W = 1, 28, 28


def silu(x):
    return x * torch.sigmoid(x)


def sinusoidal(c, dim):
    # Layers.sinusoidalEmbedding: [sin(1000 c w_k), cos(1000 c w_k)], w_k = 10000^(-k/half)
    half = dim // 2
    freqs = 1000.0 * torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    arg = c.reshape(-1, 1) * freqs[None]
    return torch.cat([torch.sin(arg), torch.cos(arg)], dim=1)


def zero(m):
    for p in m.parameters():
        p.detach().zero_()
    return m


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb):
        super().__init__()
        self.norm1 = nn.GroupNorm(GROUPS, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(GROUPS, cout)
        self.conv2 = zero(nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb_act):
        h = self.conv1(silu(self.norm1(x)))
        scale, shift = self.emb(emb_act)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h)
        h = h + h * scale + shift
        h = F.dropout(silu(h), DROPOUT, self.training)
        h = self.conv2(h)
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.norm = nn.GroupNorm(GROUPS, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.proj = zero(nn.Linear(ch, ch))

    def forward(self, x):
        n, ch, hh, ww = x.shape
        l = hh * ww
        dh = ch // HEADS
        tokens = self.norm(x).reshape(n, ch, l).transpose(1, 2)
        q, k, v = self.qkv(tokens).chunk(3, dim=2)
        q = q.reshape(n, l, HEADS, dh).transpose(1, 2)
        k = k.reshape(n, l, HEADS, dh).permute(0, 2, 3, 1)
        v = v.reshape(n, l, HEADS, dh).transpose(1, 2)
        att = torch.softmax(q.matmul(k) / math.sqrt(dh), dim=-1)
        a = att.matmul(v).transpose(1, 2).reshape(n, l, ch)
        return x + self.proj(a).transpose(1, 2).reshape(n, ch, hh, ww)


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        emb = 4 * BASE
        self.time0 = nn.Linear(BASE, emb)
        self.time2 = nn.Linear(emb, emb)
        self.inp = nn.Conv2d(C, BASE, 3, padding=1)
        self.down = nn.ModuleList()
        plan = []
        skips = [BASE]
        ch, h = BASE, H
        for level, m in enumerate(MULT):
            for _ in range(NUM_RES):
                self.down.append(ResBlock(ch, BASE * m, emb))
                ch = BASE * m
                plan.append(("res", len(self.down) - 1))
                if h in ATTN_AT:
                    self.down.append(Attention(ch))
                    plan.append(("attn", len(self.down) - 1))
                plan.append(("push", None))
                skips.append(ch)
            if level < len(MULT) - 1:
                self.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                plan.append(("down", len(self.down) - 1))
                plan.append(("push", None))
                skips.append(ch)
                h //= 2
        self.down_plan = plan
        self.mid = nn.ModuleList([ResBlock(ch, ch, emb), Attention(ch), ResBlock(ch, ch, emb)])
        self.up = nn.ModuleList()
        plan = []
        for level in reversed(range(len(MULT))):
            for i in range(NUM_RES + 1):
                plan.append(("pop", None))
                self.up.append(ResBlock(ch + skips.pop(), BASE * MULT[level], emb))
                ch = BASE * MULT[level]
                plan.append(("res", len(self.up) - 1))
                if h in ATTN_AT:
                    self.up.append(Attention(ch))
                    plan.append(("attn", len(self.up) - 1))
                if level > 0 and i == NUM_RES:
                    self.up.append(nn.Conv2d(ch, ch, 3, padding=1))
                    plan.append(("up", len(self.up) - 1))
                    h *= 2
        self.up_plan = plan
        self.out_norm = nn.GroupNorm(GROUPS, ch)
        self.out = zero(nn.Conv2d(ch, C, 3, padding=1))

    def run(self, plan, mods, h, emb_act, skips):
        for kind, i in plan:
            if kind == "res":
                h = mods[i](h, emb_act)
            elif kind == "attn" or kind == "down":
                h = mods[i](h)
            elif kind == "up":
                h = mods[i](F.interpolate(h, scale_factor=2, mode="nearest"))
            elif kind == "push":
                skips.append(h)
            else:
                h = torch.cat([h, skips.pop()], dim=1)
        return h

    def forward(self, x, c):
        emb = self.time2(silu(self.time0(sinusoidal(c, BASE))))
        emb_act = silu(emb)
        h = self.inp(x)
        skips = [h]
        h = self.run(self.down_plan, self.down, h, emb_act, skips)
        h = self.mid[0](h, emb_act)
        h = self.mid[1](h)
        h = self.mid[2](h, emb_act)
        h = self.run(self.up_plan, self.up, h, emb_act, skips)
        return self.out(silu(self.out_norm(h)))


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
