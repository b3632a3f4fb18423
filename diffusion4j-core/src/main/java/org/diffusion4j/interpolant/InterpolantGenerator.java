package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
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
 * <p>Schemes ({@link Scheme}): Euler-Maruyama, and stochastic Heun (predictor-corrector on the drift
 * with the same Gaussian increment; Heun's second-order ODE method when eps = 0); the midpoint
 * rule and classical RK4 for the ODE. {@link FlowSampling} runs the same loop with an NFE budget
 * and counted evaluations. The increment of row i
 * comes from its own stream {@code Rng.of(seed).stream(i)}, consumed in step order, so the
 * result is bitwise identical at any thread count.
 */
public final class InterpolantGenerator {
  /**
   * Time-stepping scheme: an explicit Runge-Kutta tableau (c, A, b) on the drift (Hairer, Norsett
   * &amp; Wanner, "Solving ODEs I", Sec. II.1). EULER and HEUN also integrate the SDEs: the
   * Gaussian increment is added to the final update and, for HEUN, to its predictor stage.
   */
  public enum Scheme {
    /** Euler(-Maruyama): 1 evaluation per step, order 1 (ODE) / strong 1/2 (SDE). */
    EULER("euler", 1, true, new double[] {0}, new double[][] {{}}, new double[] {1}),
    /**
     * Heun / stochastic Heun (trapezoidal predictor-corrector): 2 evaluations per step, order 2 on
     * the ODE. No evaluation is saved on the last step: EDM's Heun sampler (Karras et al. 2022,
     * Alg. 1, "if t_{i+1} != 0") skips the correction only where the diffusion ODE ends at
     * sigma = 0, and a flow's velocity is regular at both ends.
     */
    HEUN("heun", 2, true, new double[] {0, 1}, new double[][] {{}, {1}}, new double[] {0.5, 0.5}),
    /** Explicit midpoint rule (Hairer et al., Eq. II.1.3): 2 evaluations per step, order 2, ODE only. */
    MIDPOINT("midpoint", 2, false, new double[] {0, 0.5}, new double[][] {{}, {0.5}}, new double[] {0, 1}),
    /** Classical Runge-Kutta (Hairer et al., Table II.1.2, left): 4 evaluations per step, order 4, ODE only. */
    RK4("rk4", 4, false, new double[] {0, 0.5, 0.5, 1}, new double[][] {{}, {0.5}, {0, 0.5}, {0, 0, 1}},
        new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6});

    private final String cliName;
    private final int order;
    private final boolean stochastic;
    private final double[] c;
    private final double[][] a;
    private final double[] b;

    Scheme(String cliName, int order, boolean stochastic, double[] c, double[][] a, double[] b) {
      this.cliName = cliName;
      this.order = order;
      this.stochastic = stochastic;
      this.c = c;
      this.a = a;
      this.b = b;
    }

    /** The lower-case name, e.g. {@code rk4}. */
    public String cliName() {
      return cliName;
    }

    /** Global order of accuracy on the ODE (eps = 0). */
    public int order() {
      return order;
    }

    /** Evaluations of the velocity field per step (and of the score, where eps &gt; 0). */
    public int evaluationsPerStep() {
      return c.length;
    }

    /** Whether the scheme also integrates the SDEs (eps &gt; 0): Euler-Maruyama and stochastic Heun. */
    public boolean stochastic() {
      return stochastic;
    }

    /** Parses {@link #cliName()} (case-insensitive). */
    public static Scheme byName(String name) {
      for (Scheme s : values()) {
        if (s.cliName.equalsIgnoreCase(name == null ? "" : name.trim())) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown flow solver '" + name + "'; known: euler, heun, midpoint, rk4");
    }
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
   * @param score the score s(x, t); may be null only if eps is identically 0
   * @throws IllegalStateException if a field returns a non-finite value, naming the step and time
   */
  public static Batch sde(VectorField b, VectorField score, DoubleUnaryOperator eps, Batch x, double t0,
      double t1, int steps, Scheme scheme, long seed) {
    Interpolant.checkTime(t0);
    Interpolant.checkTime(t1);
    return integrate(b, score, eps, x, t0, t1, steps, scheme, seed);
  }

  /**
   * The one stepping loop behind {@link #sde} and {@link FlowSampling}: {@code steps} equal steps
   * from t0 to t1 (any finite times, t0 != t1), landing exactly on t1.
   */
  static Batch integrate(VectorField b, VectorField score, DoubleUnaryOperator eps, Batch x, double t0,
      double t1, int steps, Scheme scheme, long seed) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (!Double.isFinite(t0) || !Double.isFinite(t1) || t0 == t1) {
      throw new IllegalArgumentException("the time range must be finite and non-empty, got " + t0 + " -> " + t1);
    }
    double dt = (t1 - t0) / steps;
    double sign = Math.signum(dt);
    int n = x.n();
    int d = x.d();
    int stages = scheme.c.length;
    Batch cur = x.copy();
    Batch[] k = new Batch[stages];
    for (int j = 0; j < stages; j++) {
      k[j] = cur.zerosLike();
    }
    Batch s = cur.zerosLike();
    Batch noise = cur.zerosLike();
    Batch stage = stages > 1 ? cur.zerosLike() : null;
    Rng root = Rng.of(seed);
    Rng[] streams = new Rng[n];
    for (int i = 0; i < n; i++) {
      streams[i] = root.stream(i);
    }
    for (int step = 0; step < steps; step++) {
      double t = t0 + step * dt;
      double tNext = step == steps - 1 ? t1 : t0 + (step + 1) * dt;
      double h = tNext - t;
      double e0 = checkEps(eps, t);
      // Noise amplitude sqrt(2 int eps dt): left point for Euler, trapezoid for Heun.
      double e1 = scheme == Scheme.HEUN ? checkEps(eps, tNext) : e0;
      double amp = Math.sqrt((scheme == Scheme.HEUN ? e0 + e1 : 2 * e0) * Math.abs(h));
      boolean noisy = amp > 0;
      if (noisy) {
        if (!scheme.stochastic) {
          throw odeOnly(scheme, t, e0);
        }
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
      driftInto(b, score, sign * e0, cur, t, k[0], s, step);
      for (int j = 1; j < stages; j++) {
        stage.setFrom(cur);
        double[] row = scheme.a[j];
        for (int m = 0; m < row.length; m++) {
          if (row[m] != 0) {
            stage.addScaled(h * row[m], k[m]);
          }
        }
        // The stochastic Heun predictor carries the step's increment (an end-point stage, c = 1).
        if (noisy && scheme.c[j] == 1) {
          stage.addScaled(1, noise);
        }
        double ts = scheme.c[j] == 1 ? tNext : t + scheme.c[j] * h;
        double ej = checkEps(eps, ts);
        if (ej > 0 && !scheme.stochastic) {
          throw odeOnly(scheme, ts, ej);
        }
        driftInto(b, score, sign * ej, stage, ts, k[j], s, step);
      }
      for (int j = 0; j < stages; j++) {
        if (scheme.b[j] != 0) {
          cur.addScaled(h * scheme.b[j], k[j]);
        }
      }
      if (noisy) {
        cur.addScaled(1, noise);
      }
      if (cur.firstNonFinite() >= 0) {
        throw new IllegalStateException("state became non-finite at step " + step + " (t=" + t + " -> " + tNext + ")");
      }
    }
    return cur;
  }

  /** out = b(x, t) + c s(x, t). */
  private static void driftInto(VectorField b, VectorField score, double c, Batch x, double t, Batch out,
      Batch scratch, int step) {
    b.evaluate(x, t, out);
    if (c != 0) {
      score.evaluate(x, t, scratch);
      out.addScaled(c, scratch);
    }
    if (out.firstNonFinite() >= 0) {
      throw new IllegalStateException("drift returned a non-finite value at step " + step + ", t=" + t);
    }
  }

  private static IllegalArgumentException odeOnly(Scheme scheme, double t, double e) {
    return new IllegalArgumentException(scheme.cliName + " integrates the ODE only, but eps(" + t + ") = " + e
        + " > 0; use euler or heun for the SDE");
  }

  private static double checkEps(DoubleUnaryOperator eps, double t) {
    double e = eps.applyAsDouble(t);
    if (!(e >= 0) || !Double.isFinite(e)) {
      throw new IllegalArgumentException("eps(" + t + ") = " + e + " must be finite and >= 0");
    }
    return e;
  }
}
