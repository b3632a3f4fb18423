package org.diffusion4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

/**
 * Gaussian data N(m, diag v): on a path the marginal is N(alpha m, diag S(t)), S_j = alpha^2 v_j +
 * sigma^2, the probability-flow ODE moves each coordinate linearly,
 * x_j(t) = alpha(t) m_j + sqrt(S_j(t)/S_j(eps)) (x_j(eps) - alpha(eps) m_j), its divergence is
 * sum_j d/dt log sqrt(S_j) = sum_j (alpha alpha' v_j + sigma sigma') / S_j, and the ODE
 * likelihood with the path prior is log N(x(T); 0, priorStd(T)^2) + sum_j log sqrt(S_j(T)/S_j(eps)).
 */
class GaussianClosedFormTest {
  private static final double[] MEAN = {0.7, -1.2, 0.1};
  private static final double[] VAR = {0.3, 0.05, 1.4};

  private static double[] s(GaussianPath p, double t) {
    double a = p.alpha(t);
    double sg = p.sigma(t);
    double[] out = new double[VAR.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = a * a * VAR[j] + sg * sg;
    }
    return out;
  }

  private static double closedFormLogLikelihood(GaussianPath p, double eps, double tEnd, double[] x) {
    double[] s0 = s(p, eps);
    double[] s1 = s(p, tEnd);
    double std = p.priorStd(tEnd);
    double acc = 0;
    for (int j = 0; j < x.length; j++) {
      double xT = p.alpha(tEnd) * MEAN[j] + Math.sqrt(s1[j] / s0[j]) * (x[j] - p.alpha(eps) * MEAN[j]);
      acc += -0.5 * Math.log(2 * Math.PI * std * std) - 0.5 * xT * xT / (std * std) + 0.5 * Math.log(s1[j] / s0[j]);
    }
    return acc;
  }

  @Test
  void divergenceMatchesTheLogDerivativeOfTheStd() {
    GaussianMixture g = GaussianMixture.gaussian(MEAN, VAR);
    for (String name : new String[] {"vp-linear", "ve", "sub-vp", "cond-ot"}) {
      GaussianPath p = Paths.create(name, Map.of());
      for (Prediction kind : Prediction.values()) {
        ProbabilityFlow flow = new ProbabilityFlow(g.denoiser(p, kind), p);
        for (double t : new double[] {0.01, 0.3, 0.9}) {
          Batch x = g.sample(3, 4).scale(p.alpha(t));
          double[] div = new double[4];
          flow.evaluate(new ExactDivergence(), x, t, 0, x.zerosLike(), div);
          double[] st = s(p, t);
          double want = 0;
          for (int j = 0; j < st.length; j++) {
            want += (p.alpha(t) * p.alphaDot(t) * VAR[j] + p.sigma(t) * p.sigmaDot(t)) / st[j];
          }
          for (double dv : div) {
            assertEquals(want, dv, 1e-8 * Math.max(1, Math.abs(want)), name + "/" + kind + " t=" + t);
          }
        }
      }
    }
  }

  @Test
  void wholeOdeLikelihoodMatchesClosedFormTo1e8() {
    GaussianMixture g = GaussianMixture.gaussian(MEAN, VAR);
    Batch x = g.sample(21, 5);
    Object[][] cases = {
      {"vp-linear", Prediction.EPSILON, 1e-5, 1.0},
      {"ve", Prediction.SCORE, 0.0, 1.0},
      {"sub-vp", Prediction.X0, 1e-5, 1.0},
      {"cond-ot", Prediction.VELOCITY, 1e-5, 1.0},
      {"cond-ot", Prediction.V, 1e-3, 0.999},
    };
    for (Object[] c : cases) {
      GaussianPath p = Paths.create((String) c[0], Map.of());
      double eps = (double) c[2];
      double tEnd = (double) c[3];
      Likelihood lik = Likelihood.builder(g.denoiser(p, (Prediction) c[1]), p).eps(eps).tEnd(tEnd)
          .solver(new DormandPrince(1e-11, 1e-11)).build();
      Likelihood.Result r = lik.evaluate(x);
      for (int i = 0; i < x.n(); i++) {
        double want = closedFormLogLikelihood(p, eps, tEnd, x.row(i));
        assertEquals(want, r.logp()[i], 1e-8, c[0] + "/" + c[1] + " row " + i);
      }
      assertTrue(r.nfe() > 0 && r.acceptedSteps() > 0);
    }
  }

  /** Fixed-step RK4 and DOPRI5: the log-log slope of the error against the step matches the order. */
  @Test
  void fixedStepSolversConvergeAtTheirOrder() {
    GaussianMixture g = GaussianMixture.gaussian(MEAN, VAR);
    GaussianPath p = Paths.create("ve", Map.of("sigma-max", "5"));
    Batch x = g.sample(2, 3);
    double want = closedFormLogLikelihood(p, 0, 1, x.row(0));
    for (Object[] c : new Object[][] {{4, 16}, {5, 16}}) {
      int order = (int) c[0];
      int n0 = (int) c[1];
      double[] err = new double[2];
      for (int k = 0; k < 2; k++) {
        int steps = n0 << k;
        OdeSolver solver = order == 4 ? FixedStepSolver.rk4(steps) : FixedStepSolver.dopri5(steps);
        Likelihood lik = Likelihood.builder(g.denoiser(p, Prediction.SCORE), p).eps(0).solver(solver).build();
        err[k] = Math.abs(lik.evaluate(x).logp()[0] - want);
      }
      double slope = Math.log(err[0] / err[1]) / Math.log(2);
      assertTrue(Math.abs(slope - order) < 0.6, "order " + order + ": measured slope " + slope + " errors "
          + err[0] + ", " + err[1]);
    }
  }

  /**
   * Adaptive Dormand-Prince: the error against the closed form falls with the tolerance (and stays
   * within a small multiple of it), while the work grows like rtol^(-1/5) for a 5th-order method.
   */
  @Test
  void adaptiveErrorFollowsTheTolerance() {
    GaussianMixture g = GaussianMixture.gaussian(MEAN, VAR);
    GaussianPath p = Paths.create("vp-linear", Map.of());
    Batch x = g.sample(5, 4);
    double previous = Double.POSITIVE_INFINITY;
    long previousNfe = 0;
    for (double tol : new double[] {1e-4, 1e-6, 1e-8}) {
      Likelihood lik = Likelihood.builder(g.denoiser(p, Prediction.EPSILON), p)
          .solver(new DormandPrince(tol, tol)).build();
      Likelihood.Result r = lik.evaluate(x);
      double err = 0;
      for (int i = 0; i < x.n(); i++) {
        err = Math.max(err, Math.abs(r.logp()[i] - closedFormLogLikelihood(p, 1e-5, 1, x.row(i))));
      }
      assertTrue(err < 100 * tol, "tol " + tol + ": error " + err);
      assertTrue(err < previous, "tol " + tol + ": error " + err + " not below " + previous);
      assertTrue(r.nfe() > previousNfe, "smaller tolerance needs more evaluations");
      assertTrue(previousNfe == 0 || r.nfe() < previousNfe * 4, "100x tighter rtol should cost ~2.5x, not "
          + (double) r.nfe() / previousNfe);
      previous = err;
      previousNfe = r.nfe();
    }
  }
}
