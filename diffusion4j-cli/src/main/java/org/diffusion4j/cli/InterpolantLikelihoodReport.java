package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.SdeInterpolantLikelihood;
import org.diffusion4j.io.Npy;
import org.diffusion4j.likelihood.LogDensity;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.LearnedInterpolant;

/**
 * {@code d4j likelihood --model INTERPOLANT_RUN}: log-likelihood of data under a trained
 * interpolant's ODE model (eps = 0) and SDE models dX = (b + eps s) dt + sqrt(2 eps) dW, by
 * {@link SdeInterpolantLikelihood} (reweighted backward paths, Jensen bound and log mean weight).
 */
final class InterpolantLikelihoodReport {
  private InterpolantLikelihoodReport() {}

  /** The options that apply; {@code probes} null for the exact (autograd) divergence. */
  record Options(List<Double> eps, int paths, int steps, Integer probes, long seed, Path out) {}

  /** The result with {@code c} added to every log-density (the standardization's log-determinant). */
  private static SdeInterpolantLikelihood.Result shift(SdeInterpolantLikelihood.Result r, double c) {
    if (c == 0) {
      return r;
    }
    double[] lb = r.lowerBound().clone();
    double[] lm = r.logMeanWeight().clone();
    double[] lw = r.logWeights().clone();
    for (int i = 0; i < lb.length; i++) {
      lb[i] += c;
      lm[i] += c;
    }
    for (int i = 0; i < lw.length; i++) {
      lw[i] += c;
    }
    return new SdeInterpolantLikelihood.Result(lb, r.lowerBoundSe(), lm, r.logMeanWeightSe(), r.effectiveSampleSize(), lw,
        r.paths(), r.steps(), r.scheme(), r.estimator());
  }

  static int run(PrintWriter o, Path runDir, Batch x, Options opt, ProgressBar bar) throws IOException {
    if (opt.eps().isEmpty()) {
      throw new UsageException("--sde-eps needs at least one value");
    }
    for (double e : opt.eps()) {
      if (!(e >= 0) || !Double.isFinite(e)) {
        throw new UsageException("--sde-eps values must be finite and >= 0, got " + e);
      }
    }
    if (opt.paths() < 1) {
      throw new UsageException("--paths must be at least 1, got " + opt.paths());
    }
    if (opt.steps() < 1) {
      throw new UsageException("--steps must be at least 1, got " + opt.steps());
    }
    if (opt.out() != null && opt.eps().size() != 1) {
      throw new UsageException("--out with an interpolant run needs exactly one --sde-eps value (it writes that one's estimates)");
    }
    try (LearnedInterpolant m = LearnedInterpolant.load(runDir)) {
      InterpolantTrainConfig c = m.config();
      if (!c.gaussianSource()) {
        throw new UsageException("run " + runDir + " has source " + c.source() + ", whose density is unknown; likelihoods"
            + " need a gaussian source");
      }
      if (x.d() != m.dim()) {
        throw new UsageException("data have dimension " + x.d() + " but the model has dimension " + m.dim());
      }
      if (opt.eps().stream().anyMatch(e -> e > 0) && !m.hasScore()) {
        throw new UsageException("--sde-eps > 0 needs a score, but " + runDir + " was trained with --no-score");
      }
      // The network sees standardized targets z = (x - mean) / std: log p_x(x) = log p_z(z) - sum_j log std_j.
      org.diffusion4j.nn.data.DataTransform st = org.diffusion4j.nn.run.TrainedRun.open(runDir).transform(m.dim());
      Batch points = st.toModel(x);
      double logDet = st.logDetToModel();
      // The fields were trained on [m, 1 - m]: the model runs there (from t = 0 when gamma = 0, where
      // x_0 ~ N(0, I) exactly), with rho0 = N(0, I) taken as the density at the start.
      double tm = Math.max(c.timeMargin(), 1e-3);
      double t0 = m.interpolant().gamma() instanceof Gamma.Zero ? 0 : tm;
      double t1 = 1 - tm;
      o.printf(Locale.ROOT, "model      interpolant run %s (%s, %s -> %s), d = %d, %d points%n", runDir, c.interpolant(),
          c.source(), c.target(), x.d(), x.n());
      o.printf(Locale.ROOT, "quantity   log rho_hat(x) of the model on t in [%s, %s]: rho0 = N(0, I) at t = %s%s, the data taken"
          + " as the state at t = %s%n", LikelihoodCommand.num(t0), LikelihoodCommand.num(t1), LikelihoodCommand.num(t0),
          t0 > 0 ? " (approximate: x_t0 also holds t0 x1 + gamma(t0) z)" : "", LikelihoodCommand.num(t1));
      if (st != org.diffusion4j.nn.data.DataTransform.IDENTITY) {
        o.printf(Locale.ROOT, "scaling    standardization.json of the run applied; its log-determinant %s added%n",
            LikelihoodCommand.num(logDet));
      }
      o.printf(Locale.ROOT, "method     reweighted backward SDE paths (Girsanov), %d paths per point, %d Heun steps (quadratic grid), divergence"
          + " of b by autograd (%s); eps = 0 is the ODE (exact change of variables)%n", opt.paths(), opt.steps(),
          opt.probes() == null ? "exact" : "Hutchinson, " + opt.probes() + " probes");
      o.printf(Locale.ROOT, "columns    Jensen bound E[log w] <= log rho_hat; log mean weight (consistent, biased low by"
          + " ~ var(w) / (2 M mean(w)^2)); both +- standard error over points%n");
      o.printf(Locale.ROOT, "%-8s %-24s %-24s %-10s %s%n", "eps", "jensen bound", "log mean weight", "mean ESS", "seconds");
      LogDensity rho0 = LogDensity.gaussian(1);
      int probes = opt.probes() == null ? 0 : opt.probes();
      SdeInterpolantLikelihood.Result last = null;
      int done = 0;
      for (double e : opt.eps()) {
        double start = bar.elapsedSeconds();
        SdeInterpolantLikelihood.Builder b = SdeInterpolantLikelihood.builder(m.velocityDivergence(probes, opt.seed()), rho0)
            .eps(e).times(t0, t1).grid(SdeInterpolantLikelihood.Grid.QUADRATIC).steps(opt.steps())
            .paths(e == 0 ? 1 : opt.paths()).seed(opt.seed());
        if (e > 0) {
          b.score(m.scoreField());
        }
        SdeInterpolantLikelihood.Result r = shift(b.build().evaluate(points), logDet);
        bar.onProgress(++done, opt.eps().size(), "eps " + e);
        double ess = 0;
        for (double v : r.effectiveSampleSize()) {
          ess += v / x.n();
        }
        o.printf(Locale.ROOT, "%-8s %-24s %-24s %-10s %.2f%n", LikelihoodCommand.num(e),
            String.format(Locale.ROOT, "%.5f +- %.5f", r.meanLowerBound(), r.lowerBoundRowSe()),
            String.format(Locale.ROOT, "%.5f +- %.5f", r.meanLogMeanWeight(), r.logMeanWeightRowSe()),
            String.format(Locale.ROOT, "%.1f/%d", ess, r.paths()), bar.elapsedSeconds() - start);
        if (x.n() <= 10) {
          for (int i = 0; i < x.n(); i++) {
            o.printf(Locale.ROOT, "  row %-3d %-24s %-24s %.1f%n", i,
                String.format(Locale.ROOT, "%.5f +- %.5f", r.lowerBound()[i], r.lowerBoundSe()[i]),
                String.format(Locale.ROOT, "%.5f +- %.5f", r.logMeanWeight()[i], r.logMeanWeightSe()[i]),
                r.effectiveSampleSize()[i]);
          }
        }
        last = r;
      }
      if (opt.out() != null) {
        double[] both = new double[2 * x.n()];
        for (int i = 0; i < x.n(); i++) {
          both[2 * i] = last.lowerBound()[i];
          both[2 * i + 1] = last.logMeanWeight()[i];
        }
        Npy.write(opt.out(), new long[] {x.n(), 2}, both);
        o.println("wrote      " + opt.out() + " (n, 2): Jensen bound, log mean weight");
      }
    }
    return ExitCodes.OK;
  }
}
