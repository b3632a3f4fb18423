package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.likelihood.LogDensity;
import org.diffusion4j.random.Rng;

/**
 * Log-likelihood of data under the stochastic (SDE) model of an interpolant (Albergo, Boffi &amp;
 * Vanden-Eijnden 2023, "Stochastic Interpolants", which constructs likelihood and cross-entropy
 * estimators for these models; the formulas below are derived here): the model
 * dX = b_F(t, X) dt + sqrt(2 eps(t)) dW, b_F = b + eps s, X_0 ~ rho0, whose density solves the
 * forward Fokker-Planck equation
 * <pre>
 *   d_t rho = -div(b_F rho) + eps Lap rho = -b_F . grad rho - (div b_F) rho + eps Lap rho.
 * </pre>
 * In reversed time tau = 1 - t, w(tau, x) = rho(1 - tau, x) solves
 * d_tau w - b_F . grad w + eps Lap w - (div b_F) w = 0 with w(1) = rho0, so by Feynman-Kac
 * <pre>
 *   rho_hat(1, x) = E[ rho0(Y_1) exp(-int_0^1 div b_F(1 - tau, Y_tau) dtau) ],
 *   dY = -b_F(1 - tau, Y) dtau + sqrt(2 eps) dW,  Y_0 = x          ({@link Estimator#FEYNMAN_KAC}).
 * </pre>
 * Y is not the time reversal of the model: that has drift -b_F + 2 eps grad log rho_hat, i.e.
 * -(b - eps s) when the fields are exact. Drawing Y from the reversed backward SDE
 * dY = -(b - eps s) dtau + sqrt(2 eps) dW instead and correcting by Girsanov's theorem (drift change
 * u = 2 eps s, log dQ/dQ' = -int (u / sqrt(2 eps)) . dW - (1/2) int |u|^2 / (2 eps) dtau), then
 * writing the Ito integral in Stratonovich form (the correction eps int div s dtau cancels the
 * eps div s inside div b_F) gives ({@link Estimator#REWEIGHTED_BACKWARD}, the default)
 * <pre>
 *   log w = log rho0(Y_1) - int_0^1 (div b + eps |s|^2) dtau - int_0^1 sqrt(2 eps) s o dW.
 * </pre>
 * With the exact b and s the weight is the constant rho1(x) (e.g. rho_t = N(0, 1), b = 0: Ito's
 * formula for Y^2 makes log w = log rho0(x)); with learned fields its spread measures their
 * inconsistency. The Feynman-Kac weights instead spread even for exact fields: their Jensen gap is
 * KL(Q || P) = eps int E_Q |s|^2 dtau by Girsanov (the two drifts differ by 2 eps s).
 *
 * <p>For each data row, {@code paths} independent paths give
 * <ul>
 *   <li>{@code logMeanWeight}: log of the mean weight, the log of an unbiased estimate of
 *       rho_hat(1, x), consistent as paths grows (biased low by about var(w)/(2 M mean(w)^2));</li>
 *   <li>{@code lowerBound}: the mean log-weight, a lower bound on log rho_hat(1, x) by Jensen's
 *       inequality, whatever the number of paths.</li>
 * </ul>
 * eps = 0 makes Y deterministic and both numbers equal the exact ODE likelihood of
 * {@link InterpolantLikelihood}.
 *
 * <p>Discretisation: a fixed uniform grid of {@code steps} steps from tEnd down to tStart, the
 * log-weight integrated as an extra coordinate: Euler-Maruyama (weak order 1; the Stratonovich
 * integral by the trapezoid over the step, reusing the score at the new state) or stochastic Heun
 * (trapezoidal drift with one shared Gaussian increment, as {@link InterpolantGenerator}). Measured
 * in the tests: order 1 (Euler) and 2 (Heun) at eps = 0; weak order 1 for both at eps &gt; 0, where
 * the weight's stochastic integral is state-dependent noise (bias about 2 eps / steps nats on the
 * Gaussian test case). The increments of path p of global row r come
 * from {@code Rng.of(seed).stream(r, p)} and divergence probes are indexed by r * paths + p, so
 * results are bitwise identical at any thread count and any chunking. {@code tStart > 0} /
 * {@code tEnd < 1} restrict the model to [tStart, tEnd] (trained fields are singular at the ends),
 * with {@code rho0} then the density at tStart; the score is evaluated at every grid time where the
 * noise is on.
 *
 * <p>With learned fields the Jensen bound is fragile: a single path driven into a region where b and s
 * are inconsistent (or where an explicit step does not resolve stiff fields) can carry a huge negative
 * log-weight and dominate the mean (measured on 8 Gaussians: -80000 at 100 steps, about -6 at 1600).
 * The log mean weight is insensitive to such paths; report both, with the effective sample size.
 */
public final class SdeInterpolantLikelihood {
  /** Which path measure the paths are drawn from; both estimate the same rho_hat(1, x). */
  public enum Estimator {
    /**
     * Paths of the reversed backward SDE dY = -(b - eps s) dtau + sqrt(2 eps) dW with the Girsanov
     * weight: log w = log rho0(Y_1) - int (div b + eps |s|^2) dtau - int sqrt(2 eps) s o dW.
     * Constant weights (zero variance, no Jensen gap) when b and s are exact; needs no div s.
     */
    REWEIGHTED_BACKWARD,
    /**
     * Paths of dY = -b_F dtau + sqrt(2 eps) dW with the Feynman-Kac weight log w = log rho0(Y_1) -
     * int div b_F dtau; needs div s, and its variance grows like exp(eps int E|s|^2) even for
     * exact fields (the Jensen gap is about eps int E|s|^2 for small eps).
     */
    FEYNMAN_KAC
  }

  /** Placement of the time grid on [tStart, tEnd]. */
  public enum Grid {
    /** Equal steps. */
    UNIFORM,
    /**
     * t_k = tEnd - (tEnd - tStart) (k / N)^2: steps growing linearly from the data end, where the
     * fields of a concentrated rho1 are stiffest (the first-order bias there dominates).
     */
    QUADRATIC
  }

  private final DivergenceField velocity;
  private final VectorField score;
  private final DivergenceField scoreDivergence;
  private final Estimator estimator;
  private final DoubleUnaryOperator eps;
  private final LogDensity rho0;
  private final int steps;
  private final int paths;
  private final Scheme scheme;
  private final Grid grid;
  private final long seed;
  private final double tStart;
  private final double tEnd;
  private final int chunkRows;

  private SdeInterpolantLikelihood(Builder b) {
    if (b.velocity == null || b.rho0 == null || b.eps == null || b.scheme == null) {
      throw new IllegalArgumentException("SDE likelihood needs a velocity, a source density rho0, eps(t) and a scheme");
    }
    if (b.steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + b.steps);
    }
    if (b.paths < 1) {
      throw new IllegalArgumentException("paths must be >= 1, got " + b.paths);
    }
    Interpolant.checkTime(b.tStart);
    Interpolant.checkTime(b.tEnd);
    if (!(b.tStart < b.tEnd)) {
      throw new IllegalArgumentException("tStart = " + b.tStart + " must be below tEnd = " + b.tEnd);
    }
    if (b.chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be >= 1, got " + b.chunkRows);
    }
    if (b.estimator == null) {
      throw new IllegalArgumentException("estimator must not be null");
    }
    velocity = b.velocity;
    score = b.score;
    scoreDivergence = b.scoreDivergence;
    estimator = b.estimator;
    eps = b.eps;
    rho0 = b.rho0;
    steps = b.steps;
    paths = b.paths;
    scheme = b.scheme;
    if (b.grid == null) {
      throw new IllegalArgumentException("grid must not be null");
    }
    grid = b.grid;
    seed = b.seed;
    tStart = b.tStart;
    tEnd = b.tEnd;
    chunkRows = b.chunkRows;
  }

  /**
   * A builder for the model with velocity {@code velocity} (and its divergence) started from
   * {@code rho0}; defaults: eps = 0, 100 Heun steps, 64 paths, seed 0, t in [0, 1].
   */
  public static Builder builder(DivergenceField velocity, LogDensity rho0) {
    return new Builder(velocity, rho0);
  }

  /**
   * Per-row estimates. {@code lowerBound[i]} = mean over paths of the log-weights (Jensen lower bound
   * on log rho_hat(x_i)) with standard error {@code lowerBoundSe[i]}; {@code logMeanWeight[i]} = log
   * of the mean weight with its delta-method standard error {@code logMeanWeightSe[i]} = sd(w) /
   * (sqrt(M) mean(w)); {@code effectiveSampleSize[i]} = (sum w)^2 / sum w^2 out of {@code paths};
   * {@code logWeights} holds every path's log-weight, row i's at [i * paths, (i + 1) * paths).
   */
  public record Result(double[] lowerBound, double[] lowerBoundSe, double[] logMeanWeight, double[] logMeanWeightSe,
      double[] effectiveSampleSize, double[] logWeights, int paths, int steps, String scheme, Estimator estimator) {
    /** Mean of the per-row Jensen bounds (a bound on the cross-entropy's negative). */
    public double meanLowerBound() {
      return mean(lowerBound);
    }

    /** Mean of the per-row log mean weights. */
    public double meanLogMeanWeight() {
      return mean(logMeanWeight);
    }

    /** Standard error of {@link #meanLowerBound()} over the rows (data sampling only). */
    public double lowerBoundRowSe() {
      return rowSe(lowerBound);
    }

    /** Standard error of {@link #meanLogMeanWeight()} over the rows. */
    public double logMeanWeightRowSe() {
      return rowSe(logMeanWeight);
    }

    private static double mean(double[] a) {
      double s = 0;
      for (double v : a) {
        s += v;
      }
      return s / a.length;
    }

    private static double rowSe(double[] a) {
      int n = a.length;
      if (n < 2) {
        return 0;
      }
      double m = mean(a);
      double s = 0;
      for (double v : a) {
        s += (v - m) * (v - m);
      }
      return Math.sqrt(s / (n - 1) / n);
    }
  }

  /** Estimates for every row of {@code x} (the data at tEnd, normally t = 1). */
  public Result evaluate(Batch x) {
    return evaluate(x, 0);
  }

  /** As {@link #evaluate(Batch)}, row i having global index firstRow + i (it seeds the paths). */
  public Result evaluate(Batch x, long firstRow) {
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException("data row " + bad / x.d() + ", column " + bad % x.d() + " is "
          + x.data()[bad] + "; likelihoods need finite data");
    }
    int n = x.n();
    double[] lower = new double[n];
    double[] lowerSe = new double[n];
    double[] lmw = new double[n];
    double[] lmwSe = new double[n];
    double[] ess = new double[n];
    double[] all = new double[n * paths];
    for (int from = 0; from < n; from += chunkRows) {
      int m = Math.min(chunkRows, n - from);
      double[] logw = chunk(x, from, m, firstRow + from);
      System.arraycopy(logw, 0, all, from * paths, m * paths);
      for (int i = 0; i < m; i++) {
        summarise(logw, i * paths, from + i, lower, lowerSe, lmw, lmwSe, ess);
      }
    }
    return new Result(lower, lowerSe, lmw, lmwSe, ess, all, paths, steps, scheme.name().toLowerCase(java.util.Locale.ROOT),
        estimator);
  }

  /** Log-weights of the paths of rows [from, from + m), path-major within a row. */
  private double[] chunk(Batch x, int from, int m, long globalFirst) {
    int d = x.d();
    int states = m * paths;
    Batch y = new Batch(states, d);
    double[] ys = y.data();
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < paths; p++) {
        System.arraycopy(x.data(), (from + i) * d, ys, (i * paths + p) * d, d);
      }
    }
    long firstState = globalFirst * paths;
    Rng root = Rng.of(seed);
    Rng[] streams = new Rng[states];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < paths; p++) {
        streams[i * paths + p] = root.stream(globalFirst + i, p);
      }
    }
    Step a = new Step(states, d);
    Step b = new Step(states, d);
    double[] logw = new double[states];
    Batch noise = y.zerosLike();
    boolean heun = scheme == Scheme.HEUN;
    Batch pred = y.zerosLike();
    boolean haveScore = false;
    // Reversed time: t runs from tEnd down to tStart with signed step h < 0 (dtau = -h), so a drift
    // -g dtau of Y is + h g, and -int (...) dtau accumulates as + h (...).
    for (int k = 0; k < steps; k++) {
      double t = timeAt(k);
      double tNext = timeAt(k + 1);
      double h = tNext - t;
      double e0 = checkEps(t);
      double e1 = checkEps(tNext);
      double amp = Math.sqrt((heun ? e0 + e1 : 2 * e0) * Math.abs(h));
      boolean noisy = amp > 0;
      a.at(t, e0, y, firstState, k, haveScore, noisy);
      if (noisy) {
        double[] nz = noise.data();
        Parallel.forRows(states, (lo, hi) -> {
          for (int r = lo; r < hi; r++) {
            streams[r].fillGaussian(nz, r * d, d);
          }
        });
        noise.scale(amp);
      }
      if (!heun) {
        y.addScaled(h, a.drift);
        if (noisy) {
          y.addScaled(1, noise);
        }
        for (int r = 0; r < states; r++) {
          logw[r] += h * a.rate[r];
        }
        if (estimator == Estimator.REWEIGHTED_BACKWARD && noisy) {
          // Stratonovich trapezoid: s at the new state is also the next step's left-point score.
          b.scoreAt(tNext, y, k);
          stochasticWeight(logw, a.score, b.score, noise, d);
          a.swapScore(b);
          haveScore = true;
        } else {
          haveScore = false;
        }
      } else {
        pred.setFrom(y).addScaled(h, a.drift);
        if (noisy) {
          pred.addScaled(1, noise);
        }
        b.at(tNext, e1, pred, firstState, k, false, noisy);
        y.addScaled(0.5 * h, a.drift).addScaled(0.5 * h, b.drift);
        if (noisy) {
          y.addScaled(1, noise);
        }
        for (int r = 0; r < states; r++) {
          logw[r] += 0.5 * h * (a.rate[r] + b.rate[r]);
        }
        if (estimator == Estimator.REWEIGHTED_BACKWARD && noisy) {
          stochasticWeight(logw, a.score, b.score, noise, d);
        }
        haveScore = false;
      }
      if (y.firstNonFinite() >= 0) {
        throw new IllegalStateException("reversed SDE state became non-finite at step " + k + " (t=" + t + " -> " + tNext + ")");
      }
    }
    double[] lp = rho0.logDensity(y);
    for (int r = 0; r < states; r++) {
      logw[r] += lp[r];
      if (Double.isNaN(logw[r]) || logw[r] == Double.POSITIVE_INFINITY) {
        throw new IllegalStateException("log-weight of row " + (globalFirst + r / paths) + ", path " + r % paths + " is "
            + logw[r] + " (log rho0 " + lp[r] + ")");
      }
    }
    return logw;
  }

  /** Grid time k of steps (exactly tEnd at 0 and tStart at steps). */
  private double timeAt(int k) {
    if (k == steps) {
      return tStart;
    }
    double u = (double) k / steps;
    return tEnd - (tEnd - tStart) * (grid == Grid.UNIFORM ? u : u * u);
  }

  /** logw -= (1/2)(s0 + s1) . dN: the Stratonovich integral of sqrt(2 eps) s o dW along the increment dN. */
  private static void stochasticWeight(double[] logw, Batch s0, Batch s1, Batch noise, int d) {
    double[] a = s0.data();
    double[] b = s1.data();
    double[] nz = noise.data();
    for (int r = 0; r < logw.length; r++) {
      double q = 0;
      for (int j = r * d; j < (r + 1) * d; j++) {
        q += (a[j] + b[j]) * nz[j];
      }
      logw[r] -= 0.5 * q;
    }
  }

  /** Fields at one stage: drift of Y (up to the sign convention), score and the dtau-rate of -log w. */
  private final class Step {
    final Batch drift;
    Batch score;
    final double[] rate;
    final double[] divScore;

    Step(int states, int d) {
      drift = new Batch(states, d);
      score = new Batch(states, d);
      rate = new double[states];
      divScore = new double[states];
    }

    void swapScore(Step other) {
      Batch tmp = score;
      score = other.score;
      other.score = tmp;
    }

    void scoreAt(double t, Batch x, int step) {
      if (score == null) {
        throw new IllegalArgumentException("eps > 0 needs a score field");
      }
      SdeInterpolantLikelihood.this.score.evaluate(x, t, score);
      requireFinite(score, "score", t, step);
    }

    /**
     * Feynman-Kac: drift b + e s, rate div b + e div s. Reweighted backward: drift b - e s, rate
     * div b + e |s|^2 (the score is needed wherever the noise is on, for the stochastic weight).
     */
    void at(double t, double e, Batch x, long firstState, int step, boolean haveScore, boolean noisy) {
      velocity.evaluate(x, t, firstState, drift, rate);
      requireFinite(drift, "velocity", t, step);
      boolean needScore = e != 0 || (estimator == Estimator.REWEIGHTED_BACKWARD && noisy);
      if (!needScore) {
        return;
      }
      if (SdeInterpolantLikelihood.this.score == null) {
        throw new IllegalArgumentException("eps(" + t + ") > 0 needs a score field");
      }
      int d = x.d();
      if (estimator == Estimator.FEYNMAN_KAC) {
        if (scoreDivergence == null) {
          throw new IllegalArgumentException("the Feynman-Kac estimator needs the divergence of the score (scoreDivergence)");
        }
        scoreDivergence.evaluate(x, t, firstState, score, divScore);
        requireFinite(score, "score", t, step);
        drift.addScaled(e, score);
        for (int r = 0; r < rate.length; r++) {
          rate[r] += e * divScore[r];
        }
      } else {
        if (!haveScore) {
          scoreAt(t, x, step);
        }
        drift.addScaled(-e, score);
        double[] sv = score.data();
        for (int r = 0; r < rate.length; r++) {
          double q = 0;
          for (int j = r * d; j < (r + 1) * d; j++) {
            q += sv[j] * sv[j];
          }
          rate[r] += e * q;
        }
      }
      for (int r = 0; r < rate.length; r++) {
        if (!Double.isFinite(rate[r])) {
          throw new IllegalStateException("divergence term is " + rate[r] + " at step " + step + ", t=" + t + " (row " + r + ")");
        }
      }
    }
  }

  private static void requireFinite(Batch b, String what, double t, int step) {
    int bad = b.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalStateException(what + " is non-finite at step " + step + ", t=" + t + " (row " + bad / b.d() + ")");
    }
  }

  private double checkEps(double t) {
    double e = eps.applyAsDouble(t);
    if (!(e >= 0) || !Double.isFinite(e)) {
      throw new IllegalArgumentException("eps(" + t + ") = " + e + " must be finite and >= 0");
    }
    return e;
  }

  private void summarise(double[] logw, int off, int row, double[] lower, double[] lowerSe, double[] lmw,
      double[] lmwSe, double[] ess) {
    int mm = paths;
    double mean = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int p = 0; p < mm; p++) {
      mean += logw[off + p];
      max = Math.max(max, logw[off + p]);
    }
    mean /= mm;
    double ss = 0;
    for (int p = 0; p < mm; p++) {
      double e = logw[off + p] - mean;
      ss += e * e;
    }
    lower[row] = mean;
    lowerSe[row] = mm < 2 ? 0 : Math.sqrt(ss / (mm - 1) / mm);
    if (max == Double.NEGATIVE_INFINITY) {
      lmw[row] = Double.NEGATIVE_INFINITY;
      lmwSe[row] = Double.NaN;
      ess[row] = 0;
      return;
    }
    // Weights relative to the largest one: w_p / w_max in (0, 1].
    double s1 = 0;
    double s2 = 0;
    for (int p = 0; p < mm; p++) {
      double w = Math.exp(logw[off + p] - max);
      s1 += w;
      s2 += w * w;
    }
    double wMean = s1 / mm;
    lmw[row] = max + Math.log(wMean);
    double var = mm < 2 ? 0 : Math.max(0, (s2 - mm * wMean * wMean) / (mm - 1));
    lmwSe[row] = Math.sqrt(var / mm) / wMean;
    ess[row] = s1 * s1 / s2;
  }

  /** Options of an {@link SdeInterpolantLikelihood}. */
  public static final class Builder {
    private final DivergenceField velocity;
    private final LogDensity rho0;
    private VectorField score;
    private DivergenceField scoreDivergence;
    private Estimator estimator = Estimator.REWEIGHTED_BACKWARD;
    private DoubleUnaryOperator eps = t -> 0;
    private int steps = 100;
    private int paths = 64;
    private Scheme scheme = Scheme.HEUN;
    private Grid grid = Grid.UNIFORM;
    private long seed;
    private double tStart = 0;
    private double tEnd = 1;
    private int chunkRows;

    private Builder(DivergenceField velocity, LogDensity rho0) {
      this.velocity = velocity;
      this.rho0 = rho0;
    }

    /** The score s; needed wherever eps(t) &gt; 0. */
    public Builder score(VectorField score) {
      this.score = score;
      return this;
    }

    /** The score with its divergence (its values must be those of {@link #score}); only the Feynman-Kac estimator needs it. */
    public Builder scoreDivergence(DivergenceField scoreDivergence) {
      this.scoreDivergence = scoreDivergence;
      return this;
    }

    /** Default {@link Estimator#REWEIGHTED_BACKWARD}. */
    public Builder estimator(Estimator estimator) {
      this.estimator = estimator;
      return this;
    }

    /** Constant diffusion coefficient eps &gt;= 0. */
    public Builder eps(double eps) {
      return eps(t -> eps);
    }

    /** Time-dependent diffusion coefficient eps(t) &gt;= 0 (e.g. vanishing where the score is singular). */
    public Builder eps(DoubleUnaryOperator eps) {
      this.eps = eps;
      return this;
    }

    public Builder steps(int steps) {
      this.steps = steps;
      return this;
    }

    /** Paths per data row (M). */
    public Builder paths(int paths) {
      this.paths = paths;
      return this;
    }

    /** Euler-Maruyama or stochastic Heun (default); the ODE-only midpoint and rk4 are refused. */
    public Builder scheme(Scheme scheme) {
      if (scheme == null || !scheme.stochastic()) {
        throw new IllegalArgumentException("the SDE likelihood integrates with euler or heun, got "
            + (scheme == null ? "null" : scheme.cliName()));
      }
      this.scheme = scheme;
      return this;
    }

    /** Default {@link Grid#UNIFORM}. */
    public Builder grid(Grid grid) {
      this.grid = grid;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The model runs on [tStart, tEnd] with rho0 its density at tStart; default [0, 1]. */
    public Builder times(double tStart, double tEnd) {
      this.tStart = tStart;
      this.tEnd = tEnd;
      return this;
    }

    /** Data rows per batch of rows x paths states; default max(1, 4096 / paths). */
    public Builder chunkRows(int chunkRows) {
      this.chunkRows = chunkRows;
      return this;
    }

    public SdeInterpolantLikelihood build() {
      if (chunkRows < 0) {
        throw new IllegalArgumentException("chunk rows must be >= 1, got " + chunkRows);
      }
      Builder b = this;
      if (chunkRows == 0) {
        chunkRows = Math.max(1, 4096 / Math.max(1, paths));
      }
      return new SdeInterpolantLikelihood(b);
    }
  }
}
