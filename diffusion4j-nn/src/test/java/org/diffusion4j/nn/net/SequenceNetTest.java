package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.SequenceNetConfig.Backbone;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link SequenceNet} and its S4D layer {@link S4D}. */
public class SequenceNetTest {

  /** A tiny config exercising every input: class labels and the observed/mask channels. */
  static SequenceNetConfig tiny(Backbone b, boolean causal) {
    return new SequenceNetConfig(5, 2, b, 4, 2, 2, 4, causal, 0, 2, 4, 3);
  }

  /** Initial values plus N(0, 0.3^2) noise, so zero-initialised outputs do not hide any path. */
  static double[][] perturbed(SequenceNet net, long seed) {
    return NetChecks.perturbed(net, seed, 0.3);
  }

  static double[] gaussian(Rng r, int size, double scale) {
    return NetChecks.gaussian(r, size, scale);
  }

  /** Inputs of a forward pass: x, c, observed, mask and class one-hot, in float64. */
  record Inputs(double[] x, double[] c, double[] observed, double[] mask, float[] oneHot) {
    static Inputs random(SequenceNetConfig cfg, int n, long seed) {
      Rng r = Rng.of(seed);
      int d = cfg.dim();
      double[] mask = new double[n * d];
      double[] obs = gaussian(r, n * d, 1);
      for (int i = 0; i < mask.length; i++) {
        mask[i] = r.nextDouble() < 0.5 ? 1 : 0;
        obs[i] *= mask[i];
      }
      int[] labels = new int[n];
      for (int i = 0; i < n; i++) {
        labels[i] = i % (cfg.classes() + 1);
      }
      double[] c = new double[n];
      for (int i = 0; i < n; i++) {
        c[i] = 0.02 * r.nextDouble();
      }
      return new Inputs(gaussian(r, n * d, 1), c, obs, mask,
          cfg.classes() > 0 ? Condition.oneHot(labels, cfg.classes()) : null);
    }

    int n() {
      return c.length;
    }

    NDArray xArray(NDManager m, SequenceNet net) {
      return m.create(x, net.batchShape(n()));
    }

    Condition condition(NDManager m, SequenceNet net, DataType type) {
      SequenceNetConfig cfg = net.config();
      Condition cond = Condition.NONE;
      if (oneHot != null) {
        cond = cond.withClassOneHot(m.create(oneHot, new Shape(n(), cfg.classes() + 1)).toType(type, false));
      }
      if (cfg.condChannels() > 0) {
        cond = cond.withObserved(m.create(observed, net.batchShape(n())).toType(type, false))
            .withMask(m.create(mask, net.batchShape(n())).toType(type, false));
      }
      return cond;
    }
  }

  // ---- shapes ----

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void outputHasTheInputShapeForEveryBackboneAndOption(Backbone b) {
    for (boolean causal : new boolean[] {false, true}) {
      for (SequenceNetConfig cfg : List.of(new SequenceNetConfig(7, 3, b, 8, 3, 2, 6, causal, 0.1, 0, 0, 1),
          new SequenceNetConfig(6, 2, b, 8, 2, 4, 4, causal, 0, 3, 4, 2),
          new SequenceNetConfig(1, 1, b, 2, 1, 1, 2, causal, 0, 0, 0, 0))) {
        SequenceNet net = cfg.build();
        int n = 3;
        Inputs in = Inputs.random(cfg, n, 5);
        try (NDManager m = DjlRuntime.newManager()) {
          ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
          for (boolean training : new boolean[] {false, true}) {
            NDArray out = net.forward(p, in.xArray(m, net).toType(DataType.FLOAT32, false),
                m.create(in.c(), new Shape(n, 1)).toType(DataType.FLOAT32, false),
                in.condition(m, net, DataType.FLOAT32).withTraining(training));
            assertEquals(new Shape(n, cfg.length(), cfg.channels()), out.getShape(), cfg.toString());
            assertEquals(DataType.FLOAT32, out.getDataType());
            for (float v : out.toFloatArray()) {
              assertTrue(Float.isFinite(v), cfg.toString());
            }
          }
        }
      }
    }
  }

  @Test
  void specsHaveUniqueNamesAndInitialValuesMatchAndAreSeeded() {
    for (Backbone b : Backbone.values()) {
      SequenceNetConfig cfg = new SequenceNetConfig(8, 2, b, 8, 3, 2, 8, false, 0, 2, 4, 11);
      SequenceNet net = cfg.build();
      List<ParamSpec> specs = net.specs();
      assertEquals(specs.size(), specs.stream().map(ParamSpec::name).distinct().count(), b.toString());
      float[][] v = net.initialValues();
      ParamSet.check(specs, v);
      float[][] again = cfg.build().initialValues();
      float[][] other = cfg.withInitSeed(12).build().initialValues();
      boolean differs = false;
      for (int i = 0; i < v.length; i++) {
        assertArrayEquals(v[i], again[i], specs.get(i).name());
        differs |= !java.util.Arrays.equals(v[i], other[i]);
      }
      assertTrue(differs, "another seed must give other weights");
    }
  }

  // ---- float64 gradients vs central finite differences ----

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void gradientsMatchFloat64FiniteDifferences(Backbone b) {
    for (boolean causal : new boolean[] {false, true}) {
      SequenceNetConfig cfg = tiny(b, causal);
      SequenceNet net = cfg.build();
      int n = 2;
      Inputs in = Inputs.random(cfg, n, 21);
      double[][] w = perturbed(net, 22);
      double[] r = gaussian(Rng.of(23), n * cfg.dim(), 1);
      double[][] paramGrads = new double[w.length][];
      double[] inputGrad;
      try (NDManager m = DjlRuntime.newManager()) {
        ParamSet p = ParamSet.ofDouble(m, net.specs(), w, true);
        NDArray x = in.xArray(m, net);
        x.setRequiresGradient(true);
        try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray f = net.forward(p, x, m.create(in.c(), new Shape(n, 1)), in.condition(m, net, DataType.FLOAT64));
          assertEquals(DataType.FLOAT64, f.getDataType());
          gc.backward(f.mul(m.create(r, net.batchShape(n))).sum());
        }
        for (int i = 0; i < w.length; i++) {
          NDArray g = p.get(i).getGradient();
          assertEquals(DataType.FLOAT64, g.getDataType(), net.specs().get(i).name());
          paramGrads[i] = g.toDoubleArray();
        }
        inputGrad = x.getGradient().toDoubleArray();
      }
      Rng pick = Rng.of(24);
      double h = 1e-6;
      int checked = 0;
      for (int i = 0; i < w.length; i++) {
        for (int k = 0; k < 2; k++) {
          int j = pick.nextInt(w[i].length);
          double keep = w[i][j];
          w[i][j] = keep + h;
          double plus = projected(net, w, in.x(), in, r);
          w[i][j] = keep - h;
          double minus = projected(net, w, in.x(), in, r);
          w[i][j] = keep;
          assertClose((plus - minus) / (2 * h), paramGrads[i][j], b + " causal=" + causal + " d/d "
              + net.specs().get(i).name() + "[" + j + "]");
          checked++;
        }
      }
      for (int j = 0; j < in.x().length; j += 3) {
        double[] xp = in.x().clone();
        xp[j] += h;
        double plus = projected(net, w, xp, in, r);
        xp[j] -= 2 * h;
        double minus = projected(net, w, xp, in, r);
        assertClose((plus - minus) / (2 * h), inputGrad[j], b + " causal=" + causal + " d/dx[" + j + "]");
      }
      assertTrue(checked > 20, "checked " + checked + " parameter entries");
    }
  }

  /** sum(F(x) * r) in float64. */
  static double projected(SequenceNet net, double[][] w, double[] x, Inputs in, double[] r) {
    try (NDManager m = DjlRuntime.newManager()) {
      int n = in.n();
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, false);
      NDArray f = net.forward(p, m.create(x, net.batchShape(n)), m.create(in.c(), new Shape(n, 1)),
          in.condition(m, net, DataType.FLOAT64));
      return f.mul(m.create(r, net.batchShape(n))).sum().getDouble();
    }
  }

  static void assertClose(double expected, double actual, String what) {
    double tol = 1e-7 + 1e-6 * Math.abs(expected);
    assertTrue(Math.abs(expected - actual) <= tol, what + ": finite difference " + expected + ", autograd " + actual);
  }

  // ---- S4D closed forms ----

  /** One real mode: K[l] = 2 C (e^{dt a} - 1)/a e^{dt a l}, a geometric sequence with ratio e^{dt a}. */
  @Test
  void s4dKernelOfOneRealModeIsTheClosedFormGeometricSequence() {
    double dt = 0.3;
    double a = -0.7;
    double cRe = 1.3;
    int len = 9;
    try (NDManager m = DjlRuntime.newManager()) {
      double[] k = S4D.kernel(m.create(new double[] {Math.log(dt)}), m.create(new double[] {Math.log(-a)}, new Shape(1, 1)),
          m.create(new double[] {0}, new Shape(1, 1)), m.create(new double[] {cRe}, new Shape(1, 1, 1)),
          m.create(new double[] {0.4}, new Shape(1, 1, 1)), len).toDoubleArray();
      assertEquals(len, k.length);
      double first = 2 * cRe * (Math.exp(dt * a) - 1) / a;
      for (int l = 0; l < len; l++) {
        assertEquals(first * Math.exp(dt * a * l), k[l], 1e-13, "K[" + l + "]");
      }
    }
  }

  /** Complex modes: K[l] = 2 Re(sum_k C_k (e^{dt A_k} - 1)/A_k e^{dt A_k l}), computed here with plain complex arithmetic. */
  @Test
  void s4dKernelMatchesTheClosedFormForComplexModes() {
    int h = 2;
    int modes = 3;
    int len = 11;
    Rng r = Rng.of(5);
    double[] logDt = gaussian(r, h, 0.5);
    double[] logNegARe = gaussian(r, h * modes, 0.5);
    double[] aIm = gaussian(r, h * modes, 3);
    double[] cRe = gaussian(r, 2 * h * modes, 1);
    double[] cIm = gaussian(r, 2 * h * modes, 1);
    try (NDManager m = DjlRuntime.newManager()) {
      double[] k = S4D.kernel(m.create(logDt), m.create(logNegARe, new Shape(h, modes)),
          m.create(aIm, new Shape(h, modes)), m.create(cRe, new Shape(2, h, modes)),
          m.create(cIm, new Shape(2, h, modes)), len).toDoubleArray();
      for (int q = 0; q < 2; q++) {
        for (int c = 0; c < h; c++) {
          for (int l = 0; l < len; l++) {
            double sum = 0;
            for (int j = 0; j < modes; j++) {
              Mode md = new Mode(logDt[c], logNegARe[c * modes + j], aIm[c * modes + j]);
              int ci = (q * h + c) * modes + j;
              // C dB dA^l
              double[] coef = mul(cRe[ci], cIm[ci], md.dbRe, md.dbIm);
              double[] pow = md.power(l);
              sum += 2 * mul(coef[0], coef[1], pow[0], pow[1])[0];
            }
            assertEquals(sum, k[(q * h + c) * len + l], 1e-12, "K" + q + "[" + c + ", " + l + "]");
          }
        }
      }
    }
  }

  /**
   * The long convolution equals the ZOH recurrence x_l = dA x_{l-1} + dB u_l, y_l = 2 Re(C x_l) + D u_l
   * run in plain Java; bidirectionally plus the backward recurrence z_l = dA z_{l+1} + dB u_{l+1},
   * y_l += 2 Re(C1 z_l).
   */
  @Test
  void s4dConvolutionEqualsTheStateSpaceRecurrence() {
    int n = 2;
    int h = 3;
    int modes = 2;
    int len = 8;
    Rng r = Rng.of(8);
    double[] logDt = gaussian(r, h, 0.5);
    double[] logNegARe = gaussian(r, h * modes, 0.5);
    double[] aIm = gaussian(r, h * modes, 2);
    double[] cRe = gaussian(r, 2 * h * modes, 1);
    double[] cIm = gaussian(r, 2 * h * modes, 1);
    double[] d = gaussian(r, h, 1);
    double[] u = gaussian(r, n * h * len, 1);
    for (int kernels = 1; kernels <= 2; kernels++) {
      double[] y;
      try (NDManager m = DjlRuntime.newManager()) {
        int kk = kernels;
        NDArray k = S4D.kernel(m.create(logDt), m.create(logNegARe, new Shape(h, modes)),
            m.create(aIm, new Shape(h, modes)), m.create(java.util.Arrays.copyOf(cRe, kk * h * modes), new Shape(kk, h, modes)),
            m.create(java.util.Arrays.copyOf(cIm, kk * h * modes), new Shape(kk, h, modes)), len);
        y = S4D.convolve(m.create(u, new Shape(n, h, len)), k, m.create(d)).toDoubleArray();
      }
      for (int b = 0; b < n; b++) {
        for (int c = 0; c < h; c++) {
          double[] expect = new double[len];
          int base = (b * h + c) * len;
          for (int l = 0; l < len; l++) {
            expect[l] = d[c] * u[base + l];
          }
          for (int j = 0; j < modes; j++) {
            Mode md = new Mode(logDt[c], logNegARe[c * modes + j], aIm[c * modes + j]);
            double xr = 0;
            double xi = 0;
            int c0 = c * modes + j;
            for (int l = 0; l < len; l++) {
              double[] ax = mul(md.daRe, md.daIm, xr, xi);
              xr = ax[0] + md.dbRe * u[base + l];
              xi = ax[1] + md.dbIm * u[base + l];
              expect[l] += 2 * mul(cRe[c0], cIm[c0], xr, xi)[0];
            }
            if (kernels == 2) {
              int c1 = (h + c) * modes + j;
              double zr = 0;
              double zi = 0;
              for (int l = len - 2; l >= 0; l--) {
                double[] az = mul(md.daRe, md.daIm, zr, zi);
                zr = az[0] + md.dbRe * u[base + l + 1];
                zi = az[1] + md.dbIm * u[base + l + 1];
                expect[l] += 2 * mul(cRe[c1], cIm[c1], zr, zi)[0];
              }
            }
          }
          for (int l = 0; l < len; l++) {
            assertEquals(expect[l], y[base + l], 1e-11, "kernels=" + kernels + " y[" + b + ", " + c + ", " + l + "]");
          }
        }
      }
    }
  }

  /** ZOH discretisation of one complex mode A = -exp(logNegARe) + i aIm with step exp(logDt). */
  static final class Mode {
    final double daRe;
    final double daIm;
    final double dbRe;
    final double dbIm;

    Mode(double logDt, double logNegARe, double aIm) {
      double dt = Math.exp(logDt);
      double aRe = -Math.exp(logNegARe);
      double e = Math.exp(dt * aRe);
      daRe = e * Math.cos(dt * aIm);
      daIm = e * Math.sin(dt * aIm);
      double[] q = div(daRe - 1, daIm, aRe, aIm);
      dbRe = q[0];
      dbIm = q[1];
    }

    double[] power(int l) {
      double pr = 1;
      double pi = 0;
      for (int i = 0; i < l; i++) {
        double[] t = mul(pr, pi, daRe, daIm);
        pr = t[0];
        pi = t[1];
      }
      return new double[] {pr, pi};
    }
  }

  static double[] mul(double ar, double ai, double br, double bi) {
    return new double[] {ar * br - ai * bi, ar * bi + ai * br};
  }

  static double[] div(double ar, double ai, double br, double bi) {
    double den = br * br + bi * bi;
    return new double[] {(ar * br + ai * bi) / den, (ai * br - ar * bi) / den};
  }

  @Test
  void s4dInitialisationFollowsS4dInvAndLin() {
    float[][] v = S4D.initialValues(Rng.of(1), 4, 8, 2);
    // Channels 0, 1: S4D-Inv, Im A_n = N/pi (N/(2n+1) - 1); channels 2, 3: S4D-Lin, Im A_n = pi n.
    assertEquals(8 / Math.PI * (8 / 3.0 - 1), v[2][1], 1e-5);
    assertEquals(Math.PI * 3, v[2][2 * 4 + 3], 1e-5);
    assertEquals(Math.log(0.5), v[1][5], 1e-7);
    for (float logDt : v[0]) {
      assertTrue(logDt >= Math.log(0.001) && logDt <= Math.log(0.1), "log dt " + logDt);
    }
    assertEquals(2 * 4 * 4, v[3].length);
  }

  // ---- causality ----

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void causalNetworksIgnoreTheFutureAndBidirectionalOnesDoNot(Backbone b) {
    int len = 9;
    int pos = 4;
    for (boolean causal : new boolean[] {true, false}) {
      SequenceNetConfig cfg = new SequenceNetConfig(len, 2, b, 8, 3, 2, 4, causal, 0, 0, 0, 6);
      SequenceNet net = cfg.build();
      double[][] w = perturbed(net, 7);
      Inputs in = Inputs.random(cfg, 2, 8);
      double[] x2 = in.x().clone();
      for (int i = 0; i < 2; i++) {
        for (int c = 0; c < 2; c++) {
          x2[(i * len + pos) * 2 + c] += 1.5;
        }
      }
      double[] f1;
      double[] f2;
      try (NDManager m = DjlRuntime.newManager()) {
        ParamSet p = ParamSet.ofDouble(m, net.specs(), w, false);
        NDArray c = m.create(in.c(), new Shape(2, 1));
        f1 = net.forward(p, m.create(in.x(), net.batchShape(2)), c, Condition.NONE).toDoubleArray();
        f2 = net.forward(p, m.create(x2, net.batchShape(2)), c, Condition.NONE).toDoubleArray();
      }
      double before = 0;
      double after = 0;
      for (int i = 0; i < 2; i++) {
        for (int l = 0; l < len; l++) {
          for (int ch = 0; ch < 2; ch++) {
            int idx = (i * len + l) * 2 + ch;
            double diff = Math.abs(f1[idx] - f2[idx]);
            if (l < pos) {
              before = Math.max(before, diff);
            } else {
              after = Math.max(after, diff);
            }
          }
        }
      }
      assertTrue(after > 1e-3, b + " causal=" + causal + ": the change at " + pos + " must reach the output, max diff "
          + after);
      if (causal) {
        assertTrue(before < 1e-12, b + ": outputs before position " + pos + " changed by " + before);
      } else {
        assertTrue(before > 1e-3, b + " bidirectional: earlier outputs should see the change, max diff " + before);
      }
    }
  }

  // ---- configuration and inputs ----

  @Test
  void badConfigurationsAndInputsGiveClearErrors() {
    assertMessage(() -> new SequenceNetConfig(0, 1, Backbone.S4, 8, 2, 2, 4, false, 0, 0, 0, 0), "length");
    assertMessage(() -> new SequenceNetConfig(8, 0, Backbone.S4, 8, 2, 2, 4, false, 0, 0, 0, 0), "channels");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.S4, 7, 2, 2, 4, false, 0, 0, 0, 0), "width");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.S4, 8, 0, 2, 4, false, 0, 0, 0, 0), "depth");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.TRANSFORMER, 6, 2, 4, 4, false, 0, 0, 0, 0), "heads");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.S4, 8, 2, 2, 3, false, 0, 0, 0, 0), "state size");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.S4, 8, 2, 2, 4, false, 1.0, 0, 0, 0), "dropout");
    assertMessage(() -> new SequenceNetConfig(8, 1, Backbone.S4, 8, 2, 2, 4, false, 0, -1, 0, 0), "classes");
    assertMessage(() -> new SequenceNetConfig(8, 2, Backbone.S4, 8, 2, 2, 4, false, 0, 0, 3, 0), "cond-channels");
    assertMessage(() -> new SequenceNetConfig(8, 2, null, 8, 2, 2, 4, false, 0, 0, 0, 0), "backbone");
    assertMessage(() -> Networks.fromJson(Networks.toJson(SequenceNetConfig.defaults(8, 1, Backbone.S4))
        .replace("\"s4\"", "\"lstm\"")), "lstm");

    SequenceNetConfig cfg = tiny(Backbone.DILATED_CONV, false);
    SequenceNet net = cfg.build();
    Inputs in = Inputs.random(cfg, 2, 1);
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
      NDArray x = in.xArray(m, net).toType(DataType.FLOAT32, false);
      NDArray c = m.create(new float[2], new Shape(2, 1));
      Condition full = in.condition(m, net, DataType.FLOAT32);
      assertMessage(() -> net.forward(p, x, c, full.withMask(null)), "condition.observed and condition.mask");
      assertMessage(() -> net.forward(p, x, c, full.withClassOneHot(null)), "class");
      assertMessage(() -> net.forward(p, x.reshape(2, 10), c, full), "(n, 5, 2)");
      assertMessage(() -> net.forward(p, x, c, full.withMask(x.reshape(2, 2, 5))), "shape of x");
      ParamSet other = ParamSet.of(m, cfg.withDepth(3).build().specs(), cfg.withDepth(3).build().initialValues(), false);
      assertMessage(() -> net.forward(other, x, c, full), "parameter tensors");
    }
  }

  static void assertMessage(org.junit.jupiter.api.function.Executable e, String part) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), "message '" + ex.getMessage() + "' should mention " + part);
  }

  // ---- JSON and checkpoints ----

  @ParameterizedTest
  @EnumSource(Backbone.class)
  void configAndCheckpointRoundTripGiveBitwiseEqualOutputs(Backbone b, @TempDir Path dir) throws Exception {
    SequenceNetConfig cfg = new SequenceNetConfig(6, 2, b, 8, 2, 2, 4, b == Backbone.TRANSFORMER, 0.1, 0, 0, 9);
    String json = Networks.toJson(cfg);
    assertTrue(json.contains("\"type\": \"sequence\"") || json.contains("\"type\":\"sequence\""), json);
    assertEquals(cfg, Networks.fromJson(json));
    assertTrue(Networks.names().contains("sequence"));

    Dataset data = Dataset.of("ar1", ar1(64, 6, 2, 0.8, 3));
    TrainConfig tc = TrainConfig.builder(cfg.dim()).network(cfg).steps(3).batch(8).warmupSteps(1)
        .checkpointEvery(0).build();
    float[][] weights;
    try (Trainer t = Trainer.create(tc, data)) {
      for (int k = 0; k < 3; k++) {
        t.trainStep();
      }
      weights = t.weights();
      t.checkpoint().write(dir, 1, Checkpoint.WriteHook.NONE);
    }
    Checkpoint back = Checkpoint.readLatest(dir);
    assertEquals(json, Networks.toJson(back.config().network()));
    Network restored = back.config().network().build();
    back.requireSpecs(restored.specs());
    SequenceNet original = cfg.build();
    Inputs in = Inputs.random(cfg, 3, 4);
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray x = in.xArray(m, original).toType(DataType.FLOAT32, false);
      NDArray c = m.create(in.c(), new Shape(3, 1)).toType(DataType.FLOAT32, false);
      float[] a = original.forward(ParamSet.of(m, original.specs(), weights, false), x, c, Condition.NONE)
          .toFloatArray();
      float[] r = restored.forward(ParamSet.of(m, restored.specs(), back.weights(), false), x, c, Condition.NONE)
          .toFloatArray();
      assertArrayEquals(a, r);
      boolean nonZero = false;
      for (float v : a) {
        nonZero |= v != 0;
      }
      assertTrue(nonZero, "trained output should not be identically zero");
    }
  }

  /** Same seeds, same run: two trainers of a dropout-free network give bitwise-identical losses and weights. */
  @ParameterizedTest
  @EnumSource(Backbone.class)
  void trainingIsBitwiseReproducible(Backbone b) {
    SequenceNetConfig cfg = new SequenceNetConfig(6, 2, b, 8, 2, 2, 4, false, 0, 0, 0, 4);
    Dataset data = Dataset.of("ar1", ar1(32, 6, 2, 0.8, 5));
    TrainConfig tc = TrainConfig.builder(cfg.dim()).network(cfg).steps(3).batch(8).checkpointEvery(0).build();
    float[][][] weights = new float[2][][];
    float[][] losses = new float[2][];
    for (int run = 0; run < 2; run++) {
      try (Trainer t = Trainer.create(tc, data)) {
        for (int k = 0; k < 3; k++) {
          t.trainStep();
        }
        weights[run] = t.weights();
        losses[run] = t.losses();
      }
    }
    assertArrayEquals(losses[0], losses[1]);
    for (int i = 0; i < weights[0].length; i++) {
      assertArrayEquals(weights[0][i], weights[1][i]);
    }
  }

  /** Stationary AR(1) rows x_{l+1} = phi x_l + sqrt(1 - phi^2) e, unit variance, C independent channels. */
  static Batch ar1(int rows, int len, int channels, double phi, long seed) {
    Batch out = new Batch(rows, len * channels);
    double[] v = out.data();
    Rng r = Rng.of(seed);
    double s = Math.sqrt(1 - phi * phi);
    for (int i = 0; i < rows; i++) {
      for (int c = 0; c < channels; c++) {
        double x = r.nextGaussian();
        for (int l = 0; l < len; l++) {
          v[(i * len + l) * channels + c] = x;
          x = phi * x + s * r.nextGaussian();
        }
      }
    }
    return out;
  }

  // ---- training sanity ----

  /**
   * Flow matching on AR(1) series (cond-OT path, target v = eps - x0): a network that looks at each
   * value alone can at best reach E_t[2 - (2t-1)^2 / ((1-t)^2 + t^2)] per coordinate (the Gaussian
   * regression of v on x_t with unit-variance iid data); using the correlation along the series must
   * get below that bound, and far below the initial loss.
   */
  @ParameterizedTest
  @EnumSource(Backbone.class)
  void trainingOnAr1SeriesUsesTheTemporalCorrelation(Backbone b) {
    int len = 16;
    SequenceNetConfig cfg = new SequenceNetConfig(len, 1, b, 16, 2, 2, 8, false, 0, 0, 0, 1);
    Dataset data = Dataset.of("ar1", ar1(2048, len, 1, 0.95, 2));
    TrainConfig tc = TrainConfig.builder(cfg.dim()).network(cfg).steps(STEPS).batch(64).lr(3e-3).warmupSteps(10)
        .checkpointEvery(0).build();
    double pointwiseBound = 0;
    int grid = 100000;
    for (int k = 0; k < grid; k++) {
      double t = (k + 0.5) / grid;
      pointwiseBound += (2 - (2 * t - 1) * (2 * t - 1) / ((1 - t) * (1 - t) + t * t)) / grid;
    }
    try (Trainer t = Trainer.create(tc, data)) {
      long start = System.nanoTime();
      for (int k = 0; k < STEPS; k++) {
        t.trainStep();
      }
      float[] losses = t.losses();
      double first = mean(losses, 0, 5);
      double last = mean(losses, STEPS - 30, STEPS);
      System.out.printf("%s: first %.3f last %.3f pointwise bound %.3f (%.1f s)%n", b, first, last, pointwiseBound,
          (System.nanoTime() - start) / 1e9);
      assertTrue(last < 0.7 * first, b + ": loss " + first + " -> " + last);
      assertTrue(last < pointwiseBound, b + ": loss " + last + " is not below the pointwise bound " + pointwiseBound);
    }
  }

  static final int STEPS = 120;

  static double mean(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  @Test
  void float64ParamSetRejectsWrongSizes() {
    try (NDManager m = DjlRuntime.newManager()) {
      List<ParamSpec> specs = List.of(new ParamSpec("a", new long[] {2, 2}));
      assertMessage(() -> ParamSet.ofDouble(m, specs, new double[][] {{1, 2, 3}}, false), "needs 4 values");
      ParamSet p = ParamSet.ofDouble(m, specs, new double[][] {{1, 2, 3, 4}}, false);
      assertEquals(DataType.FLOAT64, p.get(0).getDataType());
    }
  }
}
