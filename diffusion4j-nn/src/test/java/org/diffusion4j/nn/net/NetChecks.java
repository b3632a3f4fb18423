package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Rng;

/** Shared checks of the network tests: float64 gradient checks, checkpoint round trips, comparisons. */
final class NetChecks {
  private NetChecks() {}

  /** A forward pass whose condition arrays are created in {@code m}, in float64. */
  interface Forward {
    NDArray apply(NDManager m, ParamSet p, NDArray x);
  }

  /**
   * The seeded initial values plus N(0, scale^2) noise, so that zero-initialised biases and
   * tiny-gain layers take part in the checks.
   */
  static double[][] perturbed(Network net, long seed, double scale) {
    float[][] init = net.initialValues();
    Rng r = Rng.of(seed);
    double[][] out = new double[init.length][];
    for (int i = 0; i < init.length; i++) {
      out[i] = new double[init[i].length];
      for (int j = 0; j < init[i].length; j++) {
        out[i][j] = init[i][j] + scale * r.nextGaussian();
      }
    }
    return out;
  }

  static double[] gaussian(Rng r, int n, double scale) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = scale * r.nextGaussian();
    }
    return a;
  }

  /** F in float64 as a flat array. */
  static double[] eval(List<ParamSpec> specs, double[][] w, double[] x, Shape xs, Forward f) {
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, specs, w, false);
      NDArray out = f.apply(m, p, m.create(x, xs));
      assertEquals(DataType.FLOAT64, out.getDataType(), "the network must compute in x's data type");
      return out.toDoubleArray();
    }
  }

  /**
   * Autograd gradients of L = sum(F * r) with respect to the tensors {@code tensors} and the input
   * x against central finite differences (h = 1e-6) at a few random entries of each.
   */
  static void gradientCheck(List<ParamSpec> specs, double[][] w, double[] x, Shape xs, Forward f, int[] tensors,
      long seed) {
    Rng r = Rng.of(seed);
    double[] proj;
    double[][] grads = new double[specs.size()][];
    double[] gradX;
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, specs, w, true);
      NDArray xa = m.create(x, xs);
      xa.setRequiresGradient(true);
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray out = f.apply(m, p, xa);
        proj = gaussian(r, (int) out.size(), 1);
        NDArray loss = out.mul(m.create(proj, out.getShape())).sum();
        gc.backward(loss);
      }
      for (int i : tensors) {
        grads[i] = p.get(i).getGradient().toDoubleArray();
      }
      gradX = xa.getGradient().toDoubleArray();
    }
    double h = 1e-6;
    int checked = 0;
    double largest = 0;
    for (int i : tensors) {
      for (int q = 0; q < 4; q++) {
        int j = r.nextInt(w[i].length);
        double keep = w[i][j];
        w[i][j] = keep + h;
        double lp = dot(eval(specs, w, x, xs, f), proj);
        w[i][j] = keep - h;
        double lm = dot(eval(specs, w, x, xs, f), proj);
        w[i][j] = keep;
        double fd = (lp - lm) / (2 * h);
        assertNear(grads[i][j], fd, "dL/d" + specs.get(i) + "[" + j + "]");
        largest = Math.max(largest, Math.abs(fd));
        checked++;
      }
    }
    for (int q = 0; q < 6; q++) {
      int j = r.nextInt(x.length);
      double keep = x[j];
      x[j] = keep + h;
      double lp = dot(eval(specs, w, x, xs, f), proj);
      x[j] = keep - h;
      double lm = dot(eval(specs, w, x, xs, f), proj);
      x[j] = keep;
      double fd = (lp - lm) / (2 * h);
      assertNear(gradX[j], fd, "dL/dx[" + j + "]");
      largest = Math.max(largest, Math.abs(fd));
      checked++;
    }
    assertTrue(largest > 1e-3, "gradients are all tiny (" + largest + "): the check would pass vacuously");
    assertTrue(checked >= 4 * tensors.length + 6);
  }

  private static void assertNear(double autograd, double fd, String what) {
    double err = Math.abs(autograd - fd);
    assertTrue(err <= 1e-6 * Math.max(Math.abs(autograd), Math.abs(fd)) + 2e-8,
        what + ": autograd " + autograd + " vs finite difference " + fd);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double maxAbs(double[] a) {
    double s = 0;
    for (double v : a) {
      s = Math.max(s, Math.abs(v));
    }
    return s;
  }

  static void assertClose(double[] expected, double[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(expected[i] - actual[i]) <= tol, what + ": entry " + i + " expected " + expected[i] + " got "
          + actual[i]);
    }
  }

  /**
   * JSON through {@link Networks} gives the same config, and a {@link Checkpoint} written and read
   * back gives bitwise-equal weights and a bitwise-equal float32 forward output from the network
   * rebuilt from the read config.
   */
  static void checkpointRoundTrip(NetworkConfig cfg, Path dir, java.util.function.Function<Network, Forward> forward,
      float[] x) throws IOException {
    String json = Networks.toJson(cfg);
    NetworkConfig parsed = Networks.fromJson(json);
    assertEquals(cfg.getClass(), parsed.getClass());
    assertEquals(json, Networks.toJson(parsed), "JSON round trip");
    assertEquals(cfg, parsed, "config round trip (records without arrays compare by value)");

    Network net = cfg.build();
    float[][] w = net.initialValues();
    float[][] zeros = new float[w.length][];
    for (int i = 0; i < w.length; i++) {
      zeros[i] = new float[w[i].length];
    }
    TrainConfig tc = TrainConfig.builder(cfg.dim()).network(cfg).steps(10).build();
    Checkpoint ck = new Checkpoint(tc, 0, 0, new double[0], net.specs(), w, w, zeros, zeros, new float[0]);
    Path written = ck.write(dir, 1, Checkpoint.WriteHook.NONE);
    Checkpoint read = Checkpoint.read(written);
    assertEquals(json, Networks.toJson(read.config().network()), "network config in the checkpoint");
    Network rebuilt = read.config().network().build();
    read.requireSpecs(rebuilt.specs());
    for (int i = 0; i < w.length; i++) {
      assertArrayEquals(w[i], read.weights()[i], "weights of " + net.specs().get(i));
    }
    Shape xs = net.batchShape(x.length / cfg.dim());
    try (NDManager m = DjlRuntime.newManager()) {
      float[] a = forward.apply(net).apply(m, ParamSet.of(m, net.specs(), w, false), m.create(x, xs)).toFloatArray();
      float[] b = forward.apply(rebuilt).apply(m, ParamSet.of(m, rebuilt.specs(), read.weights(), false),
          m.create(x, xs)).toFloatArray();
      assertArrayEquals(a, b, "forward output after the checkpoint round trip");
      assertTrue(maxAbs(toDouble(a)) > 0, "the output is identically zero");
    }
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  static int[] randomPermutation(Rng r, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
