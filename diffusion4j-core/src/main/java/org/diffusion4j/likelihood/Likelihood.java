package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;

/**
 * Log-likelihood of data under a model through the probability-flow ODE (Song et al. 2021,
 * "Score-Based Generative Modeling through SDEs", Sec. 4.3 and Appendix D.2; the instantaneous
 * change of variables of Chen et al. 2018, Theorem 1):
 * <pre>
 *   log p_eps(x(eps)) = log p_T(x(T)) + integral_eps^T div v(x(t), t) dt,
 *   dx/dt = v(x, t) = f(t) x - g^2(t)/2 score(x, t),
 * </pre>
 * solved as one ODE for the augmented state [x, L] with dL/dt = div v, L(eps) = 0, from t = eps
 * (the data end) to t = T (the noise end), where the prior p_T is N(0, priorStd(T)^2 I) of the
 * path (standard normal for VP, N(0, sigma_max^2 I) for VE) unless another is given.
 *
 * <p><b>Truncation at eps</b> (which number is returned, see {@link Convention}): the ODE
 * cannot start at t = 0 where the score of a VP/sub-VP path is singular, so, as in Song et
 * al. 2021 (likelihoods reported with eps = 1e-5), the data point is taken to be the state at
 * time eps and the result is log p_eps(x): the log-density of the model's marginal at t = eps
 * evaluated at x ({@link Convention#STATE_AT_EPS}, the default). {@link Convention#DATA_RESCALED}
 * instead returns log p_eps(alpha(eps) x) + d log alpha(eps), the density of
 * x0 + (sigma(eps)/alpha(eps)) z in data coordinates: the Gaussian-perturbed data distribution,
 * which matters when alpha(eps) differs visibly from 1 (e.g. cond-OT at a large eps).
 *
 * <p>Rows are processed in fixed chunks of {@code chunkRows} rows, each one batched ODE solve
 * with a shared adaptive step (the model is called on whole batches; the exact and Hutchinson
 * divergences stack their perturbed copies into the same call). Chunks do not depend on the
 * thread count, so results are bitwise reproducible.
 */
public final class Likelihood implements LogDensity {
  /** Which density the returned number is; see the class documentation. */
  public enum Convention {
    /** log p_eps(x): the data point is the ODE state at t = eps (Song et al. 2021). */
    STATE_AT_EPS,
    /** log p_eps(alpha(eps) x) + d log alpha(eps): density of x0 + sigma(eps)/alpha(eps) z. */
    DATA_RESCALED
  }

  private final ProbabilityFlow flow;
  private final double eps;
  private final double tEnd;
  private final DivergenceEstimator divergence;
  private final OdeSolver solver;
  private final LogDensity prior;
  private final Convention convention;
  private final int chunkRows;
  private final ProgressListener listener;

  private Likelihood(Builder b) {
    GaussianPath path = b.path;
    if (!(b.eps >= path.tMin())) {
      throw new IllegalArgumentException("eps = " + b.eps + " is below the start " + path.tMin() + " of path " + path.name());
    }
    if (!(b.tEnd <= path.tMax())) {
      throw new IllegalArgumentException("T = " + b.tEnd + " is beyond the end " + path.tMax() + " of path " + path.name());
    }
    if (!(b.eps < b.tEnd)) {
      throw new IllegalArgumentException("eps = " + b.eps + " must be smaller than T = " + b.tEnd);
    }
    if (b.chunkRows < 1) {
      throw new IllegalArgumentException("chunk rows must be >= 1, got " + b.chunkRows);
    }
    this.flow = new ProbabilityFlow(b.model, path);
    this.eps = b.eps;
    this.tEnd = b.tEnd;
    this.divergence = b.divergence;
    this.solver = b.solver;
    this.prior = b.prior != null ? b.prior : LogDensity.gaussian(path.priorStd(b.tEnd));
    this.convention = b.convention;
    this.chunkRows = b.chunkRows;
    this.listener = b.listener;
    // Fail now, not at the first step, if the velocity is undefined at an end point.
    flow.coefficients(eps);
    flow.coefficients(tEnd);
  }

  /** A builder for {@code model} on {@code path}; defaults: eps = 1e-5 (or tMin), T = tMax, exact divergence, dopri5 rtol = atol = 1e-5. */
  public static Builder builder(Denoiser model, GaussianPath path) {
    return new Builder(model, path);
  }

  /**
   * What a likelihood evaluation returns, with its cost: {@code nfe}, {@code acceptedSteps} and
   * {@code rejectedSteps} are summed over the {@code solves} batched solves; {@code modelRows} counts
   * model evaluations (rows), including the divergence estimator's perturbed copies.
   */
  public record Result(double[] logp, int dim, double eps, double tEnd, Convention convention, long nfe,
      long acceptedSteps, long rejectedSteps, long modelRows, int solves, String solver, String divergence) {
    /** ODE right-hand-side evaluations per batched solve (one solve per chunk of rows). */
    public double nfePerSolve() {
      return solves == 0 ? 0 : (double) nfe / solves;
    }

    /** Mean of log p over the points. */
    public double mean() {
      double s = 0;
      for (double v : logp) {
        s += v;
      }
      return s / logp.length;
    }

    /** Standard error of the mean, sd / sqrt(n) (0 for one point). */
    public double standardError() {
      int n = logp.length;
      if (n < 2) {
        return 0;
      }
      double m = mean();
      double s = 0;
      for (double v : logp) {
        s += (v - m) * (v - m);
      }
      return Math.sqrt(s / (n - 1) / n);
    }

    /** Model evaluations (rows) per data point. */
    public double modelEvaluationsPerPoint() {
      return logp.length == 0 ? 0 : (double) modelRows / logp.length;
    }
  }

  /** log p of every row (see {@link #evaluate}). */
  @Override
  public double[] logDensity(Batch x) {
    return evaluate(x).logp();
  }

  /** Evaluates the log-likelihood of every row of {@code x}; see the class documentation for the convention. */
  public Result evaluate(Batch x) {
    return evaluate(x, 0);
  }

  /**
   * As {@link #evaluate(Batch)}, with row i of {@code x} having global index firstRow + i (it
   * seeds randomised divergence estimators, so a row gets the same probes in any batching).
   */
  public Result evaluate(Batch x, long firstRow) {
    int d = flow.dim();
    if (x.d() != d) {
      throw new IllegalArgumentException("data dimension " + x.d() + " does not match the model's dimension " + d);
    }
    int bad = x.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException("data row " + bad / d + ", column " + bad % d + " is " + x.data()[bad]
          + "; likelihoods need finite data");
    }
    int n = x.n();
    double[] logp = new double[n];
    long rows0 = flow.modelRows();
    long nfe = 0;
    long accepted = 0;
    long rejected = 0;
    double scale = convention == Convention.DATA_RESCALED ? flow.path().alpha(eps) : 1;
    double logDetScale = convention == Convention.DATA_RESCALED ? d * flow.path().logAlpha(eps) : 0;
    int chunks = (n + chunkRows - 1) / chunkRows;
    for (int c = 0; c < chunks; c++) {
      int from = c * chunkRows;
      int m = Math.min(chunkRows, n - from);
      Batch y = new Batch(m, d + 1);
      double[] ys = y.data();
      double[] xs = x.data();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < d; j++) {
          ys[i * (d + 1) + j] = scale * xs[(from + i) * d + j];
        }
      }
      long chunkFirst = firstRow + from;
      Batch xt = new Batch(m, d);
      Batch v = new Batch(m, d);
      double[] div = new double[m];
      VectorField rhs = (state, t, dstate) -> {
        double[] s = state.data();
        double[] xv = xt.data();
        for (int i = 0; i < m; i++) {
          System.arraycopy(s, i * (d + 1), xv, i * d, d);
        }
        flow.evaluate(divergence, xt, t, chunkFirst, v, div);
        double[] ds = dstate.data();
        double[] vv = v.data();
        for (int i = 0; i < m; i++) {
          System.arraycopy(vv, i * d, ds, i * (d + 1), d);
          ds[i * (d + 1) + d] = div[i];
        }
      };
      int chunkNo = c;
      double span = tEnd - eps;
      OdeSolver.Stats st = solver.solve(rhs, y, eps, tEnd, (t, steps, f) -> listener.onProgress(
          from + Math.round(m * (t - eps) / span), n,
          String.format(java.util.Locale.ROOT, "chunk %d/%d t=%.4f nfe=%d", chunkNo + 1, chunks, t, f)));
      nfe += st.nfe();
      accepted += st.acceptedSteps();
      rejected += st.rejectedSteps();
      Batch xT = new Batch(m, d);
      double[] xTs = xT.data();
      for (int i = 0; i < m; i++) {
        System.arraycopy(ys, i * (d + 1), xTs, i * d, d);
      }
      double[] lp = prior.logDensity(xT);
      for (int i = 0; i < m; i++) {
        double val = lp[i] + ys[i * (d + 1) + d] + logDetScale;
        if (!Double.isFinite(val)) {
          throw new IllegalStateException("log-likelihood of row " + (from + i) + " is " + val
              + " (prior " + lp[i] + ", integrated divergence " + ys[i * (d + 1) + d] + ")");
        }
        logp[from + i] = val;
      }
    }
    return new Result(logp, d, eps, tEnd, convention, nfe, accepted, rejected, flow.modelRows() - rows0, chunks,
        solver.describe(), divergence.describe());
  }

  public ProbabilityFlow flow() {
    return flow;
  }

  public double eps() {
    return eps;
  }

  public double tEnd() {
    return tEnd;
  }

  public Convention convention() {
    return convention;
  }

  /** Options of a {@link Likelihood}. */
  public static final class Builder {
    private final Denoiser model;
    private final GaussianPath path;
    private double eps;
    private double tEnd;
    private DivergenceEstimator divergence = new ExactDivergence();
    private OdeSolver solver = new DormandPrince(1e-5, 1e-5);
    private LogDensity prior;
    private Convention convention = Convention.STATE_AT_EPS;
    private int chunkRows = 128;
    private ProgressListener listener = ProgressListener.NONE;

    private Builder(Denoiser model, GaussianPath path) {
      if (model == null || path == null) {
        throw new IllegalArgumentException("likelihood needs a model and a path");
      }
      this.model = model;
      this.path = path;
      this.eps = Math.max(path.tMin(), Math.min(1e-5, path.tMax()));
      this.tEnd = path.tMax();
    }

    /** Start time (data end) of the ODE; default 1e-5 (Song et al. 2021), at least the path's tMin. */
    public Builder eps(double eps) {
      this.eps = eps;
      return this;
    }

    /** End time (noise end) where the prior is evaluated; default the path's tMax. */
    public Builder tEnd(double tEnd) {
      this.tEnd = tEnd;
      return this;
    }

    public Builder divergence(DivergenceEstimator divergence) {
      if (divergence == null) {
        throw new IllegalArgumentException("divergence estimator must not be null");
      }
      this.divergence = divergence;
      return this;
    }

    public Builder solver(OdeSolver solver) {
      if (solver == null) {
        throw new IllegalArgumentException("ODE solver must not be null");
      }
      this.solver = solver;
      return this;
    }

    /** Density at T; default N(0, priorStd(T)^2 I) of the path. */
    public Builder prior(LogDensity prior) {
      this.prior = prior;
      return this;
    }

    public Builder convention(Convention convention) {
      if (convention == null) {
        throw new IllegalArgumentException("convention must not be null");
      }
      this.convention = convention;
      return this;
    }

    /** Rows per batched ODE solve (default 128). */
    public Builder chunkRows(int chunkRows) {
      this.chunkRows = chunkRows;
      return this;
    }

    public Builder listener(ProgressListener listener) {
      this.listener = listener == null ? ProgressListener.NONE : listener;
      return this;
    }

    public Likelihood build() {
      return new Likelihood(this);
    }
  }
}
