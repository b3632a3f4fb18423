"""torchsde side of the SDE engine comparison (docs/sde.md).

Measures, in float64 on the CPU:
  1. BrownianInterval queried left to right at a fixed non-dyadic step (dt = 1e-3 on [0, 1]),
     path-steps per second = batch * steps / seconds (increments only, and with the space-time
     Levy area that order-1.5 schemes need);
  2. torchsde.sdeint fixed-step Monte Carlo throughput on GBM dY = mu Y dt + sigma Y dW for the
     schemes the Java engine also has (euler, milstein, srk), path-steps per second.

Run (torchsde is not a project dependency; fetch it and put it on PYTHONPATH, with the small
'trampoline' package it imports):
  PYTHONPATH=/path/to/torchsde:/path/to/trampoline /usr/bin/python3 torchsde_reference.py --threads 2
Prints one line per measurement: name, batch, threads, seconds, path-steps/s per wall-clock second
and per CPU second of the process (time.process_time; robust to other load on a shared machine).
"""
import argparse
import os
import time

import torch
import torchsde


def interval_rate(batch, steps, levy, reps, dt_hint=False):
    ts = [i / steps for i in range(steps + 1)]
    best = (float("inf"), float("inf"))
    hint = {"dt": 1.0 / steps} if dt_hint else {}  # sdeint builds its interval without the hint
    for rep in range(reps):
        bm = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(batch, 1), dtype=torch.float64, entropy=rep,
                                       levy_area_approximation="space-time" if levy else "none", **hint)
        start, cpu = time.perf_counter(), time.process_time()
        for a, b in zip(ts[:-1], ts[1:]):
            if levy:
                bm(a, b, return_U=True)
            else:
                bm(a, b)
        best = (min(best[0], time.perf_counter() - start), min(best[1], time.process_time() - cpu))
    return best


class Gbm(torch.nn.Module):
    noise_type = "diagonal"

    def __init__(self, sde_type, mu=0.05, sigma=0.2):
        super().__init__()
        self.sde_type = sde_type
        self.mu = mu
        self.sigma = sigma

    def f(self, t, y):
        return self.mu * y

    def g(self, t, y):
        return self.sigma * y


def sdeint_rate(method, batch, steps, reps):
    sde = Gbm("ito")
    y0 = torch.ones(batch, 1, dtype=torch.float64)
    ts = torch.tensor([0.0, 1.0], dtype=torch.float64)
    best = (float("inf"), float("inf"))
    for rep in range(reps):
        levy = "space-time" if method == "srk" else "none"
        bm = torchsde.BrownianInterval(t0=0.0, t1=1.0, size=(batch, 1), dtype=torch.float64, entropy=rep,
                                       levy_area_approximation=levy)
        start, cpu = time.perf_counter(), time.process_time()
        with torch.no_grad():
            torchsde.sdeint(sde, y0, ts, bm=bm, method=method, dt=1.0 / steps)
        best = (min(best[0], time.perf_counter() - start), min(best[1], time.process_time() - cpu))
    return best


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--batches", default="1000,10000,100000")
    p.add_argument("--what", default="interval,levy,sdeint", help="comma list of interval, levy, sdeint")
    p.add_argument("--dt-hint", action="store_true",
                   help="give BrownianInterval the step as its dt hint (as BrownianTree.forSpacing gets it)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"# torch {torch.__version__}, threads {a.threads}, load average {os.getloadavg()[0]:.2f}", flush=True)
    for batch in [int(b) for b in a.batches.split(",")]:
        what = a.what.split(",")
        for levy in [x == "levy" for x in ("interval", "levy") if x in what]:
            s, c = interval_rate(batch, a.steps, levy, a.reps, a.dt_hint)
            print(f"interval{'+levy' if levy else ''}{' dt-hint' if a.dt_hint else ''} batch {batch} threads {a.threads} {s:.3f} s {batch * a.steps / s:.3e} path-steps/s"
                  f" [{batch * a.steps / c:.3e} per CPU-second]", flush=True)
        for method in ("euler", "milstein", "srk") if "sdeint" in what else ():
            s, c = sdeint_rate(method, batch, a.steps, a.reps)
            print(f"sdeint-{method} batch {batch} threads {a.threads} {s:.3f} s {batch * a.steps / s:.3e} path-steps/s"
                  f" [{batch * a.steps / c:.3e} per CPU-second]", flush=True)


if __name__ == "__main__":
    main()
