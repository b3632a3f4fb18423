"""Reference samples from the official DPM-Solver and UniPC codes for d4j's parity tests.

Runs LuChengTHU/dpm-solver's dpm_solver_pytorch.py and wl-zhao/UniPC's uni_pc.py (pass their
paths) in float64 on an exact 2-D Gaussian-mixture noise predictor on the VP-linear path
(beta 0.1..20, t 1 -> 1e-3), from fixed noise, and prints the outer/inner times of the
singlestep solvers and the final samples. The numbers are pasted into
diffusion4j-core/src/test/java/org/diffusion4j/sampler/OfficialParityTest.java.

usage: /usr/bin/python3 official_sampler_parity.py DPM_SOLVER_PYTORCH.py UNI_PC.py
"""
import importlib.util
import sys

import torch

torch.set_default_dtype(torch.float64)


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


dpm = load(sys.argv[1], "dpm_solver_pytorch")
uni = load(sys.argv[2], "uni_pc")

W = torch.tensor([0.3, 0.7])
MU = torch.tensor([[-1.5, 0.5], [1.0, -0.5]])
VAR = torch.tensor([[0.2, 0.4], [0.3, 0.1]])
X_T = torch.tensor([[0.3, -1.2], [1.7, 0.4], [-0.8, 0.9], [0.05, -0.6]])


def eps_model(ns):
    def model(x, t):
        t = t.reshape(-1)[0]
        a = ns.marginal_alpha(t)
        s = ns.marginal_std(t)
        var = a * a * VAR + s * s  # (K, d)
        diff = x[:, None, :] - a * MU[None]  # (n, K, d)
        logp = torch.log(W)[None] - 0.5 * (diff * diff / var[None] + torch.log(2 * torch.pi * var[None])).sum(-1)
        post = torch.softmax(logp, dim=1)  # (n, K)
        score = -(post[:, :, None] * diff / var[None]).sum(1)
        return -s * score
    return model


def show(label, x):
    print(label + " = " + ", ".join("%.17g" % v for v in x.reshape(-1).tolist()))


ns = dpm.NoiseScheduleVP('linear', continuous_beta_0=0.1, continuous_beta_1=20.)
fn = dpm.model_wrapper(eps_model(ns), ns, model_type="noise")
for alg, order, skip, steps in [("dpmsolver++", 3, "time_quadratic", 5), ("dpmsolver++", 3, "time_uniform", 7),
                                ("dpmsolver", 2, "time_quadratic", 6), ("dpmsolver", 3, "logSNR", 8)]:
    solver = dpm.DPM_Solver(fn, ns, algorithm_type=alg)
    outer, orders = solver.get_orders_and_timesteps_for_singlestep_solver(steps, order, skip, 1.0, 1e-3, "cpu")
    show("outer %s %d %s %d" % (alg, order, skip, steps), outer)
    for i, o in enumerate(orders):
        inner = solver.get_time_steps(skip, outer[i].item(), outer[i + 1].item(), o, "cpu")
        show("  inner step %d order %d" % (i, o), inner)
    x = solver.sample(X_T.clone(), steps=steps, t_start=1.0, t_end=1e-3, order=order, skip_type=skip,
                      method="singlestep")
    show("singlestep %s order %d %s nfe %d" % (alg, order, skip, steps), x)

for steps in (9, 12):
    solver = dpm.DPM_Solver(fn, ns, algorithm_type="dpmsolver++")
    x = solver.sample(X_T.clone(), steps=steps, t_start=1.0, t_end=1e-3, order=2, skip_type="logSNR",
                      method="multistep", lower_order_final=True)
    show("multistep dpmsolver++ order 2 logSNR steps %d lower_order_final" % steps, x)

uns = uni.NoiseScheduleVP('linear', continuous_beta_0=0.1, continuous_beta_1=20.)
flat = eps_model(uns)
# uni_pc.py assumes image batches (einsum over b, c, h, w): run the 2-D points as (n, 2, 1, 1).
ufn = uni.model_wrapper(lambda x, t: flat(x.reshape(x.shape[0], -1), t).reshape(x.shape), uns, model_type="noise")
for steps in (12, 16):
    u = uni.UniPC(ufn, uns, algorithm_type="data_prediction", variant="bh2")
    x = u.sample(X_T.clone().reshape(4, 2, 1, 1), steps=steps, t_start=1.0, t_end=1e-3, order=3, skip_type="time_uniform",
                 method="multistep", lower_order_final=True)
    show("unipc bh2 order 3 time_uniform steps %d lower_order_final" % steps, x)
