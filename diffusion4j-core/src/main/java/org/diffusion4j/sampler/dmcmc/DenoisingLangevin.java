package org.diffusion4j.sampler.dmcmc;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.mrs.MeanRevertingPath;
import org.diffusion4j.sampler.mrs.MrsSolver;

/**
 * Denoising MCMC (Kim &amp; Ye 2023, "Denoising MCMC for Accelerating Diffusion-Based Generative
 * Models", Sec. 3-4): Langevin MCMC in the product space of data x and diffusion time t with
 * target p(x, t) ~ p_t(x) pi(t), pi uniform on [tLo, tHi], followed by a short reverse-ODE solve
 * from each chain state (x, t) to the data end. Because the chain stays near the data manifold
 * at moderate noise levels, the solve needs far fewer steps than one started from pure noise.
 *
 * <p>The chain is unadjusted Langevin (Roberts &amp; Tweedie 1996) on both coordinates with
 * separate step sizes, t reflected at the ends of its range:
 * <pre>
 *   x' = x + stepX grad_x log p_t(x) + sqrt(2 stepX) z_x
 *   t' = reflect(t + stepT d/dt log p_t(x) + sqrt(2 stepT) z_t)
 * </pre>
 * Its stationary law differs from the target by O(step) (for a Gaussian of variance s^2 the
 * x-variance is s^2 / (1 - stepX / (4 s^2))). Chain i draws from {@code Rng.of(seed).stream(i)}
 * only, so results do not depend on the thread count.
 *
 * @param stepX Langevin step for x
 * @param stepT Langevin step for t
 * @param tLo lower end of the chain's time range (above the path's tMin)
 * @param tHi upper end of the chain's time range
 */
public record DenoisingLangevin(double stepX, double stepT, double tLo, double tHi) {
  public DenoisingLangevin {
    if (!(stepX > 0) || !(stepT >= 0) || !Double.isFinite(stepX) || !Double.isFinite(stepT)) {
      throw new IllegalArgumentException("Langevin steps must be finite, step-x > 0 and step-t >= 0, got "
          + stepX + ", " + stepT);
    }
    if (!(tLo < tHi)) {
      throw new IllegalArgumentException("time range needs t-lo < t-hi, got [" + tLo + ", " + tHi + "]");
    }
  }

  /** States of n chains: positions x (n x d) and times t (length n). */
  public record State(Batch x, double[] t) {
    public State {
      if (x.n() != t.length) {
        throw new IllegalArgumentException(x.n() + " positions but " + t.length + " times");
      }
    }

    public State copy() {
      return new State(x.copy(), t.clone());
    }
  }

  /**
   * n chains started at t = tHi from the path's prior N(0, priorStd(tHi)^2) scaled around
   * zero; row i from {@code Rng.of(seed).stream(i)}.
   */
  public State start(ProductSpaceTarget target, int n, long seed) {
    GaussianPath path = target.path();
    path.checkTime(tLo);
    path.checkTime(tHi);
    Batch x = new Batch(n, target.dim());
    double s = path.priorStd(tHi);
    Rng root = Rng.of(seed);
    for (int i = 0; i < n; i++) {
      root.stream(i).fillGaussian(x.data(), i * x.d(), x.d());
    }
    x.scale(s);
    double[] t = new double[n];
    java.util.Arrays.fill(t, tHi);
    return new State(x, t);
  }

  /**
   * Advances every chain of {@code state} in place by {@code steps} Langevin steps. Step k of
   * chain i draws from {@code Rng.of(seed).stream(i, k)}, so a run of a+b steps equals a run of
   * a steps followed by b steps with {@code firstStep} = a.
   */
  public void run(ProductSpaceTarget target, State state, int firstStep, int steps, long seed) {
    int d = target.dim();
    if (state.x().d() != d) {
      throw new IllegalArgumentException("state dimension " + state.x().d() + " != target dimension " + d);
    }
    double[] xs = state.x().data();
    double[] ts = state.t();
    Rng root = Rng.of(seed);
    double sx = Math.sqrt(2 * stepX);
    double st = Math.sqrt(2 * stepT);
    Parallel.forRows(state.x().n(), 1, (from, to) -> {
      double[] score = new double[d];
      double[] row = new double[d];
      for (int i = from; i < to; i++) {
        Rng chain = root.stream(i);
        int off = i * d;
        for (int k = 0; k < steps; k++) {
          Rng r = chain.stream(firstStep + k);
          System.arraycopy(xs, off, row, 0, d);
          double scoreT = target.scores(row, 0, ts[i], score);
          if (!Double.isFinite(scoreT)) {
            throw new IllegalStateException("time score is " + scoreT + " at chain " + i + ", step "
                + (firstStep + k) + ", t=" + ts[i]);
          }
          for (int j = 0; j < d; j++) {
            xs[off + j] += stepX * score[j] + sx * r.nextGaussian();
          }
          ts[i] = reflect(ts[i] + stepT * scoreT + st * r.nextGaussian());
        }
      }
    });
  }

  /** Reflects t into [tLo, tHi] (repeatedly, for a large jump). */
  double reflect(double t) {
    double w = tHi - tLo;
    double u = (t - tLo) % (2 * w);
    if (u < 0) {
      u += 2 * w;
    }
    return u <= w ? tLo + u : tLo + 2 * w - u;
  }

  /**
   * The denoising half of DMCMC: integrates the probability-flow ODE from each chain state
   * (x_i, t_i) to {@code tEnd} with {@code solveSteps} steps of second-order multistep
   * data-prediction exponential integrator (DPM-Solver++ in Taylor form; {@link MrsSolver} with
   * mu = 0) on a log-SNR grid, so each sample costs {@code solveSteps} model evaluations.
   */
  public static Batch denoise(Denoiser model, GaussianPath path, State state, double tEnd, int solveSteps) {
    int n = state.x().n();
    int d = state.x().d();
    Batch out = new Batch(n, d);
    MeanRevertingPath centred = MeanRevertingPath.of(path, new double[d]);
    MrsSolver solver = new MrsSolver(Prediction.X0, 2, false);
    for (int i = 0; i < n; i++) {
      Batch row = new Batch(1, d, state.x().row(i));
      double t = state.t()[i];
      Batch done = t <= tEnd ? row
          : solver.sample(model, centred, row, MrsSolver.logSnrTimes(path, t, tEnd, solveSteps), 0);
      System.arraycopy(done.data(), 0, out.data(), i * d, d);
    }
    return out;
  }
}
