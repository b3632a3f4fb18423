package org.diffusion4j.interpolant;

import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Generative dynamics of a stochastic interpolant on a fixed uniform time grid (Albergo, Boffi
 * &amp; Vanden-Eijnden 2023):
 * <ul>
 *   <li>the probability-flow ODE dX = b(t, X) dt (transport equation, Eq. 2.9 and Cor. 2.10),</li>
 *   <li>the forward SDE dX = [b + eps(t) s](t, X) dt + sqrt(2 eps(t)) dW, integrated from t0 to
 *       t1 &gt; t0 (forward Fokker-Planck equation, Eq. 2.20 / Cor. 2.11),</li>
 *   <li>the backward SDE dX = [b - eps(t) s](t, X) dt + sqrt(2 eps(t)) dW^B, integrated from t0
 *       down to t1 &lt; t0 (backward Fokker-Planck equation, Eq. 2.21 / Cor. 2.11).</li>
 * </ul>
 * With dt signed (negative going backward) both SDEs read X += dt [b + sign(dt) eps s] +
 * sqrt(2 eps |dt|) xi, so one loop serves both. eps = 0 draws no noise and is the ODE step.
 *
 * <p>Schemes: Euler-Maruyama, and stochastic Heun (predictor-corrector on the drift with the
 * same Gaussian increment; Heun's second-order ODE method when eps = 0). The increment of row i
 * comes from its own stream {@code Rng.of(seed).stream(i)}, consumed in step order, so the
 * result is bitwise identical at any thread count.
 */
public final class InterpolantGenerator {
  /** Time-stepping scheme. */
  public enum Scheme {
    /** Euler(-Maruyama), order 1 (ODE) / strong 1/2. */
    EULER,
    /** Heun / stochastic Heun, order 2 on the ODE. */
    HEUN
  }

  private InterpolantGenerator() {}

  /** Integrates the probability-flow ODE dX = b dt from t0 to t1 (either direction); returns a new batch. */
  public static Batch ode(VectorField b, Batch x, double t0, double t1, int steps, Scheme scheme) {
    return sde(b, null, t -> 0, x, t0, t1, steps, scheme, 0L);
  }

  /**
   * Integrates the forward (t1 &gt; t0) or backward (t1 &lt; t0) SDE with diffusion eps(t) &gt;= 0
   * and drift b + sign(t1 - t0) eps s; returns a new batch, {@code x} is not modified.
   *
   * @param score the score s(t, x); may be null only if eps is identically 0
   * @throws IllegalStateException if a field returns a non-finite value, naming the step and time
   */
  public static Batch sde(VectorField b, VectorField score, DoubleUnaryOperator eps, Batch x, double t0,
      double t1, int steps, Scheme scheme, long seed) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    Interpolant.checkTime(t0);
    Interpolant.checkTime(t1);
    if (t0 == t1) {
      throw new IllegalArgumentException("t0 and t1 must differ, both are " + t0);
    }
    double dt = (t1 - t0) / steps;
    double sign = Math.signum(dt);
    int n = x.n();
    int d = x.d();
    Batch cur = x.copy();
    Batch drift = cur.zerosLike();
    Batch s = cur.zerosLike();
    Batch noise = cur.zerosLike();
    Batch pred = scheme == Scheme.HEUN ? cur.zerosLike() : null;
    Batch drift2 = scheme == Scheme.HEUN ? cur.zerosLike() : null;
    Rng root = Rng.of(seed);
    Rng[] streams = new Rng[n];
    for (int i = 0; i < n; i++) {
      streams[i] = root.stream(i);
    }
    for (int k = 0; k < steps; k++) {
      double t = t0 + k * dt;
      double tNext = k == steps - 1 ? t1 : t0 + (k + 1) * dt;
      double h = tNext - t;
      double e0 = checkEps(eps, t);
      driftInto(b, score, sign * e0, t, cur, drift, s, k);
      // Noise amplitude sqrt(2 int eps dt): left point for Euler, trapezoid for Heun.
      double e1 = scheme == Scheme.HEUN ? checkEps(eps, tNext) : e0;
      double amp = Math.sqrt((scheme == Scheme.HEUN ? e0 + e1 : 2 * e0) * Math.abs(h));
      boolean noisy = amp > 0;
      if (noisy) {
        if (score == null) {
          throw new IllegalArgumentException("eps(t) > 0 needs a score field");
        }
        double[] nz = noise.data();
        Parallel.forRows(n, (from, to) -> {
          for (int i = from; i < to; i++) {
            streams[i].fillGaussian(nz, i * d, d);
          }
        });
        noise.scale(amp);
      }
      if (scheme == Scheme.EULER) {
        cur.addScaled(h, drift);
      } else {
        pred.setFrom(cur).addScaled(h, drift);
        if (noisy) {
          pred.addScaled(1, noise);
        }
        driftInto(b, score, sign * e1, tNext, pred, drift2, s, k);
        cur.addScaled(0.5 * h, drift).addScaled(0.5 * h, drift2);
      }
      if (noisy) {
        cur.addScaled(1, noise);
      }
      if (cur.firstNonFinite() >= 0) {
        throw new IllegalStateException("state became non-finite at step " + k + " (t=" + t + " -> " + tNext + ")");
      }
    }
    return cur;
  }

  /** out = b(t, x) + c s(t, x). */
  private static void driftInto(VectorField b, VectorField score, double c, double t, Batch x, Batch out,
      Batch scratch, int step) {
    b.evaluate(t, x, out);
    if (c != 0) {
      score.evaluate(t, x, scratch);
      out.addScaled(c, scratch);
    }
    if (out.firstNonFinite() >= 0) {
      throw new IllegalStateException("drift returned a non-finite value at step " + step + ", t=" + t);
    }
  }

  private static double checkEps(DoubleUnaryOperator eps, double t) {
    double e = eps.applyAsDouble(t);
    if (!(e >= 0) || !Double.isFinite(e)) {
      throw new IllegalArgumentException("eps(" + t + ") = " + e + " must be finite and >= 0");
    }
    return e;
  }
}
