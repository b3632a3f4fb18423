package org.diffusion4j.nn.graph.pard;

import java.util.Arrays;
import org.diffusion4j.random.Rng;

/**
 * PARD's discrete-time categorical diffusion with a marginal prior (official code
 * LingxiaoShawn/Pard at commit f0f8d98, {@code pard/diffusion.py}, notation of USD3):
 * q(x_t | x_0) = abar_t delta(x_0) + (1 - abar_t) m, m the data marginal of the classes
 * (the official {@code uniform_noise False}), t = 0..T integer steps. Schedule: cosine,
 * abar_t = h(t) / h(0), h(t) = cos((t/T + a) / (1 + a) pi/2), a = 0.008, clipped to
 * [1e-10, 1 - 1e-10] ({@code noise_schedule}). One step t-1 -&gt; t keeps x with probability
 * abar_t / abar_{t-1} and otherwise redraws it from m.
 *
 * <p>The reverse step p(x_s | x_t) = sum_i p_theta(x_0 = i | x_t) q(x_s | x_t, x_0 = i) with the
 * posterior q(x_s | x_t, x_0) from Bayes' rule (equal to the official closed form
 * {@code qs_t0_prob}); at s = 0 the step samples x_0 from p_theta directly
 * ({@code sample_step}). Pure Java: it is evaluated per target entry, C is tiny (2 edge classes).
 */
public final class PardDiffusion {
  /** The cosine schedule's offset a ({@code noise_schedule}, default 0.008). */
  public static final double COSINE_OFFSET = 0.008;

  /** Clip of abar_t ({@code min_alphabar}). */
  public static final double MIN_ALPHABAR = 1e-10;

  private final int steps;
  private final double[] marginal;
  private final double[] alphaBar;

  /**
   * @param steps T &gt;= 1
   * @param marginal the prior m over the C &gt;= 2 classes (non-negative, sums to 1)
   * @throws IllegalArgumentException for T &lt; 1 or a marginal that is not a distribution
   */
  public PardDiffusion(int steps, double[] marginal) {
    if (steps < 1) {
      throw new IllegalArgumentException("diffusion steps must be >= 1, got " + steps);
    }
    if (marginal == null || marginal.length < 2) {
      throw new IllegalArgumentException("the marginal needs >= 2 classes, got "
          + (marginal == null ? "none" : marginal.length));
    }
    double s = 0;
    for (double p : marginal) {
      if (!(p >= 0) || !Double.isFinite(p)) {
        throw new IllegalArgumentException("marginal probabilities must be finite and >= 0, got "
            + Arrays.toString(marginal));
      }
      s += p;
    }
    if (Math.abs(s - 1) > 1e-6) {
      throw new IllegalArgumentException("marginal must sum to 1, got " + s + " for " + Arrays.toString(marginal));
    }
    this.steps = steps;
    this.marginal = marginal.clone();
    this.alphaBar = new double[steps + 1];
    double h0 = h(0);
    for (int t = 0; t <= steps; t++) {
      alphaBar[t] = Math.min(Math.max(h((double) t / steps) / h0, MIN_ALPHABAR), 1 - MIN_ALPHABAR);
    }
  }

  private static double h(double u) {
    return Math.cos((u + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI * 0.5);
  }

  public int steps() {
    return steps;
  }

  public int classes() {
    return marginal.length;
  }

  public double[] marginal() {
    return marginal.clone();
  }

  /** abar_t for t in [0, T]. */
  public double alphaBar(int t) {
    checkStep(t, "t");
    return alphaBar[t];
  }

  /** q(x_t | x_0): the closed-form marginal ({@code qt_0_prob}). */
  public double[] marginalAt(int x0, int t) {
    checkClass(x0);
    double a = alphaBar(t);
    double[] p = new double[marginal.length];
    for (int k = 0; k < p.length; k++) {
      p[k] = (1 - a) * marginal[k] + (k == x0 ? a : 0);
    }
    return p;
  }

  /** q(x_t | x_s) for s &lt;= t: keep with abar_t / abar_s, else redraw from m. */
  public double[] transition(int xs, int s, int t) {
    checkClass(xs);
    if (s > t) {
      throw new IllegalArgumentException("transition needs s <= t, got s=" + s + ", t=" + t);
    }
    double a = alphaBar(t) / alphaBar(s);
    double[] p = new double[marginal.length];
    for (int k = 0; k < p.length; k++) {
      p[k] = (1 - a) * marginal[k] + (k == xs ? a : 0);
    }
    return p;
  }

  /** One draw of x_t ~ q(x_t | x_0) ({@code qt_0_sample}: keep with abar_t, else draw from m). */
  public int sampleForward(int x0, int t, Rng rng) {
    checkClass(x0);
    return rng.nextDouble() < alphaBar(t) ? x0 : draw(marginal, rng);
  }

  /**
   * The posterior q(x_s | x_t, x_0) for 0 &lt;= s &lt; t, by Bayes:
   * q(x_s = k | x_0) q(x_t | x_s = k) / q(x_t | x_0).
   */
  public double[] posterior(int xt, int x0, int s, int t) {
    checkClass(xt);
    checkClass(x0);
    if (!(s < t)) {
      throw new IllegalArgumentException("posterior needs s < t, got s=" + s + ", t=" + t);
    }
    double[] prior = marginalAt(x0, s);
    double[] out = new double[marginal.length];
    double z = 0;
    for (int k = 0; k < out.length; k++) {
      out[k] = prior[k] * transition(k, s, t)[xt];
      z += out[k];
    }
    for (int k = 0; k < out.length; k++) {
      out[k] /= z;
    }
    return out;
  }

  /**
   * All posteriors at once: row i is q(x_s | x_t, x_0 = i), flattened (C * C, row-major), the
   * matrix the training loss and the reverse step contract with p_theta(x_0 | x_t).
   */
  public double[] posteriorMatrix(int xt, int s, int t) {
    int c = marginal.length;
    double[] m = new double[c * c];
    for (int i = 0; i < c; i++) {
      System.arraycopy(posterior(xt, i, s, t), 0, m, i * c, c);
    }
    return m;
  }

  /**
   * p(x_s | x_t) = sum_i x0Probabilities[i] q(x_s | x_t, x_0 = i) for s &gt;= 1; for s = 0 the
   * model's x_0 distribution itself ({@code sample_step}).
   */
  public double[] reverse(double[] x0Probabilities, int xt, int s, int t) {
    if (x0Probabilities.length != marginal.length) {
      throw new IllegalArgumentException("x0 distribution has " + x0Probabilities.length + " classes, expected "
          + marginal.length);
    }
    if (s == 0) {
      return x0Probabilities.clone();
    }
    int c = marginal.length;
    double[] out = new double[c];
    for (int i = 0; i < c; i++) {
      if (x0Probabilities[i] == 0) {
        continue;
      }
      double[] post = posterior(xt, i, s, t);
      for (int k = 0; k < c; k++) {
        out[k] += x0Probabilities[i] * post[k];
      }
    }
    return out;
  }

  /** KL(q(x_T | x_0) || m): the prior term of the bound ({@code _prior_at_T}). */
  public double priorKl(int x0) {
    double[] q = marginalAt(x0, steps);
    double kl = 0;
    for (int k = 0; k < q.length; k++) {
      if (q[k] > 0) {
        kl += q[k] * (Math.log(q[k]) - Math.log(Math.max(marginal[k], 1e-30)));
      }
    }
    return kl;
  }

  /** One draw from a categorical distribution (weights need not be normalised). */
  public static int draw(double[] p, Rng rng) {
    double total = 0;
    for (double v : p) {
      total += v;
    }
    double u = rng.nextDouble() * total;
    double acc = 0;
    for (int k = 0; k < p.length; k++) {
      acc += p[k];
      if (u < acc) {
        return k;
      }
    }
    for (int k = p.length - 1; k >= 0; k--) {
      if (p[k] > 0) {
        return k;
      }
    }
    return p.length - 1;
  }

  private void checkStep(int t, String name) {
    if (t < 0 || t > steps) {
      throw new IllegalArgumentException(name + " must be in [0, " + steps + "], got " + t);
    }
  }

  private void checkClass(int x) {
    if (x < 0 || x >= marginal.length) {
      throw new IllegalArgumentException("class must be in [0, " + marginal.length + "), got " + x);
    }
  }
}
