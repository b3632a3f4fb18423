"""torch side of the neural SDE gradient-step comparison (docs/neural-sde.md).

torchsde is not installed here, so this is the equivalent of torchsde.sdeint(sde, y0, ts,
method="euler", dt=dt) with an Ito SDE of diagonal noise followed by loss.backward(), written as
the same Euler-Maruyama loop in torch with autograd (torchsde's Euler step, torchsde/_core/methods/
euler.py, is y1 = y0 + f*dt + g*dW, and sdeint backpropagates through the loop the same way).
The network matches org.diffusion4j.nn.sde.MlpSdeTerm: drift Linear(d+1, w) Softplus Linear(w, w)
Softplus Linear(w, d) on (y, t), diffusion sigmoid(a*y + c) per component.

  /usr/bin/python3 neural_sde_step.py [warmup] [timed] [batch] [dim] [width] [steps]
Prints: torch neural SDE step: median X ms (min Y, process CPU median Z) over N steps, batch B, dim D, width W, steps S
"""
import statistics
import sys
import time

import torch


class Term(torch.nn.Module):
    def __init__(self, d, w):
        super().__init__()
        self.f = torch.nn.Sequential(torch.nn.Linear(d + 1, w), torch.nn.Softplus(), torch.nn.Linear(w, w),
                                     torch.nn.Softplus(), torch.nn.Linear(w, d))
        self.a = torch.nn.Parameter(torch.rand(d) * 2 - 1)
        self.c = torch.nn.Parameter(torch.rand(d) * 2 - 1)

    def drift(self, t, y):
        return self.f(torch.cat([y, torch.full((y.shape[0], 1), t)], dim=1))

    def diffusion(self, t, y):
        return torch.sigmoid(self.a * y + self.c)


def main():
    warmup, timed, batch, dim, width, steps = [int(a) for a in (sys.argv[1:] + [None] * 6)[:6] if a] + \
        [3, 10, 256, 32, 64, 100][len(sys.argv[1:]):]
    torch.set_num_threads(1)
    torch.manual_seed(0)
    term = Term(dim, width)
    dt = 1.0 / steps
    y0 = torch.randn(batch, dim) * 0.5
    dw = torch.randn(steps, batch, dim) * dt ** 0.5
    times = []
    cpus = []
    for i in range(warmup + timed):
        start = time.perf_counter()
        cpu = time.process_time()
        term.zero_grad()
        y = y0
        for k in range(steps):
            t = k * dt
            y = y + term.drift(t, y) * dt + term.diffusion(t, y) * dw[k]
        loss = (y * y).mean()
        loss.backward()
        if i >= warmup:
            times.append((time.perf_counter() - start) * 1e3)
            cpus.append((time.process_time() - cpu) * 1e3)
    print("torch neural SDE step: median %.2f ms (min %.2f, process CPU median %.2f) over %d steps, batch %d, dim %d, width %d, steps %d"
          % (statistics.median(times), min(times), statistics.median(cpus), timed, batch, dim, width, steps))


if __name__ == "__main__":
    main()
