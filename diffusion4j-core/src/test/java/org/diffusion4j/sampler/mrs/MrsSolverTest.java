package org.diffusion4j.sampler.mrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class MrsSolverTest {
  static final GaussianPath VP = new VpLinearPath();
  static final double T_END = 1e-3;
  static final double[] M = {1.5, -0.5, 0.3};
  static final double[] V = {0.25, 1.0, 0.04};
  static final double[] MU = {-2.0, 1.0, 0.7};

  /** Exact PF-ODE flow map for Gaussian data, per coordinate (the ODE is linear). */
  static Batch exactFlow(Batch xT, double s, double t) {
    Batch out = xT.copy();
    double as = VP.alpha(s), ss = VP.sigma(s), at = VP.alpha(t), st = VP.sigma(t);
    for (int i = 0; i < xT.n(); i++) {
      for (int j = 0; j < xT.d(); j++) {
        double c = M[j] - MU[j];
        double y = xT.get(i, j) - MU[j];
        double k = Math.sqrt((at * at * V[j] + st * st) / (as * as * V[j] + ss * ss));
        out.set(i, j, MU[j] + at * c + k * (y - as * c));
      }
    }
    return out;
  }

  static double slope(double[] steps, double[] err) {
    int n = steps.length;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
      double x = Math.log(1.0 / steps[i]);
      double y = Math.log(err[i]);
      sx += x; sy += y; sxx += x * x; sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  @Test
  void odeConvergesToClosedFormAtTheoreticalOrder() {
    MeanRevertingPath path = MeanRevertingPath.of(VP, MU);
    GaussianMixture data = GaussianMixture.gaussian(M, V);
    Batch xT = path.prior(3, 64);
    Batch exact = exactFlow(xT, 1.0, T_END);
    double[] steps = {20, 40, 80, 160};
    for (Prediction kind : new Prediction[] {Prediction.EPSILON, Prediction.X0}) {
      for (int order = 1; order <= 2; order++) {
        MrsSolver solver = new MrsSolver(kind, order, false);
        Denoiser model = path.mixtureDenoiser(data, order == 1 ? Prediction.X0 : Prediction.EPSILON);
        double[] err = new double[steps.length];
        for (int k = 0; k < steps.length; k++) {
          double[] ts = MrsSolver.logSnrTimes(VP, 1.0, T_END, (int) steps[k]);
          err[k] = solver.sample(model, path, xT, ts, 0).rmsDistance(exact);
        }
        double p = slope(steps, err);
        assertEquals(order, p, 0.15, solver.name() + " errors " + java.util.Arrays.toString(err));
      }
    }
  }

  /** With mu = 0 every first-order ODE variant is DDIM on the VP path (Song et al. 2021, Eq. 12). */
  @Test
  void zeroMeanFirstOrderIsDdim() {
    GaussianMixture data = mixture2d();
    MeanRevertingPath path = MeanRevertingPath.of(VP, new double[] {0, 0});
    Denoiser vpX0 = data.denoiser(VP, Prediction.X0);
    Batch xT = Noise.standardNormal(5, 32, 2);
    double[] ts = MrsSolver.logSnrTimes(VP, 1.0, T_END, 12);
    Batch ddim = xT.copy();
    Batch x0 = xT.zerosLike();
    for (int i = 0; i + 1 < ts.length; i++) {
      vpX0.predict(ddim, ts[i], x0);
      double s = ts[i], t = ts[i + 1];
      // eps_hat = (x - a_s x0)/s_s ; x_t = a_t x0 + s_t eps_hat
      ddim.setLinear(VP.sigma(t) / VP.sigma(s), ddim, VP.alpha(t) - VP.sigma(t) / VP.sigma(s) * VP.alpha(s), x0);
    }
    for (Prediction kind : new Prediction[] {Prediction.EPSILON, Prediction.X0}) {
      for (Prediction modelKind : new Prediction[] {Prediction.EPSILON, Prediction.X0}) {
        Batch out = new MrsSolver(kind, 1, false).sample(data.denoiser(VP, modelKind), path, xT, ts, 0);
        assertTrue(out.maxAbsDistance(ddim) < 1e-11, kind + "/" + modelKind + ": " + out.maxAbsDistance(ddim));
      }
    }
  }

  static GaussianMixture mixture2d() {
    return new GaussianMixture(new double[] {0.5, 0.3, 0.2},
        new double[][] {{-1.0, 0.5}, {1.2, 1.0}, {0.3, -1.4}},
        new double[][] {{0.09, 0.16}, {0.12, 0.05}, {0.06, 0.1}});
  }

  /**
   * Reverse SDE on Gaussian data with mu != 0: the output law is N(m, v). 20000 samples give
   * standard errors sqrt(v/n) for the mean and v sqrt(2/n) for the variance; we allow 5 of them
   * plus 1% for the 100-step discretisation bias.
   */
  @Test
  void sdeSamplesTheDataDistribution() {
    double[] m = {1.5};
    double[] v = {0.25};
    MeanRevertingPath path = MeanRevertingPath.of(VP, new double[] {-2.0});
    GaussianMixture data = GaussianMixture.gaussian(m, v);
    int n = 20000;
    Batch xT = path.prior(11, n);
    double[] ts = MrsSolver.logSnrTimes(VP, 1.0, T_END, 100);
    for (Prediction kind : new Prediction[] {Prediction.EPSILON, Prediction.X0}) {
      Batch out = new MrsSolver(kind, 2, true).sample(path.mixtureDenoiser(data, Prediction.X0), path, xT, ts, 12);
      double mean = 0;
      for (double a : out.data()) {
        mean += a / n;
      }
      double var = 0;
      for (double a : out.data()) {
        var += (a - mean) * (a - mean) / (n - 1);
      }
      double at = VP.alpha(T_END), st = VP.sigma(T_END);
      double expMean = at * m[0] + (1 - at) * -2.0;
      double expVar = at * at * v[0] + st * st;
      assertEquals(expMean, mean, 5 * Math.sqrt(expVar / n) + 0.01 * Math.sqrt(expVar), kind + " mean");
      assertEquals(expVar, var, 5 * expVar * Math.sqrt(2.0 / n) + 0.01 * expVar, kind + " variance");
    }
  }

  /**
   * The claim on a 2-D mixture with mu != 0: second-order MRS at 10-20 NFE is as close
   * to the exact PF-ODE solution as Euler with hundreds of steps, and the SDE solver's output
   * matches the data moments at 20 NFE while Euler-Maruyama at the same NFE is far off.
   */
  @Test
  void mixtureMatchesReferenceAtFewStepsWhereEulerNeedsHundreds() {
    GaussianMixture data = mixture2d();
    MeanRevertingPath path = MeanRevertingPath.of(VP, new double[] {2.0, -1.5});
    Denoiser model = path.mixtureDenoiser(data, Prediction.EPSILON);
    Batch xT = path.prior(21, 200);
    Batch ref = new MrsSolver(Prediction.X0, 2, false).sample(model, path, xT,
        MrsSolver.logSnrTimes(VP, 1.0, T_END, 4000), 0);
    MrsSolver mrs = new MrsSolver(Prediction.X0, 2, false);
    double e10 = mrs.sample(model, path, xT, quadratic(1.0, T_END, 10), 0).rmsDistance(ref);
    double e20 = mrs.sample(model, path, xT, quadratic(1.0, T_END, 20), 0).rmsDistance(ref);
    MeanRevertingEuler euler = new MeanRevertingEuler(0);
    int[] eulerSteps = {20, 50, 100, 200, 500, 1000, 2000};
    double[] eulerErr = new double[eulerSteps.length];
    for (int k = 0; k < eulerSteps.length; k++) {
      // Euler at its best grid: whichever of uniform-t and uniform-lambda is closer.
      double uniT = euler.sample(model, path, xT, uniform(1.0, T_END, eulerSteps[k]), 0).rmsDistance(ref);
      double uniL = euler.sample(model, path, xT, MrsSolver.logSnrTimes(VP, 1.0, T_END, eulerSteps[k]), 0)
          .rmsDistance(ref);
      double quad = euler.sample(model, path, xT, quadratic(1.0, T_END, eulerSteps[k]), 0).rmsDistance(ref);
      eulerErr[k] = Math.min(quad, Math.min(uniT, uniL));
    }
    System.out.printf("MRS-ODE x0-2: NFE10 %.3e NFE20 %.3e; Euler %s%n", e10, e20, java.util.Arrays.toString(eulerErr));
    // The reference itself is converged: Euler at 2000 steps agrees with it to first order.
    assertTrue(eulerErr[eulerErr.length - 1] < 0.01, "reference check " + eulerErr[eulerErr.length - 1]);
    assertTrue(e20 < 0.02, "MRS at 20 NFE: " + e20);
    // Euler needs 5-10x the evaluations to be as close as MRS at 10 and at 20 NFE.
    assertTrue(eulerErr[1] > e10, "Euler at 50 steps " + eulerErr[1] + " should be worse than MRS at 10, " + e10);
    assertTrue(eulerErr[3] > e20, "Euler at 200 steps " + eulerErr[3] + " should be worse than MRS at 20, " + e20);
  }

  /** Time-quadratic grid (uniform in sqrt(t); Lu et al. 2022, Sec. 3.3). */
  static double[] quadratic(double a, double b, int steps) {
    double[] ts = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      double u = Math.sqrt(a) + (Math.sqrt(b) - Math.sqrt(a)) * i / steps;
      ts[i] = u * u;
    }
    ts[0] = a;
    ts[steps] = b;
    return ts;
  }

  static double[] uniform(double a, double b, int steps) {
    double[] ts = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      ts[i] = a + (b - a) * i / steps;
    }
    ts[steps] = b;
    return ts;
  }

  @Test
  void badInputsGiveClearErrors() {
    MeanRevertingPath path = MeanRevertingPath.of(VP, new double[] {1.0});
    Denoiser nan = new Denoiser() {
      public int dim() { return 1; }
      public Prediction prediction() { return Prediction.EPSILON; }
      public void predict(Batch x, double t, Batch out) { java.util.Arrays.fill(out.data(), t < 0.5 ? Double.NaN : 0); }
    };
    Batch xT = path.prior(1, 4);
    double[] ts = MrsSolver.logSnrTimes(VP, 1.0, T_END, 6);
    MrsSolver solver = new MrsSolver(Prediction.X0, 2, false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> solver.sample(nan, path, xT, ts, 0));
    assertTrue(e.getMessage().contains("step") && e.getMessage().contains("t="), e.getMessage());
    IllegalArgumentException up = assertThrows(IllegalArgumentException.class,
        () -> solver.sample(nan, path, xT, new double[] {0.5, 0.9}, 0));
    assertTrue(up.getMessage().contains("decrease"), up.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MrsSolver(Prediction.V, 1, false));
    assertThrows(IllegalArgumentException.class, () -> new MrsSolver(Prediction.X0, 3, false));
  }

  @Test
  void sdeIsDeterministicForASeed() {
    MeanRevertingPath path = MeanRevertingPath.of(VP, new double[] {2.0, -1.5});
    Denoiser model = path.mixtureDenoiser(mixture2d(), Prediction.X0);
    Batch xT = path.prior(2, 50);
    double[] ts = MrsSolver.logSnrTimes(VP, 1.0, T_END, 15);
    MrsSolver sde = new MrsSolver(Prediction.EPSILON, 2, true);
    Batch a = sde.sample(model, path, xT, ts, 9);
    Batch b = sde.sample(model, path, xT, ts, 9);
    Batch c = sde.sample(model, path, xT, ts, 10);
    assertEquals(0, a.maxAbsDistance(b));
    assertTrue(a.maxAbsDistance(c) > 0.01);
  }
}
