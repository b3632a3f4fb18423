package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.random.Rng;

/**
 * GDSS's reverse-time solvers for the coupled system (official code harryjo97/GDSS, solver.py):
 *
 * <ul>
 *   <li>{@code pc}: GDSS's {@code get_pc_sampler}. At each of the N times t_i = linspace(1, eps, N):
 *       the corrector (Langevin: x += e s + sqrt(2 e) scale_eps z with
 *       e = 2 alpha (snr |z| / |s|)^2, norms averaged over the batch, alpha the DDPM alpha_k for
 *       VP, 1 for VE; or none), then the predictor (Euler-Maruyama of the reverse SDE with
 *       dt = -1/N, or the reverse-diffusion discretisation x - (f - G^2 s) + G z), X and A each
 *       updated from the same (X, A) state;</li>
 *   <li>{@code s4}: GDSS's {@code S4_solver} (Sec. 3.4, "symmetric splitting"): the scores at
 *       (X, A), one Langevin correction with them, then the linear part's exact transition for a
 *       half step, the score drift -g^2 s dt for the whole step (with the scores of the
 *       uncorrected state, as GDSS), and the transition for the second half step.</li>
 * </ul>
 * The result is the last mean (GDSS's {@code noise_removal}). Noise is drawn from the seeded
 * {@link Rng} (stream (step, kind)), masked by the node flags; the adjacency noise is symmetric
 * with zero diagonal ({@code gen_noise(sym=True)}), as are the initial samples (GDSS draws both
 * priors with unit variance, also for VE; so does this code).
 */
public final class GdssSampler {
  private GdssSampler() {}

  /** Final X (n, N, F) and A (n, N, N) as flat row-major arrays, and the number of score evaluations. */
  public record Result(float[] x, float[] adj, int scoreEvaluations) {}

  /** Solver settings. */
  public record Settings(GdssConfig.Predictor predictor, GdssConfig.Corrector corrector, double snr, double scaleEps,
      double eps, int steps) {
    public Settings {
      if (steps < 2 || !(eps > 0 && eps < 1) || snr < 0 || scaleEps < 0) {
        throw new IllegalArgumentException("GDSS sampler needs steps >= 2, eps in (0, 1), snr and scale-eps >= 0;"
            + " got steps=" + steps + ", eps=" + eps + ", snr=" + snr + ", scale-eps=" + scaleEps);
      }
    }

    /** The settings of a run's config, with N = the adjacency SDE's num_scales. */
    public static Settings of(GdssConfig c) {
      return new Settings(c.predictor(), c.corrector(), c.snr(), c.scaleEps(), c.sampleEps(), c.sdeAdj().scales());
    }
  }

  /**
   * Runs the solver for graphs whose node flags are {@code flags} (n x N, 1 = node present).
   *
   * @param features F, the node-feature width
   */
  public static Result sample(NDManager manager, GdssSde sdeX, GdssSde sdeAdj, GraphScore score, Settings s,
      float[] flags, int n, int nodes, int features, long seed) {
    if (flags.length != n * nodes) {
      throw new IllegalArgumentException("flags must have n * N = " + (n * nodes) + " entries, got " + flags.length);
    }
    Rng root = Rng.of(seed);
    try (NDManager m = manager.newSubManager()) {
      NDArray f = m.create(flags, new Shape(n, nodes));
      Noise noise = new Noise(m, flags, n, nodes, features);
      NDArray x = noise.nodes(root.stream(0, 0));
      NDArray adj = noise.symmetric(root.stream(0, 1));
      NDArray xMean = x;
      NDArray adjMean = adj;
      int evaluations = 0;
      int steps = s.steps();
      double dt = -1.0 / steps;
      for (int i = 0; i < steps; i++) {
        double t = 1 + (s.eps() - 1) * i / (steps - 1);
        Rng r = root.stream(i + 1);
        try (NDManager step = m.newSubManager()) {
          // Every op's result belongs to its receiver's manager: move the state in, so that all of
          // this step's temporaries (and the old state) are freed with it.
          for (NDArray a : new NDArray[] {x, adj, xMean, adjMean}) {
            a.attach(step);
          }
          noise.manager = step;
          NDArray[] sc = score.scores(x, adj, f, t);
          evaluations++;
          if (s.predictor() == GdssConfig.Predictor.S4) {
            NDArray driftX = sc[0].mul(-sq(sdeX.diffusion(t)));
            NDArray driftA = sc[1].mul(-sq(sdeAdj.diffusion(t)));
            int k = sdeX.timestep(t);
            x = langevin(x, sc[0], noise.nodes(r.stream(0)), s, alpha(sdeX, k));
            adj = langevin(adj, sc[1], noise.symmetric(r.stream(1)), s, alpha(sdeAdj, k));
            x = x.mul(sdeX.transitionMean(t, dt / 2)).add(noise.nodes(r.stream(2)).mul(sdeX.transitionStd(t, dt / 2)));
            adj = adj.mul(sdeAdj.transitionMean(t, dt / 2))
                .add(noise.symmetric(r.stream(3)).mul(sdeAdj.transitionStd(t, dt / 2)));
            x = x.add(driftX.mul(dt));
            adj = adj.add(driftA.mul(dt));
            xMean = x.mul(sdeX.transitionMean(t + dt / 2, dt / 2));
            adjMean = adj.mul(sdeAdj.transitionMean(t + dt / 2, dt / 2));
            x = xMean.add(noise.nodes(r.stream(4)).mul(sdeX.transitionStd(t + dt / 2, dt / 2)));
            adj = adjMean.add(noise.symmetric(r.stream(5)).mul(sdeAdj.transitionStd(t + dt / 2, dt / 2)));
          } else {
            if (s.corrector() == GdssConfig.Corrector.LANGEVIN) {
              NDArray cx = langevin(x, sc[0], noise.nodes(r.stream(0)), s, sdeX.langevinAlpha(t));
              adj = langevin(adj, sc[1], noise.symmetric(r.stream(1)), s, sdeAdj.langevinAlpha(t));
              x = cx;
              sc = score.scores(x, adj, f, t);
              evaluations++;
            }
            NDArray[] nx = predict(sdeX, x, sc[0], t, dt, noise.nodes(r.stream(2)), s.predictor());
            NDArray[] na = predict(sdeAdj, adj, sc[1], t, dt, noise.symmetric(r.stream(3)), s.predictor());
            x = nx[0];
            xMean = nx[1];
            adj = na[0];
            adjMean = na[1];
          }
          for (NDArray a : new NDArray[] {x, adj, xMean, adjMean}) {
            a.attach(m);
          }
        }
      }
      return new Result(xMean.toFloatArray(), adjMean.toFloatArray(), evaluations);
    }
  }

  private static double alpha(GdssSde sde, int k) {
    return sde.langevinAlphaAtStep(k);
  }

  private static double sq(double v) {
    return v * v;
  }

  /** {sample, mean} of one predictor step. */
  private static NDArray[] predict(GdssSde sde, NDArray x, NDArray score, double t, double dt, NDArray z,
      GdssConfig.Predictor p) {
    if (p == GdssConfig.Predictor.EULER) {
      double g = sde.diffusion(t);
      NDArray drift = x.mul(sde.driftCoefficient(t)).sub(score.mul(g * g));
      NDArray mean = x.add(drift.mul(dt));
      return new NDArray[] {mean.add(z.mul(g * Math.sqrt(-dt))), mean};
    }
    double[] aG = sde.discretize(t);
    NDArray revF = x.mul(aG[0]).sub(score.mul(aG[1] * aG[1]));
    NDArray mean = x.sub(revF);
    return new NDArray[] {mean.add(z.mul(aG[1])), mean};
  }

  /** One Langevin step of solver.py's LangevinCorrector (and S4's correction). */
  private static NDArray langevin(NDArray x, NDArray score, NDArray z, Settings s, double alpha) {
    if (s.snr() == 0) {
      return x.add(z.mul(0)); // step size 0: GDSS's update leaves x unchanged
    }
    long n = x.getShape().get(0);
    double gradNorm = score.reshape(n, -1).norm(new int[] {1}).mean().getFloat();
    double noiseNorm = z.reshape(n, -1).norm(new int[] {1}).mean().getFloat();
    double step = sq(s.snr() * noiseNorm / gradNorm) * 2 * alpha;
    return x.add(score.mul(step)).add(z.mul(Math.sqrt(2 * step) * s.scaleEps()));
  }

  /** Masked Gaussian noise from a seeded stream. */
  static final class Noise {
    NDManager manager;
    private final float[] flags;
    private final int n;
    private final int nodes;
    private final int features;

    Noise(NDManager m, float[] flags, int n, int nodes, int features) {
      this.manager = m;
      this.flags = flags;
      this.n = n;
      this.nodes = nodes;
      this.features = features;
    }

    NDArray nodes(Rng rng) {
      float[] a = new float[n * nodes * features];
      for (int b = 0; b < n; b++) {
        for (int u = 0; u < nodes; u++) {
          boolean on = flags[b * nodes + u] != 0;
          for (int k = 0; k < features; k++) {
            double z = rng.nextGaussian();
            a[(b * nodes + u) * features + k] = on ? (float) z : 0f;
          }
        }
      }
      return manager.create(a, new Shape(n, nodes, features));
    }

    NDArray symmetric(Rng rng) {
      float[] a = new float[n * nodes * nodes];
      for (int b = 0; b < n; b++) {
        int o = b * nodes * nodes;
        for (int u = 0; u < nodes; u++) {
          for (int v = u + 1; v < nodes; v++) {
            double z = rng.nextGaussian();
            if (flags[b * nodes + u] != 0 && flags[b * nodes + v] != 0) {
              a[o + u * nodes + v] = (float) z;
              a[o + v * nodes + u] = (float) z;
            }
          }
        }
      }
      return manager.create(a, new Shape(n, nodes, nodes));
    }
  }
}
