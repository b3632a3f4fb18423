package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Egtn}: E(3) equivariance (a rotation, a reflection, translations) and particle
 * permutation equivariance of the denoiser (unconditional and conditional) and of the learnable
 * prior, to 1e-5 in float64 (they hold to rounding); float64 gradients against finite
 * differences; checkpoint round trip; errors.
 */
class EgtnTest {
  static final int B = 2;
  static final int N = 4;
  static final int F = 3;
  static final int C = 3;
  static final EgtnConfig UNCOND = new EgtnConfig(N, F, 0, 1, 6, 2, 0, 8, 0, 3);
  static final EgtnConfig COND = new EgtnConfig(N, F, C, 1, 6, 2, 2, 8, 0, 5);

  /** Coordinates, given frames, charges and c of a batch; transformable as a whole. */
  record Scene(double[] x, double[] given, double[] q, double[] c) {
    static Scene random(long seed, EgtnConfig cfg) {
      Rng r = Rng.of(seed);
      double[] q = new double[B * N];
      for (int i = 0; i < q.length; i++) {
        q[i] = r.nextDouble() < 0.5 ? -1 : 1;
      }
      return new Scene(NetChecks.gaussian(r, B * F * N * 3, 1), NetChecks.gaussian(r, B * Math.max(1,
          cfg.condFrames()) * N * 3, 1), q, new double[] {0.2, 0.8});
    }

    /** y = R x + t on every point (R row-major 3x3). */
    Scene moved(double[] rot, double[] shift) {
      return new Scene(apply(x, rot, shift), apply(given, rot, shift), q, c);
    }

    /** Particle i becomes particle perm[i] in every frame. */
    Scene permuted(int[] perm) {
      double[] pq = new double[q.length];
      for (int b = 0; b < B; b++) {
        for (int i = 0; i < N; i++) {
          pq[b * N + perm[i]] = q[b * N + i];
        }
      }
      return new Scene(permute(x, perm), permute(given, perm), pq, c);
    }

    NetChecks.Forward forward(Egtn net) {
      EgtnConfig cfg = net.config();
      return (m, p, xa) -> net.forward(p, xa, m.create(c, new Shape(B, 1)), condition(m, cfg));
    }

    Condition condition(NDManager m, EgtnConfig cfg) {
      Condition cond = Condition.NONE.withContext(m.create(q, new Shape(B, N, 1)));
      if (cfg.condFrames() > 0) {
        cond = cond.withObserved(m.create(given, new Shape(B, cfg.condFrames(), N, 3)));
      }
      return cond;
    }
  }

  static double[] apply(double[] v, double[] r, double[] t) {
    double[] out = new double[v.length];
    for (int k = 0; k < v.length; k += 3) {
      for (int a = 0; a < 3; a++) {
        out[k + a] = r[3 * a] * v[k] + r[3 * a + 1] * v[k + 1] + r[3 * a + 2] * v[k + 2] + t[a];
      }
    }
    return out;
  }

  static double[] permute(double[] v, int[] perm) {
    double[] out = new double[v.length];
    int frames = v.length / (N * 3);
    for (int f = 0; f < frames; f++) {
      for (int i = 0; i < N; i++) {
        System.arraycopy(v, (f * N + i) * 3, out, (f * N + perm[i]) * 3, 3);
      }
    }
    return out;
  }

  static double[] outputOf(Egtn net, double[][] w, Scene s) {
    return NetChecks.eval(net.specs(), w, s.x(), new Shape(B, F, N, 3), s.forward(net));
  }

  static double[] priorOf(Egtn net, double[][] w, Scene s) {
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, false);
      return net.prior(p, s.condition(m, net.config()), B, DataType.FLOAT64).toDoubleArray();
    }
  }

  static final double[] ROTATION = rotation(0.7, -1.1, 2.3);
  static final double[] REFLECTION = {1, 0, 0, 0, -1, 0, 0, 0, 1};
  static final double[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  static final double[] ZERO = {0, 0, 0};
  static final double[] SHIFT = {3.5, -2.0, 7.25};

  static double[] rotation(double a, double b, double g) {
    double[] rz = {Math.cos(a), -Math.sin(a), 0, Math.sin(a), Math.cos(a), 0, 0, 0, 1};
    double[] ry = {Math.cos(b), 0, Math.sin(b), 0, 1, 0, -Math.sin(b), 0, Math.cos(b)};
    double[] rx = {1, 0, 0, 0, Math.cos(g), -Math.sin(g), 0, Math.sin(g), Math.cos(g)};
    return mul(rz, mul(ry, rx));
  }

  static double[] mul(double[] a, double[] b) {
    double[] c = new double[9];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        }
      }
    }
    return c;
  }

  static void checkSymmetries(EgtnConfig cfg, boolean prior) {
    Egtn net = cfg.build();
    double[][] w = NetChecks.perturbed(net, 9, 0.1);
    Scene s = Scene.random(21, cfg);
    java.util.function.BiFunction<double[][], Scene, double[]> f = prior ? (ww, sc) -> priorOf(net, ww, sc)
        : (ww, sc) -> outputOf(net, ww, sc);
    double[] base = f.apply(w, s);
    assertTrue(NetChecks.maxAbs(base) > 1e-3, "output too small to test: " + NetChecks.maxAbs(base));
    // The denoiser's output is a displacement (rotates, does not shift); the prior is a position.
    double[] shiftOut = prior ? SHIFT : ZERO;
    for (double[] r : new double[][] {ROTATION, REFLECTION, IDENTITY}) {
      double[] moved = f.apply(w, s.moved(r, SHIFT));
      NetChecks.assertClose(apply(base, r, shiftOut), moved, 1e-5, (prior ? "prior" : "denoiser")
          + " under an isometry (det " + (r == REFLECTION ? -1 : 1) + ") and a translation");
    }
    int[] perm = {2, 0, 3, 1};
    NetChecks.assertClose(permute(base, perm), f.apply(w, s.permuted(perm)), 1e-5, "particle permutation");
    // Not trivially invariant: a different geometry changes the output.
    Scene other = Scene.random(22, cfg);
    assertTrue(NetChecks.maxAbs(sub(base, f.apply(w, new Scene(other.x(), other.given(), s.q(), s.c())))) > 1e-4);
  }

  static double[] sub(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  @Test
  void unconditionalDenoiserIsE3AndPermutationEquivariant() {
    checkSymmetries(UNCOND, false);
  }

  @Test
  void conditionalDenoiserIsE3AndPermutationEquivariant() {
    checkSymmetries(COND, false);
  }

  @Test
  void learnablePriorIsE3AndPermutationEquivariant() {
    checkSymmetries(COND, true);
  }

  @Test
  void gradientsMatchFiniteDifferences() {
    Egtn net = COND.build();
    double[][] w = NetChecks.perturbed(net, 4, 0.1);
    Scene s = Scene.random(5, COND);
    NetChecks.gradientCheck(net.specs(), w, s.x(), new Shape(B, F, N, 3), s.forward(net), new int[] {0, 3, 7, 12},
        6);
  }

  @Test
  void checkpointRoundTrip(@TempDir Path dir) throws IOException {
    Scene s = Scene.random(7, COND);
    float[] x = new float[s.x().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) s.x()[i];
    }
    NetChecks.checkpointRoundTrip(COND, dir, net -> (m, p, xa) -> net.forward(p, xa,
        m.create(new float[] {0.2f, 0.8f}, new Shape(B, 1)), Condition.NONE
            .withContext(m.create(toFloat(s.q()), new Shape(B, N, 1)))
            .withObserved(m.create(toFloat(s.given()), new Shape(B, C, N, 3)))), x);
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  @Test
  void missingConditionsAndBadShapesAreRejected() {
    Egtn net = COND.build();
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
      NDArray x = m.zeros(new Shape(B, F, N, 3));
      NDArray c = m.zeros(new Shape(B, 1));
      NDArray q = m.ones(new Shape(B, N, 1));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> net.forward(p, x, c, Condition.NONE.withContext(q)));
      assertTrue(e.getMessage().contains("condition.observed"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> net.forward(p, m.zeros(new Shape(B, F + 1, N, 3)), c,
          Condition.NONE.withContext(q)));
    }
    assertThrows(IllegalArgumentException.class, () -> new EgtnConfig(N, F, 1, 1, 6, 2, 2, 8, 0, 0));
  }
}
