package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.EgnnConfig.Aggregation;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Egnn}: shapes, float64 gradients against finite differences, checkpoint round trip,
 * E(3) equivariance (rotations, a reflection, translations), permutation equivariance, masking,
 * dependence on the geometry, errors, and a plain-Java reference of Eq. 3-6.
 */
class EgnnTest {
  static final int BATCH = 2;
  static final int N = 5;
  static final int D = 3;
  static final int F = 2;
  static final int[][] REAL = {{0, 1, 2, 4}, {0, 1, 2, 3, 4}};

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(new EgnnConfig(N, D, F, 6, 3, 0, Aggregation.MEAN, false, true, 0, 3)),
        Arguments.of(new EgnnConfig(N, D, 0, 6, 2, 4, Aggregation.SUM, true, false, 0, 3)),
        Arguments.of(new EgnnConfig(N, D, F, 5, 2, 4, Aggregation.MEAN, false, false, 2, 3)),
        Arguments.of(new EgnnConfig(N, 2, F, 4, 2, 0, Aggregation.MEAN, true, true, 0, 3)));
  }

  /** A batch of point sets with node flags, features, c and labels. */
  record Clouds(int n, int nodes, int dim, double[] flags, double[] x, double[] feat, double[] c, int[] labels) {
    static Clouds random(long seed, int nodes, int dim, int[][] real) {
      Rng r = Rng.of(seed);
      double[] flags = new double[BATCH * nodes];
      for (int b = 0; b < BATCH; b++) {
        for (int i : real[b]) {
          flags[b * nodes + i] = 1;
        }
      }
      return new Clouds(BATCH, nodes, dim, flags, NetChecks.gaussian(r, BATCH * nodes * dim, 1),
          NetChecks.gaussian(r, BATCH * nodes * F, 1), new double[] {0.3, 0.7}, new int[] {0, 2});
    }

    Shape xShape() {
      return new Shape(n, nodes, dim);
    }

    Clouds withX(double[] v) {
      return new Clouds(n, nodes, dim, flags, v, feat, c, labels);
    }

    NetChecks.Forward forward(Network net, boolean withMask) {
      EgnnConfig cfg = (EgnnConfig) net.config();
      return (m, p, x) -> {
        var dt = x.getDataType();
        Condition cond = Condition.NONE;
        if (withMask) {
          cond = cond.withMask(m.create(flags, new Shape(n, nodes)).toType(dt, false));
        }
        if (cfg.features() > 0) {
          cond = cond.withContext(m.create(feat, new Shape(n, nodes, F)).toType(dt, false));
        }
        if (cfg.classes() > 0) {
          cond = cond.withClassOneHot(m.create(Condition.oneHot(labels, cfg.classes()),
              new Shape(n, cfg.classes() + 1)).toType(dt, false));
        }
        return net.forward(p, x, m.create(c, new Shape(n, 1)).toType(dt, false), cond);
      };
    }
  }

  /** Weights with the coordinate gain raised from 0.001, so the field is far from zero. */
  static double[][] weights(Egnn net, long seed) {
    return NetChecks.perturbed(net, seed, 0.3);
  }

  @ParameterizedTest
  @MethodSource("configs")
  void shapeMaskAndMean(EgnnConfig cfg) {
    Egnn net = cfg.build();
    Clouds g = Clouds.random(1, N, cfg.spaceDim(), REAL);
    double[] out = NetChecks.eval(net.specs(), weights(net, 2), g.x, g.xShape(), g.forward(net, true));
    assertEquals(BATCH * N * cfg.spaceDim(), out.length);
    assertTrue(NetChecks.maxAbs(out) > 1e-2, "field is ~0");
    for (int b = 0; b < BATCH; b++) {
      for (int k = 0; k < cfg.spaceDim(); k++) {
        double mean = 0;
        for (int i = 0; i < N; i++) {
          double v = out[(b * N + i) * cfg.spaceDim() + k];
          if (g.flags[b * N + i] == 0) {
            assertEquals(0, v, 0.0, "padding node output");
          }
          mean += v;
        }
        if (cfg.removeMean()) {
          assertEquals(0, mean, 1e-12, "mean over real nodes is removed");
        }
      }
    }
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
      NDArray x = m.create(GraphNetTest.toFloat(g.x), g.xShape());
      assertEquals(net.batchShape(BATCH), g.forward(net, true).apply(m, p, x).getShape());
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void gradientsMatchFiniteDifferences(EgnnConfig cfg) {
    Egnn net = cfg.build();
    Clouds g = Clouds.random(3, N, cfg.spaceDim(), REAL);
    int last = net.specs().size() - 1;
    int[] tensors = {0, 1, 2, last / 3, last / 2, last - 2, last - 1, last};
    NetChecks.gradientCheck(net.specs(), weights(net, 4), g.x, g.xShape(), g.forward(net, true), tensors, 5);
  }

  @Test
  void checkpointRoundTripIsBitwise(@TempDir Path dir) throws IOException {
    int k = 0;
    for (Arguments a : configs().toList()) {
      EgnnConfig cfg = (EgnnConfig) a.get()[0];
      Clouds g = Clouds.random(7, N, cfg.spaceDim(), REAL);
      NetChecks.checkpointRoundTrip(cfg.withInitSeed(21), dir.resolve("run" + k++), net -> g.forward(net, true),
          GraphNetTest.toFloat(g.x));
    }
  }

  /** F(x Q^T + t) = F(x) Q^T for random rotations, a reflection, and translations. */
  @ParameterizedTest
  @MethodSource("configs")
  void euclideanEquivariant(EgnnConfig cfg) {
    int dim = cfg.spaceDim();
    Egnn net = cfg.build();
    double[][] w = weights(net, 8);
    Clouds g = Clouds.random(9, N, dim, REAL);
    double[] out = NetChecks.eval(net.specs(), w, g.x, g.xShape(), g.forward(net, true));
    assertTrue(NetChecks.maxAbs(out) > 1e-2);
    Rng r = Rng.of(10);
    for (int trial = 0; trial < 4; trial++) {
      double[][] q = randomOrthogonal(r, dim, trial % 2 == 1); // odd trials: det -1
      double[] t = NetChecks.gaussian(r, dim, 3);
      double[] moved = transform(g.x, q, t);
      double[] got = NetChecks.eval(net.specs(), w, moved, g.xShape(), g.forward(net, true));
      NetChecks.assertClose(transform(out, q, new double[dim]), got, 1e-9, "trial " + trial);
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void permutationEquivariant(EgnnConfig cfg) {
    int dim = cfg.spaceDim();
    Egnn net = cfg.build();
    double[][] w = weights(net, 11);
    Clouds g = Clouds.random(12, N, dim, REAL);
    double[] out = NetChecks.eval(net.specs(), w, g.x, g.xShape(), g.forward(net, true));
    Rng r = Rng.of(13);
    for (int trial = 0; trial < 3; trial++) {
      int[] perm = NetChecks.randomPermutation(r, N);
      Clouds pg = new Clouds(BATCH, N, dim, GraphNetTest.permuteNodes(g.flags, perm, 1),
          GraphNetTest.permuteNodes(g.x, perm, dim), GraphNetTest.permuteNodes(g.feat, perm, F), g.c, g.labels);
      double[] got = NetChecks.eval(net.specs(), w, pg.x, pg.xShape(), pg.forward(net, true));
      NetChecks.assertClose(GraphNetTest.permuteNodes(out, perm, dim), got, 1e-9, "permutation");
    }
  }

  /**
   * Masked nodes change nothing: moving them or changing their features leaves the real outputs
   * unchanged, and the real outputs equal the unpadded network's (same weights, nodes = k).
   */
  @ParameterizedTest
  @MethodSource("configs")
  void maskedNodesDoNotAffectRealOnes(EgnnConfig cfg) {
    int dim = cfg.spaceDim();
    int[] realNodes = {0, 2, 3};
    int[][] real = {realNodes, realNodes};
    Egnn net = cfg.build();
    double[][] w = weights(net, 14);
    Clouds g = Clouds.random(15, N, dim, real);
    double[] a = NetChecks.eval(net.specs(), w, g.x, g.xShape(), g.forward(net, true));
    Rng r = Rng.of(16);
    double[] x2 = g.x.clone();
    double[] f2 = g.feat.clone();
    for (int b = 0; b < BATCH; b++) {
      for (int i : new int[] {1, 4}) {
        for (int k = 0; k < dim; k++) {
          x2[(b * N + i) * dim + k] += 5 * r.nextGaussian();
        }
        for (int k = 0; k < F; k++) {
          f2[(b * N + i) * F + k] += 5 * r.nextGaussian();
        }
      }
    }
    Clouds moved = new Clouds(BATCH, N, dim, g.flags, x2, f2, g.c, g.labels);
    double[] b2 = NetChecks.eval(net.specs(), w, moved.x, moved.xShape(), moved.forward(net, true));
    assertArrayEquals(a, b2, 1e-12, "padding nodes changed the output");

    EgnnConfig small = new EgnnConfig(realNodes.length, dim, cfg.features(), cfg.hidden(), cfg.depth(),
        cfg.timeEmbedDim(), cfg.coordsAggregation(), cfg.tanh(), cfg.removeMean(), cfg.classes(), cfg.initSeed());
    Egnn smallNet = small.build();
    assertEquals(net.specs(), smallNet.specs());
    Clouds compact = new Clouds(BATCH, realNodes.length, dim, GraphNetTest.ones(BATCH * realNodes.length),
        GraphNetTest.selectNodes(g.x, N, realNodes, dim), GraphNetTest.selectNodes(g.feat, N, realNodes, F), g.c,
        g.labels);
    double[] c = NetChecks.eval(smallNet.specs(), w, compact.x, compact.xShape(), compact.forward(smallNet, false));
    NetChecks.assertClose(GraphNetTest.selectNodes(a, N, realNodes, dim), c, 1e-9, "padded vs unpadded");
  }

  /**
   * Not a trivial field: it changes when one node moves (beyond the move itself), when the graph
   * (the node set of the mask) changes, with the features and with c.
   */
  @ParameterizedTest
  @MethodSource("configs")
  void outputDependsOnGeometryGraphAndTime(EgnnConfig cfg) {
    int dim = cfg.spaceDim();
    Egnn net = cfg.build();
    double[][] w = weights(net, 17);
    Clouds g = Clouds.random(18, N, dim, REAL);
    double[] base = NetChecks.eval(net.specs(), w, g.x, g.xShape(), g.forward(net, true));
    double[] x2 = g.x.clone();
    x2[0] += 0.5;
    double[] moved = NetChecks.eval(net.specs(), w, x2, g.xShape(), g.withX(x2).forward(net, true));
    // node 1 did not move; its output still changes through the edge to node 0
    assertTrue(Math.abs(moved[dim] - base[dim]) + Math.abs(moved[dim + 1] - base[dim + 1]) > 1e-3,
        "a node's output ignores its neighbour's position");
    double[] flags = g.flags.clone();
    flags[2] = 0; // drop node 2 from graph 0
    Clouds fewer = new Clouds(BATCH, N, dim, flags, g.x, g.feat, g.c, g.labels);
    double[] dropped = NetChecks.eval(net.specs(), w, g.x, g.xShape(), fewer.forward(net, true));
    assertTrue(GraphNetTest.maxDiff(base, dropped, 0, dim * 2) > 1e-3, "output ignores the node set");
    assertEquals(0, GraphNetTest.maxDiff(base, dropped, N * dim, 2 * N * dim), 1e-12, "graph 1 changed");
    Clouds later = new Clouds(BATCH, N, dim, g.flags, g.x, g.feat, new double[] {0.9, 0.7}, g.labels);
    double[] byTime = NetChecks.eval(net.specs(), w, g.x, g.xShape(), later.forward(net, true));
    assertTrue(GraphNetTest.maxDiff(base, byTime, 0, N * dim) > 1e-3, "output ignores c");
    if (cfg.features() > 0) {
      double[] f2 = g.feat.clone();
      f2[0] += 1;
      Clouds feat = new Clouds(BATCH, N, dim, g.flags, g.x, f2, g.c, g.labels);
      double[] byFeat = NetChecks.eval(net.specs(), w, g.x, g.xShape(), feat.forward(net, true));
      assertTrue(GraphNetTest.maxDiff(base, byFeat, 0, N * dim) > 1e-3, "output ignores the features");
    }
  }

  /**
   * Eq. 3-6 in plain Java float64, one graph at a time over its real nodes, against the batched
   * network (MEAN and SUM, tanh on and off, with and without mean removal).
   */
  @ParameterizedTest
  @MethodSource("configs")
  void matchesPlainReference(EgnnConfig cfg) {
    int dim = cfg.spaceDim();
    Egnn net = cfg.build();
    double[][] w = weights(net, 19);
    Clouds g = Clouds.random(20, N, dim, REAL);
    double[] out = NetChecks.eval(net.specs(), w, g.x, g.xShape(), g.forward(net, true));
    int hid = cfg.hidden();
    for (int b = 0; b < BATCH; b++) {
      int[] real = REAL[b];
      int k = real.length;
      double[] tau = tau(cfg, g.c[b], g.labels[b]);
      double[][] h0 = new double[k][];
      double[][] x = new double[k][dim];
      for (int a = 0; a < k; a++) {
        double[] f = new double[cfg.features()];
        for (int q = 0; q < cfg.features(); q++) {
          f[q] = g.feat[(b * N + real[a]) * F + q];
        }
        h0[a] = GraphNetTest.concat(f, tau);
        for (int q = 0; q < dim; q++) {
          x[a][q] = g.x[(b * N + real[a]) * dim + q];
        }
      }
      int pi = 0;
      double[][] h = new double[k][];
      for (int a = 0; a < k; a++) {
        h[a] = GraphNetTest.affine(h0[a], w[pi], w[pi + 1]);
      }
      pi += 2;
      double[][] x0 = new double[k][];
      for (int a = 0; a < k; a++) {
        x0[a] = x[a].clone();
      }
      for (int l = 0; l < cfg.depth(); l++) {
        double[][][] msg = new double[k][k][];
        double[][] xNext = new double[k][];
        for (int i = 0; i < k; i++) {
          xNext[i] = x[i].clone();
          double[] agg = new double[dim];
          for (int j = 0; j < k; j++) {
            if (i == j) {
              continue;
            }
            double[] diff = new double[dim];
            double r2 = 0;
            for (int q = 0; q < dim; q++) {
              diff[q] = x[i][q] - x[j][q];
              r2 += diff[q] * diff[q];
            }
            double[] in = GraphNetTest.concat(GraphNetTest.concat(h[i], h[j]),
                GraphNetTest.concat(new double[] {r2}, tau));
            double[] m = silu(GraphNetTest.affine(silu(GraphNetTest.affine(in, w[pi], w[pi + 1])), w[pi + 2],
                w[pi + 3]));
            msg[i][j] = m;
            double phi = GraphNetTest.affine(silu(GraphNetTest.affine(m, w[pi + 4], w[pi + 5])), w[pi + 6],
                new double[1])[0];
            if (cfg.tanh()) {
              phi = Math.tanh(phi);
            }
            for (int q = 0; q < dim; q++) {
              agg[q] += diff[q] * phi;
            }
          }
          for (int q = 0; q < dim; q++) {
            xNext[i][q] += cfg.coordsAggregation() == Aggregation.MEAN ? agg[q] / Math.max(k - 1, 1) : agg[q];
          }
        }
        int used = 7;
        if (l < cfg.depth() - 1) {
          double[][] hNext = new double[k][];
          for (int i = 0; i < k; i++) {
            double[] sum = new double[hid];
            for (int j = 0; j < k; j++) {
              if (j != i) {
                for (int q = 0; q < hid; q++) {
                  sum[q] += msg[i][j][q];
                }
              }
            }
            double[] in = GraphNetTest.concat(GraphNetTest.concat(h[i], sum), h0[i]);
            double[] d = GraphNetTest.affine(silu(GraphNetTest.affine(in, w[pi + 7], w[pi + 8])), w[pi + 9],
                w[pi + 10]);
            hNext[i] = h[i].clone();
            for (int q = 0; q < hid; q++) {
              hNext[i][q] += d[q];
            }
          }
          h = hNext;
          used = 11;
        }
        x = xNext;
        pi += used;
      }
      assertEquals(w.length, pi, "reference consumed every tensor");
      double[][] v = new double[k][dim];
      double[] mean = new double[dim];
      for (int a = 0; a < k; a++) {
        for (int q = 0; q < dim; q++) {
          v[a][q] = x[a][q] - x0[a][q];
          mean[q] += v[a][q] / k;
        }
      }
      for (int a = 0; a < k; a++) {
        for (int q = 0; q < dim; q++) {
          double expected = v[a][q] - (cfg.removeMean() ? mean[q] : 0);
          assertEquals(expected, out[(b * N + real[a]) * dim + q], 1e-10, "graph " + b + " node " + real[a]);
        }
      }
    }
  }

  @Test
  void badInputGetsClearErrors() {
    Egnn net = new EgnnConfig(N, D, F, 4, 2, 0, Aggregation.MEAN, false, true, 0, 0).build();
    Egnn bare = new EgnnConfig(N, D, 0, 4, 2, 0, Aggregation.MEAN, false, true, 0, 0).build();
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
      ParamSet pb = ParamSet.of(m, bare.specs(), bare.initialValues(), false);
      NDArray x = m.zeros(new Shape(2, N, D));
      NDArray c = m.zeros(new Shape(2, 1));
      NDArray ctx = m.zeros(new Shape(2, N, F));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> net.forward(p, x, c, Condition.NONE.withContext(ctx).withMask(m.ones(new Shape(2, N - 1)))));
      assertTrue(e.getMessage().contains("condition.mask") && e.getMessage().contains("(2, 5)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> net.forward(p, x, c, Condition.NONE));
      assertTrue(e.getMessage().contains("condition.context"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> net.forward(p, m.zeros(new Shape(2, N, 2)), c, Condition.NONE.withContext(ctx)));
      assertTrue(e.getMessage().contains("input x must have shape (2, 5, 3)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> bare.forward(pb, x, c, Condition.NONE.withContext(ctx)));
      assertTrue(e.getMessage().contains("features=0"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> net.forward(p, x, m.zeros(new Shape(3, 1)), Condition.NONE.withContext(ctx)));
      assertTrue(e.getMessage().contains("c must have shape (2, 1)"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new EgnnConfig(N, D, F, 4, 2, 3, Aggregation.MEAN, false, true, 0, 0));
    assertTrue(e.getMessage().contains("time-embed-dim=3"), e.getMessage());
  }

  /** The default init follows egnn_clean: phi_x's last layer is Xavier-uniform with gain 0.001. */
  @Test
  void coordinateLayerStartsTiny() {
    Egnn net = EgnnConfig.defaults(N, D, F).build();
    float[][] v = net.initialValues();
    double bound = Egnn.COORD_GAIN * Math.sqrt(6.0 / (net.config().hidden() + 1));
    int seen = 0;
    for (int i = 0; i < v.length; i++) {
      if (net.specs().get(i).name().endsWith("coord.1.weight")) {
        double max = 0;
        for (float f : v[i]) {
          max = Math.max(max, Math.abs(f));
        }
        assertTrue(max <= bound && max > bound / 2, "xavier gain 0.001 bound " + bound + ", max " + max);
        seen++;
      }
    }
    assertEquals(net.config().depth(), seen);
  }

  static double[] tau(EgnnConfig cfg, double c, int label) {
    double[] t;
    if (cfg.timeEmbedDim() == 0) {
      t = new double[] {c};
    } else {
      int half = cfg.timeEmbedDim() / 2;
      t = new double[2 * half];
      for (int k = 0; k < half; k++) {
        double f = (float) (1000.0 * Math.exp(-Math.log(10000.0) * k / half)); // Layers keeps float32 frequencies
        t[k] = Math.sin(c * f);
        t[half + k] = Math.cos(c * f);
      }
    }
    if (cfg.classes() > 0) {
      double[] y = new double[cfg.classes() + 1];
      y[label] = 1;
      t = GraphNetTest.concat(t, y);
    }
    return t;
  }

  static double[] silu(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[i] / (1 + Math.exp(-a[i]));
    }
    return r;
  }

  /** Row-wise y = Q x + t over points of width dim. */
  static double[] transform(double[] x, double[][] q, double[] t) {
    int dim = t.length;
    double[] out = new double[x.length];
    for (int p = 0; p < x.length / dim; p++) {
      for (int i = 0; i < dim; i++) {
        double s = t[i];
        for (int j = 0; j < dim; j++) {
          s += q[i][j] * x[p * dim + j];
        }
        out[p * dim + i] = s;
      }
    }
    return out;
  }

  /** Gram-Schmidt of a Gaussian matrix; the first row negated when {@code reflect} gives det -1 if it was +1. */
  static double[][] randomOrthogonal(Rng r, int dim, boolean reflect) {
    double[][] q = new double[dim][];
    for (int i = 0; i < dim; i++) {
      double[] v = NetChecks.gaussian(r, dim, 1);
      for (int j = 0; j < i; j++) {
        double d = NetChecks.dot(v, q[j]);
        for (int k = 0; k < dim; k++) {
          v[k] -= d * q[j][k];
        }
      }
      double norm = Math.sqrt(NetChecks.dot(v, v));
      for (int k = 0; k < dim; k++) {
        v[k] /= norm;
      }
      q[i] = v;
    }
    double det = determinant(q);
    if ((det < 0) != reflect) {
      for (int k = 0; k < dim; k++) {
        q[0][k] = -q[0][k];
      }
    }
    assertEquals(reflect ? -1 : 1, determinant(q), 1e-9);
    return q;
  }

  static double determinant(double[][] a) {
    int n = a.length;
    if (n == 1) {
      return a[0][0];
    }
    if (n == 2) {
      return a[0][0] * a[1][1] - a[0][1] * a[1][0];
    }
    double s = 0;
    for (int c = 0; c < n; c++) {
      double[][] minor = new double[n - 1][n - 1];
      for (int i = 1; i < n; i++) {
        int cc = 0;
        for (int j = 0; j < n; j++) {
          if (j != c) {
            minor[i - 1][cc++] = a[i][j];
          }
        }
      }
      s += (c % 2 == 0 ? 1 : -1) * a[0][c] * determinant(minor);
    }
    return s;
  }
}
