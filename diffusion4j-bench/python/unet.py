"""The U-Net of diffusion4j's UNet2d (org.diffusion4j.nn.net.UNet2d) in torch.nn, layer for layer, for the
side-by-side benchmarks in this folder (same layers, same parameter count: 982,681 for the MNIST defaults)."""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def sinusoidal(c, dim):
    """[sin(1000 c w_k), cos(1000 c w_k)], w_k = 10000^(-k/(dim/2)) (Layers.sinusoidalEmbedding)."""
    half = dim // 2
    freqs = 1000.0 * torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    arg = c.reshape(-1, 1).float() * freqs.reshape(1, -1)
    return torch.cat([arg.sin(), arg.cos()], 1)


def zero(m):
    for p in m.parameters():
        nn.init.zeros_(p)
    return m


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups, dropout):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.drop = nn.Dropout(dropout)
        self.conv2 = zero(nn.Conv2d(cout, cout, 3, padding=1))
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb_act):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(emb_act)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(self.drop(F.silu(h)))
        return (x if self.skip is None else self.skip(x)) + h


class Attention(nn.Module):
    def __init__(self, ch, groups, heads):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.proj = zero(nn.Linear(ch, ch))
        self.heads = heads

    def forward(self, x):
        n, c, hh, ww = x.shape
        tokens = self.norm(x).reshape(n, c, hh * ww).transpose(1, 2)
        q, k, v = self.qkv(tokens).chunk(3, dim=2)
        dh = c // self.heads
        q, k, v = (t.reshape(n, hh * ww, self.heads, dh).transpose(1, 2) for t in (q, k, v))
        a = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(dh), dim=-1) @ v
        out = self.proj(a.transpose(1, 2).reshape(n, hh * ww, c))
        return x + out.transpose(1, 2).reshape(n, c, hh, ww)


class UNet(nn.Module):
    def __init__(self, channels=1, base=24, mult=(1, 2, 2), res_blocks=2, attn=(7,), heads=4, groups=8, dropout=0.1,
                 height=28):
        super().__init__()
        emb = 4 * base
        self.base = base
        self.time = nn.Sequential(nn.Linear(base, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.inp = nn.Conv2d(channels, base, 3, padding=1)
        self.down = nn.ModuleList()
        skips = [base]
        ch, h = base, height
        for level, m in enumerate(mult):
            for _ in range(res_blocks):
                blocks = [ResBlock(ch, base * m, emb, groups, dropout)]
                ch = base * m
                if h in attn:
                    blocks.append(Attention(ch, groups, heads))
                self.down.append(nn.ModuleList(blocks))
                skips.append(ch)
            if level < len(mult) - 1:
                self.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skips.append(ch)
                h //= 2
        self.mid = nn.ModuleList([ResBlock(ch, ch, emb, groups, dropout), Attention(ch, groups, heads),
                                  ResBlock(ch, ch, emb, groups, dropout)])
        self.up = nn.ModuleList()
        for level in reversed(range(len(mult))):
            for i in range(res_blocks + 1):
                blocks = [ResBlock(ch + skips.pop(), base * mult[level], emb, groups, dropout)]
                ch = base * mult[level]
                if h in attn:
                    blocks.append(Attention(ch, groups, heads))
                if level > 0 and i == res_blocks:
                    blocks.append(nn.Conv2d(ch, ch, 3, padding=1))  # after nearest 2x upsampling
                    h *= 2
                self.up.append(nn.ModuleList(blocks))
        self.out_norm = nn.GroupNorm(groups, ch)
        self.out = zero(nn.Conv2d(ch, channels, 3, padding=1))

    def forward(self, x, c):
        emb_act = F.silu(self.time(sinusoidal(c, self.base)))
        h = self.inp(x)
        hs = [h]
        for layer in self.down:
            if isinstance(layer, nn.Conv2d):
                h = layer(h)
            else:
                h = layer[0](h, emb_act)
                for extra in layer[1:]:
                    h = extra(h)
            hs.append(h)
        h = self.mid[2](self.mid[1](self.mid[0](h, emb_act)), emb_act)
        for layer in self.up:
            h = layer[0](torch.cat([h, hs.pop()], 1), emb_act)
            for extra in layer[1:]:
                h = extra(F.interpolate(h, scale_factor=2, mode="nearest")) if isinstance(extra, nn.Conv2d) else extra(h)
        return self.out(F.silu(self.out_norm(h)))


if __name__ == "__main__":
    net = UNet()
    print("parameters", sum(p.numel() for p in net.parameters()))
    print(net(torch.randn(2, 1, 28, 28), torch.rand(2)).shape)
