package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every derivative of {@link TimeMlpJet} against central finite differences of an independent
 * plain-Java float64 re-implementation of the {@link TimeMlp} forward pass, on random weights.
 */
public class TimeMlpJetTest {
  static final int N = 6;

  @ParameterizedTest
  @EnumSource(TimeEmbedding.class)
  void derivativesMatchFloat64FiniteDifferences(TimeEmbedding embedding) {
    int d = 3;
    MlpConfig cfg = new MlpConfig(d, 24, 2, 8, embedding, 1.0, 2, 7);
    TimeMlp net = new TimeMlp(cfg);
    float[][] w = net.initialValues();
    // Larger weights than the default init so that the second derivatives are not tiny.
    for (float[] a : w) {
      for (int j = 0; j < a.length; j++) {
        a[j] *= 2.5f;
      }
    }
    Rng r = Rng.of(11);
    float[] u = new float[N * d];
    float[] du = new float[N * d];
    float[] c = new float[N];
    float[] dc = new float[N];
    int[] labels = new int[N];
    double cMax = embedding == TimeEmbedding.SINUSOIDAL ? 0.01 : 1.0;
    for (int i = 0; i < N; i++) {
      for (int j = 0; j < d; j++) {
        u[i * d + j] = (float) (1.5 * r.nextGaussian());
        du[i * d + j] = (float) r.nextGaussian();
      }
      c[i] = (float) (cMax * r.nextDouble());
      dc[i] = (float) (cMax * r.nextGaussian());
      labels[i] = i % 3;
    }
    Plain ref = new Plain(net, w);
    TimeMlpJet jet = new TimeMlpJet(net);
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), w, false);
      NDArray oneHot = m.create(net.oneHot(labels), new Shape(N, 3));
      TimeMlpJet.Result res = jet.forward(p, m.create(u, new Shape(N, d)), m.create(c, new Shape(N, 1)),
          m.create(du, new Shape(N, d)), m.create(dc, new Shape(N, 1)), oneHot);
      float[] value = res.value().toFloatArray();
      float[] plainForward = net.forward(p, m.create(u, new Shape(N, d)), m.create(c, new Shape(N, 1)), oneHot)
          .toFloatArray();
      float[] spatial = res.spatial().toFloatArray();
      float[] time = res.time().toFloatArray();
      float[] second = res.second().toFloatArray();
      float[] gradDiv = jet.gradDivergence(res).toFloatArray();
      int pairs = jet.pairs().length;
      double[] expValue = new double[N * d];
      double[] expSpatial = new double[d * N * d];
      double[] expTime = new double[N * d];
      double[] expSecond = new double[pairs * N * d];
      double[] expGradDiv = new double[N * d];
      for (int i = 0; i < N; i++) {
        double[] ui = new double[d];
        double[] dui = new double[d];
        for (int j = 0; j < d; j++) {
          ui[j] = u[i * d + j];
          dui[j] = du[i * d + j];
        }
        double ci = c[i];
        int y = labels[i];
        double[] f0 = ref.f(ui, ci, y);
        System.arraycopy(f0, 0, expValue, i * d, d);
        double h = 1e-5;
        for (int j = 0; j < d; j++) {
          double[] fp = ref.f(shift(ui, j, h), ci, y);
          double[] fm = ref.f(shift(ui, j, -h), ci, y);
          for (int k = 0; k < d; k++) {
            expSpatial[(j * N + i) * d + k] = (fp[k] - fm[k]) / (2 * h);
          }
        }
        double ht = 1e-7;
        double[] tp = ref.f(axpy(ui, ht, dui), ci + ht * dc[i], y);
        double[] tm = ref.f(axpy(ui, -ht, dui), ci - ht * dc[i], y);
        for (int k = 0; k < d; k++) {
          expTime[i * d + k] = (tp[k] - tm[k]) / (2 * ht);
        }
        double h2 = 1e-3;
        int[][] pr = jet.pairs();
        for (int q = 0; q < pairs; q++) {
          int a = pr[q][0];
          int b = pr[q][1];
          double[] pp = ref.f(shift(shift(ui, a, h2), b, h2), ci, y);
          double[] pm = ref.f(shift(shift(ui, a, h2), b, -h2), ci, y);
          double[] mp = ref.f(shift(shift(ui, a, -h2), b, h2), ci, y);
          double[] mm = ref.f(shift(shift(ui, a, -h2), b, -h2), ci, y);
          for (int k = 0; k < d; k++) {
            expSecond[(q * N + i) * d + k] = (pp[k] - pm[k] - mp[k] + mm[k]) / (4 * h2 * h2);
          }
        }
        for (int j = 0; j < d; j++) {
          double s = 0;
          for (int k = 0; k < d; k++) {
            s += expSecond[(jet.pairIndex(j, k) * N + i) * d + k];
          }
          expGradDiv[i * d + j] = s;
        }
      }
      check("value", value, expValue, 1e-4);
      check("value vs TimeMlp.forward", value, toDouble(plainForward), 1e-5);
      check("dF/du", spatial, expSpatial, 1e-4);
      check("dF/dtime", time, expTime, 1e-4);
      check("d2F/du du", second, expSecond, 2e-4);
      check("grad div F", gradDiv, expGradDiv, 2e-4);
    }
  }

  /**
   * Hutchinson grad(div F) with all 2^d sign vectors as the probes of every row equals the exact
   * one (E[v v^T] = I holds exactly over the full sign set), and the other outputs are unchanged.
   */
  @org.junit.jupiter.api.Test
  void hutchinsonWithAllSignVectorsIsExact() {
    int d = 3;
    int probes = 1 << d;
    MlpConfig cfg = new MlpConfig(d, 16, 2, 8, TimeEmbedding.FOURIER, 1.0, 0, 9);
    TimeMlp net = new TimeMlp(cfg);
    float[][] w = net.initialValues();
    for (float[] a : w) {
      for (int j = 0; j < a.length; j++) {
        a[j] *= 2.5f;
      }
    }
    int n = 5;
    float[] v = new float[probes * n * d];
    for (int q = 0; q < probes; q++) {
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          v[(q * n + i) * d + j] = ((q >> j) & 1) == 0 ? 1f : -1f;
        }
      }
    }
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), w, false);
      NDArray u = m.randomNormal(new Shape(n, d));
      NDArray c = m.randomUniform(0f, 1f, new Shape(n, 1));
      TimeMlpJet exact = new TimeMlpJet(net);
      TimeMlpJet hutch = new TimeMlpJet(net, probes);
      TimeMlpJet.Result re = exact.forward(p, u, c, u.mul(0.3f), c.mul(0.7f), null);
      TimeMlpJet.Result rh = hutch.forward(p, u, c, u.mul(0.3f), c.mul(0.7f), null, m.create(v, new Shape(probes, n, d)));
      check("hutchinson grad div", exact.gradDivergence(re).toFloatArray(),
          toDouble(hutch.gradDivergence(rh).toFloatArray()), 1e-5);
      check("spatial", re.spatial().toFloatArray(), toDouble(rh.spatial().toFloatArray()), 1e-6);
      check("time", re.time().toFloatArray(), toDouble(rh.time().toFloatArray()), 1e-6);
      // A single probe is not exact (the off-diagonal Hessian terms enter).
      TimeMlpJet one = new TimeMlpJet(net, 1);
      float[] v1 = java.util.Arrays.copyOf(v, n * d);
      java.util.Arrays.fill(v1, 1f);
      float[] est = one.gradDivergence(one.forward(p, u, c, u, c, null, m.create(v1, new Shape(1, n, d))))
          .toFloatArray();
      float[] ex = exact.gradDivergence(re).toFloatArray();
      double diff = 0;
      for (int i = 0; i < est.length; i++) {
        diff = Math.max(diff, Math.abs(est[i] - ex[i]));
      }
      assertTrue(diff > 1e-3, "one all-ones probe should differ from the exact value, max diff " + diff);
    }
  }

  /**
   * Every array of a step lives in the step's sub-manager: after it closes, the manager holding
   * the parameters has exactly as many arrays as before (no per-step leak of graphs).
   */
  @org.junit.jupiter.api.Test
  void stepArraysStayInTheStepManager() {
    MlpConfig cfg = new MlpConfig(2, 8, 1, 4, TimeEmbedding.FOURIER, 1.0, 0, 1);
    TimeMlp net = new TimeMlp(cfg);
    TimeMlpJet jet = new TimeMlpJet(net);
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), true);
      int before = m.getManagedArrays().size();
      for (int step = 0; step < 3; step++) {
        try (NDManager sm = m.newSubManager();
            ai.djl.training.GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray u = sm.randomNormal(new Shape(4, 2));
          NDArray c = sm.randomUniform(0f, 1f, new Shape(4, 1));
          TimeMlpJet.Result r = jet.forward(p, u, c, u.mul(0.5f), c.mul(2f), null);
          gc.backward(r.value().sum().add(r.spatial().square().sum()).add(r.time().sum())
              .add(jet.gradDivergence(r).square().sum()));
        }
      }
      assertTrue(m.getManagedArrays().size() == before, "arrays in the parameters' manager: before " + before
          + ", after " + m.getManagedArrays().size());
    }
  }

  static double[] toDouble(float[] a) {
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }

  /** max |got - expected| &lt;= tol * max |expected| (the arrays' scale), and the scale is not trivial. */
  static void check(String what, float[] got, double[] expected, double tol) {
    double scale = 0;
    double err = 0;
    for (int i = 0; i < got.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      err = Math.max(err, Math.abs(got[i] - expected[i]));
    }
    assertTrue(scale > 1e-3, what + ": reference is trivially small (" + scale + ")");
    assertTrue(err <= tol * scale, what + ": max error " + err + " vs scale " + scale + " (relative "
        + err / scale + ", allowed " + tol + ")");
  }

  static double[] shift(double[] x, int j, double h) {
    double[] y = x.clone();
    y[j] += h;
    return y;
  }

  static double[] axpy(double[] x, double a, double[] v) {
    double[] y = x.clone();
    for (int j = 0; j < y.length; j++) {
      y[j] += a * v[j];
    }
    return y;
  }

  /** The TimeMlp forward pass in plain double arithmetic (independent of DJL). */
  public static final class Plain {
    final MlpConfig cfg;
    final double[] freqs;
    final double[][] w;

    public Plain(TimeMlp net, float[][] weights) {
      this.cfg = net.config();
      float[] f = net.frequencies();
      this.freqs = new double[f.length];
      for (int i = 0; i < f.length; i++) {
        freqs[i] = f[i];
      }
      this.w = new double[weights.length][];
      for (int i = 0; i < weights.length; i++) {
        w[i] = toDouble(weights[i]);
      }
    }

    public double[] f(double[] u, double c, int label) {
      int half = freqs.length;
      double[] emb = new double[2 * half];
      for (int k = 0; k < half; k++) {
        emb[k] = Math.sin(c * freqs[k]);
        emb[half + k] = Math.cos(c * freqs[k]);
      }
      int i = 0;
      int width = cfg.width();
      double[] temb = silu(lin(w[i++], w[i++], emb, width));
      double[] h = lin(w[i++], w[i++], u, width);
      for (int k = 0; k < width; k++) {
        h[k] += temb[k];
      }
      if (cfg.classes() > 0) {
        double[] cw = w[i++];
        for (int k = 0; k < width; k++) {
          h[k] += cw[k * (cfg.classes() + 1) + label];
        }
      }
      for (int b = 0; b < cfg.depth(); b++) {
        double[] y = lin(w[i++], w[i++], silu(h), width);
        for (int k = 0; k < width; k++) {
          h[k] += y[k];
        }
      }
      return lin(w[i++], w[i], silu(h), cfg.dim());
    }

    static double[] lin(double[] weight, double[] bias, double[] x, int out) {
      double[] y = new double[out];
      for (int o = 0; o < out; o++) {
        double s = bias[o];
        for (int k = 0; k < x.length; k++) {
          s += weight[o * x.length + k] * x[k];
        }
        y[o] = s;
      }
      return y;
    }

    static double[] silu(double[] x) {
      double[] y = new double[x.length];
      for (int k = 0; k < x.length; k++) {
        y[k] = x[k] / (1 + Math.exp(-x[k]));
      }
      return y;
    }
  }
}
