package org.diffusion4j.bench.interpolant;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.GaussianInterpolantFields;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.interpolant.Straightness;
import org.diffusion4j.interpolant.kinetic.DataSeparation;
import org.diffusion4j.interpolant.kinetic.KineticEnergy;
import org.diffusion4j.interpolant.kinetic.KineticOptimalPath;
import org.diffusion4j.metrics.SlicedWasserstein;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.path.CondOtPath;
import org.diffusion4j.path.VpCosinePath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Rng;

/**
 * Accuracy tables for the stochastic-interpolant module (run: {@code java -cp ... InterpolantTables}):
 * (1) kinetic energy of cond-OT, VP and the kinetic-optimal path on several datasets;
 * (2) sample quality (sliced W1 to a held-out target sample, with the two-sample noise floor) of
 * the probability-flow ODE and forward SDEs with several eps, on the exact fields;
 * (3) straightness of the exact velocity field for several interpolants.
 */
public final class InterpolantTables {
  private InterpolantTables() {}

  public static void main(String[] args) {
    PrintStream out = System.out;
    if (args.length > 0 && args[0].equals("budget")) {
      budgetTable(out);
      return;
    }
    kineticEnergyTable(out);
    qualityTable(out);
    straightnessTable(out);
    budgetTable(out);
  }

  static void budgetTable(PrintStream out) {
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianMixture eight = eightGaussians(4, 0.1);
    Interpolant it = Interpolant.oneSidedLinear();
    GaussianInterpolantFields f = new GaussianInterpolantFields(it, std, eight);
    int n = 1000;
    Batch x0 = std.sample(5, n);
    out.println("## Rollover budget forcing, N(0,I) -> 8 Gaussians (exact flow), reward sigmoid(4 (x - 2)) of the denoised state,"
        + " eps = 2 (1 - t)^2, 30 Euler-Maruyama steps to t = 0.995, " + n + " chains");
    out.println();
    out.println("| budget per step | mean reward | mean NFE per chain | on data (within 4 sd of a mode) | mean log rho1 |");
    out.println("|---|---|---|---|---|");
    for (int budget : new int[] {1, 2, 4, 8, 16}) {
      org.diffusion4j.interpolant.RolloverBudgetForcing.Result r = org.diffusion4j.interpolant.RolloverBudgetForcing.sample(
          it, f.velocityField(), t -> 2 * (1 - t) * (1 - t), x -> 1 / (1 + Math.exp(-4 * (x[0] - 2))), x0, 0.995, 30, budget, 11);
      double nfe = 0;
      int onData = 0;
      for (int i = 0; i < n; i++) {
        nfe += r.evaluations()[i];
        for (int k = 0; k < 8; k++) {
          double dx = r.samples().get(i, 0) - eight.mean(k)[0];
          double dy = r.samples().get(i, 1) - eight.mean(k)[1];
          if (dx * dx + dy * dy < 1.6) {
            onData++;
            break;
          }
        }
      }
      double logp = 0;
      for (double v : eight.logDensityData(r.samples())) {
        logp += v / n;
      }
      out.printf("| %d | %.3f | %.1f | %.3f | %.3f |%n", budget, r.meanReward(), nfe / n, onData / (double) n, logp);
    }
    out.println();
  }

  static GaussianMixture eightGaussians(double radius, double var) {
    double[] w = new double[8];
    double[][] m = new double[8][];
    double[][] v = new double[8][];
    for (int k = 0; k < 8; k++) {
      w[k] = 1;
      m[k] = new double[] {radius * Math.cos(k * Math.PI / 4), radius * Math.sin(k * Math.PI / 4)};
      v[k] = new double[] {var, var};
    }
    return new GaussianMixture(w, m, v);
  }

  /** A mixture approximating two moons: 6 small Gaussians along each half circle. */
  static GaussianMixture moonsMixture() {
    int per = 6;
    double[] w = new double[2 * per];
    double[][] m = new double[2 * per][];
    double[][] v = new double[2 * per][];
    for (int k = 0; k < per; k++) {
      double a = Math.PI * k / (per - 1);
      w[k] = 1;
      m[k] = new double[] {Math.cos(a) - 0.5, Math.sin(a) - 0.25};
      v[k] = new double[] {0.01, 0.01};
      w[per + k] = 1;
      m[per + k] = new double[] {0.5 - Math.cos(a), 0.25 - Math.sin(a)};
      v[per + k] = new double[] {0.01, 0.01};
    }
    return new GaussianMixture(w, m, v);
  }

  /** A 4x4 checkerboard as 8 Gaussians at the centres of the dark squares. */
  static GaussianMixture checkerboardMixture() {
    double[] w = new double[8];
    double[][] m = new double[8][];
    double[][] v = new double[8][];
    int c = 0;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if ((i + j) % 2 == 0) {
          w[c] = 1;
          m[c] = new double[] {-1.5 + i, -1.5 + j};
          v[c] = new double[] {0.04, 0.04};
          c++;
        }
      }
    }
    return new GaussianMixture(w, m, v);
  }

  static GaussianMixture mixture64() {
    int k = 10;
    int d = 64;
    Rng r = Rng.of(64);
    double[] w = new double[k];
    double[][] m = new double[k][d];
    double[][] v = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = 1;
      for (int j = 0; j < d; j++) {
        m[c][j] = r.nextGaussian();
        v[c][j] = 0.05 + 0.1 * r.nextDouble();
      }
    }
    return new GaussianMixture(w, m, v);
  }

  static void kineticEnergyTable(PrintStream out) {
    Map<String, Batch> data = new LinkedHashMap<>();
    data.put("8 Gaussians (2-D, n=2000)", eightGaussians(2, 0.02).sample(1, 2000));
    data.put("two moons mixture (2-D, n=2000)", moonsMixture().sample(2, 2000));
    data.put("checkerboard mixture (2-D, n=2000)", checkerboardMixture().sample(3, 2000));
    data.put("10-component mixture (64-D, n=1000)", mixture64().sample(4, 1000));
    data.put("8 normalised points (2048-D)", normalizedPoints(8, 2048));
    out.println("## Kinetic energy int E|u_t|^2 dt of Gaussian paths (divided by d)");
    out.println();
    out.println("| dataset | m2/d | cond-OT | VP-linear [1e-3,1] | VP-cosine [1e-3,T] | kinetic-optimal | KO closed form | Psi/(pi/2) | sup dist KO to cond-OT | estimate ms |");
    out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, Batch> e : data.entrySet()) {
      long t0 = System.nanoTime();
      DataSeparation sep = DataSeparation.estimate(e.getValue(), DataSeparation.Options.defaults(7));
      KineticOptimalPath ko = KineticOptimalPath.of(sep);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      int d = sep.dim();
      VpCosinePath cos = new VpCosinePath();
      double dev = 0;
      for (int i = 0; i <= 1000; i++) {
        double t = i / 1000.0;
        dev = Math.max(dev, Math.abs(ko.alpha(t) - (1 - t)) + Math.abs(ko.sigma(t) - t));
      }
      out.printf("| %s | %.3f | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f | %.3f | %d |%n", e.getKey(), sep.secondMoment() / d,
          KineticEnergy.of(new CondOtPath(), sep) / d, KineticEnergy.of(new VpLinearPath(), sep, 1e-3, 1, 4000) / d,
          KineticEnergy.of(cos, sep, 1e-3, cos.tMax(), 4000) / d, KineticEnergy.of(ko, sep) / d,
          ko.kineticEnergy() / d, ko.totalAngle() / (0.5 * Math.PI), dev, ms);
    }
    out.println();
  }

  static Batch normalizedPoints(int n, int d) {
    Batch x = Noise.standardNormal(5, n, d);
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < d; j++) {
        s += x.get(i, j) * x.get(i, j);
      }
      for (int j = 0; j < d; j++) {
        x.set(i, j, x.get(i, j) * Math.sqrt(d / s));
      }
    }
    return x;
  }

  static void qualityTable(PrintStream out) {
    int n = 4000;
    SlicedWasserstein sw = SlicedWasserstein.w1(256, 11);
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    record Case(String name, GaussianMixture rho0, GaussianMixture rho1, Interpolant it) {}
    Case[] cases = {
      new Case("N(0,I) -> 8 Gaussians, linear, gamma=sqrt(t(1-t))", std, eightGaussians(4, 0.1),
          Interpolant.linear(Gamma.sqrtBridge(1))),
      new Case("N(0,I) -> 8 Gaussians, one-sided linear", std, eightGaussians(4, 0.1), Interpolant.oneSidedLinear()),
      new Case("moons -> checkerboard, linear, gamma=sqrt(t(1-t))", moonsMixture(), checkerboardMixture(),
          Interpolant.linear(Gamma.sqrtBridge(1))),
      new Case("moons -> checkerboard, trig, gamma=sqrt(t(1-t))", moonsMixture(), checkerboardMixture(),
          Interpolant.trigonometric(Gamma.sqrtBridge(1))),
    };
    String[] epsNames = {"ODE", "eps=0.1", "eps=0.5", "eps=1", "eps=2", "eps=t(1-t)"};
    DoubleUnaryOperator[] eps = {t -> 0, t -> 0.1, t -> 0.5, t -> 1, t -> 2, t -> t * (1 - t)};
    out.println("## Sliced W1 (256 directions) of " + n + " generated vs " + n
        + " held-out target samples, exact fields, stochastic Heun");
    out.println();
    out.println("| case | steps | noise floor | " + String.join(" | ", epsNames) + " |");
    out.println("|---|---|---|" + "---|".repeat(epsNames.length));
    for (Case c : cases) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(c.it(), c.rho0(), c.rho1());
      Batch x0 = c.rho0().sample(21, n);
      Batch heldOut = c.rho1().sample(22, n);
      double floor = sw.between(c.rho1().sample(23, n), heldOut);
      for (int steps : new int[] {20, 100}) {
        StringBuilder row = new StringBuilder("| " + c.name() + " | " + steps + " | " + String.format("%.4f", floor) + " |");
        for (int k = 0; k < eps.length; k++) {
          Batch gen = InterpolantGenerator.sde(f.velocityField(), f.scoreField(), eps[k], x0, 0, 1, steps, Scheme.HEUN, 30 + k);
          row.append(String.format(" %.4f |", sw.between(gen, heldOut)));
        }
        out.println(row);
      }
    }
    out.println();
  }

  static void straightnessTable(PrintStream out) {
    GaussianMixture std = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianMixture eight = eightGaussians(4, 0.1);
    out.println("## Straightness S = int E|Z1 - Z0 - v(t, Z_t)|^2 dt of exact velocity fields, N(0,I) -> 8 Gaussians (2000 paths, 400 Heun steps)");
    out.println();
    out.println("| interpolant | S | std. error | E|Z1 - Z0|^2 |");
    out.println("|---|---|---|---|");
    Interpolant[] its = {Interpolant.oneSidedLinear(), Interpolant.oneSidedTrigonometric(), Interpolant.linear(Gamma.sqrtBridge(1)),
        Interpolant.linear(Gamma.sqrtBridge(4)), Interpolant.trigonometric(Gamma.sqrtBridge(1)), Interpolant.encoderDecoder()};
    Batch x0 = std.sample(5, 2000);
    for (Interpolant it : its) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, std, eight);
      Straightness.Result s = Straightness.of(f.velocityField(), x0, 0, 1, 400);
      double disp = s.endpoints().rmsDistance(x0);
      out.printf("| %s, gamma=%s | %.4f | %.4f | %.3f |%n", it.name(), it.gamma().name(), s.value(), s.standardError(),
          disp * disp * 2);
    }
    out.println();
  }
}
