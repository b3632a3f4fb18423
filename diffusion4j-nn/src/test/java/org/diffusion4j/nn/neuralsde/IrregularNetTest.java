package org.diffusion4j.nn.neuralsde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stability of LSDE/LNSDE/GSDE against the unconstrained neural SDE, and float64 gradient checks of every model. */
class IrregularNetTest {

  static double[] uniformGrid(int points, double horizon) {
    double[] g = new double[points];
    for (int k = 0; k < points; k++) {
      g[k] = horizon * k / (points - 1);
    }
    return g;
  }

  static double[] gaussians(long seed, int count, double scale) {
    Rng r = Rng.of(seed);
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  /**
   * Adversarial weights: every entry of every weight and bias made positive and 4x its seeded
   * initial magnitude. For positive states the ReLU MLP is then an expanding positive linear map,
   * so the unconstrained drift grows z exponentially; the stable models' tanh-bounded drift and
   * diffusion cannot follow.
   */
  static double[][] adversarial(IrregularNet net) {
    float[][] init = net.initialValues(3);
    double[][] w = new double[init.length][];
    for (int i = 0; i < init.length; i++) {
      w[i] = new double[init[i].length];
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = 4 * Math.abs(init[i][j]);
      }
    }
    return w;
  }

  @Test
  void stableVariantsStayBoundedWhereTheUnconstrainedNeuralSdeDiverges() {
    int n = 16;
    int c = 2;
    int h = 8;
    double horizon = 40;
    double[] grid = uniformGrid(401, horizon);
    double[] walk = new double[grid.length * n * c];
    double[] steps = gaussians(7, walk.length, 0.3);
    for (int g = 1; g < grid.length; g++) {
      for (int q = 0; q < n * c; q++) {
        walk[g * n * c + q] = walk[(g - 1) * n * c + q] + steps[g * n * c + q];
      }
    }
    double[] dw = gaussians(11, (grid.length - 1) * n * h, Math.sqrt(horizon / (grid.length - 1)));
    StringBuilder report = new StringBuilder();
    for (IrregularModel kind : new IrregularModel[] {IrregularModel.NSDE, IrregularModel.LSDE, IrregularModel.LNSDE,
        IrregularModel.GSDE}) {
      IrregularNet net = new IrregularNet(kind, c, h, 2, 1);
      try (NDManager m = DjlRuntime.newManager()) {
        ParamSet p = ParamSet.ofDouble(m, net.specs(), adversarial(net), false);
        NDArray control = m.create(walk, new Shape(grid.length, n, c));
        NDArray brownian = m.create(dw, new Shape(grid.length - 1, n, h));
        double[] z = net.latentPath(p, control, grid, brownian).toDoubleArray();
        double z0 = 0;
        for (int q = 0; q < n * h; q++) {
          z0 = Math.max(z0, Math.abs(z[q]));
        }
        int firstBlowUp = -1;
        double maxAbs = 0;
        for (int g = 0; g < grid.length; g++) {
          for (int q = 0; q < n * h; q++) {
            double a = Math.abs(z[g * n * h + q]);
            if (!(a <= 1e6) && firstBlowUp < 0) {
              firstBlowUp = g;
            }
            if (Double.isFinite(a)) {
              maxAbs = Math.max(maxAbs, a);
            }
          }
        }
        report.append(kind).append(": max|z| ").append(maxAbs).append(", first |z| > 1e6 at t = ")
            .append(firstBlowUp < 0 ? "never" : grid[firstBlowUp]).append('\n');
        if (kind == IrregularModel.NSDE) {
          assertTrue(firstBlowUp > 0 && grid[firstBlowUp] < 10, "the unconstrained neural SDE should diverge:\n" + report);
        } else {
          // |drift| <= 1 and |diffusion| <= 1: |z_t| <= |z_0| + t + (martingale with quadratic variation <= t).
          double bound = z0 + horizon + 8 * Math.sqrt(horizon);
          assertTrue(firstBlowUp < 0 && maxAbs <= bound, kind + " left the bound " + bound + ":\n" + report);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(IrregularModel.class)
  void gradientsMatchFloat64FiniteDifferences(IrregularModel kind) {
    int n = 3;
    int c = 2;
    int h = 3;
    int out = 2;
    double[] grid = {0.0, 0.3, 0.45, 0.9, 1.2};
    IrregularNet net = new IrregularNet(kind, c, h, 2, out);
    float[][] init = net.initialValues(21);
    double[][] w = new double[init.length][];
    for (int i = 0; i < init.length; i++) {
      w[i] = new double[init[i].length];
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = 1.5 * init[i][j];
      }
    }
    double[] control = gaussians(4, grid.length * n * c, 1.0);
    double[] dw = gaussians(5, (grid.length - 1) * n * h, 0.5);
    double[] proj = gaussians(6, grid.length * n * out, 1.0);
    String[] checked = kind.stochastic()
        ? new String[] {"init.weight", "in.weight", "out.bias", "noise1.weight", "noise2.bias", "theta"}
        : new String[] {"init.weight", "in.weight", "out.weight", "read.bias"};
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, true);
      NDArray x = m.create(control, new Shape(grid.length, n, c));
      NDArray b = m.create(dw, new Shape(grid.length - 1, n, h));
      NDArray r = m.create(proj, new Shape(grid.length, n, out));
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray loss = net.readout(p, net.latentPath(p, x, grid, b)).mul(r).sum();
        assertEquals(DataType.FLOAT64, loss.getDataType());
        // A garbage collection between forward and backward must not change the gradient (it did
        // while the step used NDArray.mul(Number), whose scalar's buffer the GC freed).
        System.gc();
        gc.backward(loss);
      }
      for (String name : checked) {
        int idx = net.index(name);
        double[] grad = p.get(idx).getGradient().toDoubleArray();
        for (int j = 0; j < w[idx].length; j++) {
          double keep = w[idx][j];
          double eps = 1e-6;
          w[idx][j] = keep + eps;
          double up = loss(net, m, w, x, grid, b, r);
          w[idx][j] = keep - eps;
          double dn = loss(net, m, w, x, grid, b, r);
          w[idx][j] = keep;
          double fd = (up - dn) / (2 * eps);
          assertEquals(fd, grad[j], 1e-6 * Math.max(1, Math.abs(fd)), kind + " d/d " + name + "[" + j + "]");
        }
      }
    }
  }

  private static double loss(IrregularNet net, NDManager m, double[][] w, NDArray x, double[] grid, NDArray b,
      NDArray r) {
    try (NDManager sm = m.newSubManager()) {
      ParamSet p = ParamSet.ofDouble(sm, net.specs(), w, false);
      NDArray xs = x.duplicate();
      xs.attach(sm);
      return net.readout(p, net.latentPath(p, xs, grid, b)).mul(r).sum().getDouble();
    }
  }

  @Test
  void shapeMismatchIsRejected() {
    IrregularNet net = new IrregularNet(IrregularModel.LSDE, 2, 4, 1, 1);
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(1), false);
      NDArray x = m.zeros(new Shape(3, 5, 3));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> net.latentPath(p, x, new double[] {0, 1, 2}, m.zeros(new Shape(2, 5, 4))));
      assertTrue(e.getMessage().contains("control must be (3, n, 2)"), e.getMessage());
    }
  }
}
