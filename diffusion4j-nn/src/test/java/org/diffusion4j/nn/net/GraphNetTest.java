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
import org.diffusion4j.nn.net.GraphNetConfig.Layer;
import org.diffusion4j.nn.net.GraphNetConfig.Target;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GraphNet}: shapes, float64 gradients against finite differences, checkpoint round trip,
 * permutation equivariance, symmetry, padding independence, dependence on the graph, errors, and
 * the GCN propagation / adjacency powers against hand computation.
 */
class GraphNetTest {
  static final int BATCH = 2;
  static final int N = 6;
  static final int F = 3;

  /** Tiny configs of every target x layer kind, with and without the time embedding / classes. */
  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(tiny(Target.NODES, Layer.GCN, 0, 0)),
        Arguments.of(tiny(Target.NODES, Layer.GCN, 6, 2)),
        Arguments.of(tiny(Target.NODES, Layer.GMH, 6, 0)),
        Arguments.of(tiny(Target.ADJACENCY, Layer.GMH, 0, 0)),
        Arguments.of(tiny(Target.ADJACENCY, Layer.GMH, 6, 2)),
        Arguments.of(tiny(Target.ADJACENCY, Layer.GCN, 6, 0)));
  }

  static GraphNetConfig tiny(Target target, Layer layer, int timeDim, int classes) {
    return new GraphNetConfig(target, layer, N, F, 2, 4, 6, 2, 2, 2, 3, 2, timeDim, 0, classes, 5);
  }

  /** One batch of padded graphs: node flags, symmetric weighted adjacency, features, c, labels. */
  record Graphs(int n, int nodes, double[] flags, double[] adj, double[] feat, double[] c, int[] labels) {
    /** Graph b has real nodes {@code real[b]}; padding entries hold garbage unless {@code cleanPadding}. */
    static Graphs random(long seed, int n, int nodes, int[][] real, boolean cleanPadding) {
      Rng r = Rng.of(seed);
      double[] flags = new double[n * nodes];
      double[] adj = new double[n * nodes * nodes];
      double[] feat = new double[n * nodes * F];
      double[] c = new double[n];
      int[] labels = new int[n];
      for (int b = 0; b < n; b++) {
        for (int i : real[b]) {
          flags[b * nodes + i] = 1;
        }
        for (int i = 0; i < nodes; i++) {
          for (int j = i + 1; j < nodes; j++) {
            boolean both = flags[b * nodes + i] * flags[b * nodes + j] == 1;
            double v = both ? (r.nextDouble() < 0.6 ? 0.3 + 0.7 * r.nextDouble() : 0)
                : (cleanPadding ? 0 : r.nextGaussian());
            adj[(b * nodes + i) * nodes + j] = v;
            adj[(b * nodes + j) * nodes + i] = v;
          }
        }
        for (int i = 0; i < nodes; i++) {
          boolean on = flags[b * nodes + i] == 1;
          for (int k = 0; k < F; k++) {
            feat[(b * nodes + i) * F + k] = on || !cleanPadding ? r.nextGaussian() : 0;
          }
        }
        c[b] = 0.1 + 0.8 * r.nextDouble();
        labels[b] = b % 3;
      }
      return new Graphs(n, nodes, flags, adj, feat, c, labels);
    }

    /** The network input x of {@code cfg}'s target. */
    double[] x(GraphNetConfig cfg) {
      return cfg.target() == Target.NODES ? feat : adj;
    }

    /** The forward pass with these graphs' condition; x is passed separately. */
    NetChecks.Forward forward(Network net, boolean withMask) {
      GraphNetConfig cfg = (GraphNetConfig) net.config();
      return (m, p, x) -> {
        var dt = x.getDataType();
        NDArray maskA = withMask ? m.create(flags, new Shape(n, nodes)).toType(dt, false) : null;
        Condition cond = new Condition(null, maskA, null, null, null, false);
        if (cfg.target() == Target.NODES) {
          cond = cond.withAdjacency(m.create(adj, new Shape(n, nodes, nodes)).toType(dt, false));
        } else {
          cond = cond.withContext(m.create(feat, new Shape(n, nodes, F)).toType(dt, false));
        }
        if (cfg.classes() > 0) {
          cond = cond.withClassOneHot(m.create(Condition.oneHot(labels, cfg.classes()), new Shape(n,
              cfg.classes() + 1)).toType(dt, false));
        }
        return net.forward(p, x, m.create(c, new Shape(n, 1)).toType(dt, false), cond);
      };
    }

    Shape xShape(GraphNetConfig cfg) {
      return cfg.target() == Target.NODES ? new Shape(n, nodes, F) : new Shape(n, nodes, nodes);
    }
  }

  static final int[][] REAL = {{0, 1, 2, 4, 5}, {1, 2, 3, 5}};

  @ParameterizedTest
  @MethodSource("configs")
  void outputShapeSymmetryAndMasking(GraphNetConfig cfg) {
    GraphNet net = cfg.build();
    Graphs g = Graphs.random(1, BATCH, N, REAL, false);
    double[] out = NetChecks.eval(net.specs(), NetChecks.perturbed(net, 2, 0.2), g.x(cfg), g.xShape(cfg),
        g.forward(net, true));
    assertEquals(cfg.dim() * BATCH, out.length);
    assertTrue(NetChecks.maxAbs(out) > 1e-2, "output is ~0: " + NetChecks.maxAbs(out));
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, net.specs(), net.initialValues(), false);
      NDArray x = m.create(toFloat(g.x(cfg)), g.xShape(cfg));
      assertEquals(net.batchShape(BATCH), g.forward(net, true).apply(m, p, x).getShape());
    }
    for (int b = 0; b < BATCH; b++) {
      for (int i = 0; i < N; i++) {
        boolean real = g.flags[b * N + i] == 1;
        if (cfg.target() == Target.NODES) {
          for (int k = 0; k < F; k++) {
            if (!real) {
              assertEquals(0, out[(b * N + i) * F + k], 0.0, "padding node output");
            }
          }
        } else {
          for (int j = 0; j < N; j++) {
            double v = out[(b * N + i) * N + j];
            assertEquals(v, out[(b * N + j) * N + i], 1e-12, "symmetric score");
            if (i == j || !real || g.flags[b * N + j] == 0) {
              assertEquals(0, v, 0.0, "zero diagonal and zero on padding pairs");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void gradientsMatchFiniteDifferences(GraphNetConfig cfg) {
    GraphNet net = cfg.build();
    Graphs g = Graphs.random(3, BATCH, N, REAL, false);
    double[][] w = NetChecks.perturbed(net, 4, 0.2);
    int last = net.specs().size() - 1;
    int[] tensors = {0, 1, last / 3, last / 2, (2 * last) / 3, last - 1, last};
    NetChecks.gradientCheck(net.specs(), w, g.x(cfg), g.xShape(cfg), g.forward(net, true), tensors, 6);
  }

  @Test
  void checkpointRoundTripIsBitwise(@TempDir Path dir) throws IOException {
    int k = 0;
    for (Arguments a : configs().toList()) {
      GraphNetConfig cfg = (GraphNetConfig) a.get()[0];
      Graphs g = Graphs.random(7, BATCH, N, REAL, false);
      NetChecks.checkpointRoundTrip(cfg.withInitSeed(11), dir.resolve("run" + k++), net -> g.forward(net, true),
          toFloat(g.x(cfg)));
    }
  }

  /** F(P x, P A P^T, P m) = P F(x, A, m) for NODES and P F P^T for ADJACENCY, at random permutations. */
  @ParameterizedTest
  @MethodSource("configs")
  void permutationEquivariant(GraphNetConfig cfg) {
    GraphNet net = cfg.build();
    double[][] w = NetChecks.perturbed(net, 8, 0.2);
    Graphs g = Graphs.random(9, BATCH, N, REAL, false);
    double[] out = NetChecks.eval(net.specs(), w, g.x(cfg), g.xShape(cfg), g.forward(net, true));
    assertTrue(NetChecks.maxAbs(out) > 1e-2);
    Rng r = Rng.of(10);
    for (int trial = 0; trial < 3; trial++) {
      int[] perm = NetChecks.randomPermutation(r, N);
      Graphs pg = new Graphs(BATCH, N, permuteNodes(g.flags, perm, 1), permutePairs(g.adj, perm),
          permuteNodes(g.feat, perm, F), g.c, g.labels);
      double[] pout = NetChecks.eval(net.specs(), w, pg.x(cfg), pg.xShape(cfg), pg.forward(net, true));
      double[] expected = cfg.target() == Target.NODES ? permuteNodes(out, perm, F) : permutePairs(out, perm);
      NetChecks.assertClose(expected, pout, 1e-9, "permutation " + java.util.Arrays.toString(perm));
    }
  }

  /**
   * Padding nodes change nothing: garbage in their entries leaves the real outputs unchanged, and
   * the real outputs equal those of the same weights on the unpadded graph (nodes = k, no mask).
   */
  @ParameterizedTest
  @MethodSource("configs")
  void paddingNodesDoNotChangeRealOutputs(GraphNetConfig cfg) {
    int[] realNodes = {0, 2, 3, 5};
    int k = realNodes.length;
    int[][] real = {realNodes, realNodes};
    GraphNet net = cfg.build();
    double[][] w = NetChecks.perturbed(net, 12, 0.2);
    Graphs dirty = Graphs.random(13, BATCH, N, real, false);
    Graphs other = Graphs.random(14, BATCH, N, real, false);
    // same real entries, other garbage
    double[] adj2 = other.adj.clone();
    double[] feat2 = other.feat.clone();
    for (int b = 0; b < BATCH; b++) {
      for (int i : realNodes) {
        System.arraycopy(dirty.feat, (b * N + i) * F, feat2, (b * N + i) * F, F);
        for (int j : realNodes) {
          adj2[(b * N + i) * N + j] = dirty.adj[(b * N + i) * N + j];
        }
      }
    }
    Graphs redirtied = new Graphs(BATCH, N, dirty.flags, adj2, feat2, dirty.c, dirty.labels);
    double[] a = NetChecks.eval(net.specs(), w, dirty.x(cfg), dirty.xShape(cfg), dirty.forward(net, true));
    double[] b = NetChecks.eval(net.specs(), w, redirtied.x(cfg), redirtied.xShape(cfg),
        redirtied.forward(net, true));
    assertArrayEquals(a, b, 1e-12, "garbage in padding entries changed the output");

    GraphNetConfig small = new GraphNetConfig(cfg.target(), cfg.layer(), k, F, cfg.depth(), cfg.hidden(),
        cfg.attnDim(), cfg.heads(), cfg.linears(), cfg.cInit(), cfg.cHid(), cfg.cFinal(), cfg.timeEmbedDim(),
        cfg.dropout(), cfg.classes(), cfg.initSeed());
    GraphNet smallNet = small.build();
    assertEquals(net.specs(), smallNet.specs(), "parameters must not depend on N");
    Graphs compact = new Graphs(BATCH, k, ones(BATCH * k), selectPairs(dirty.adj, N, realNodes),
        selectNodes(dirty.feat, N, realNodes, F), dirty.c, dirty.labels);
    double[] c = NetChecks.eval(smallNet.specs(), w, compact.x(small), compact.xShape(small),
        compact.forward(smallNet, false));
    double[] expected = cfg.target() == Target.NODES ? selectNodes(a, N, realNodes, F) : selectPairs(a, N, realNodes);
    NetChecks.assertClose(expected, c, 1e-9, "padded vs unpadded graph");
  }

  /** The output is not a constant: it changes with one edge weight (NODES) and with the features (ADJACENCY). */
  @ParameterizedTest
  @MethodSource("configs")
  void outputDependsOnTheGraph(GraphNetConfig cfg) {
    GraphNet net = cfg.build();
    double[][] w = NetChecks.perturbed(net, 15, 0.2);
    Graphs g = Graphs.random(16, BATCH, N, REAL, false);
    double[] base = NetChecks.eval(net.specs(), w, g.x(cfg), g.xShape(cfg), g.forward(net, true));
    double[] adj = g.adj.clone();
    // edge (0, 1) of graph 0: both real
    adj[1] = adj[N] = adj[1] == 0 ? 0.9 : 0;
    Graphs edited = new Graphs(BATCH, N, g.flags, adj, g.feat, g.c, g.labels);
    double[] changed = NetChecks.eval(net.specs(), w, edited.x(cfg), edited.xShape(cfg), edited.forward(net, true));
    assertTrue(maxDiff(base, changed, 0, cfg.dim()) > 1e-3, "graph 0's output ignores its adjacency");
    assertEquals(0, maxDiff(base, changed, cfg.dim(), 2 * cfg.dim()), 1e-12, "graph 1 must not see graph 0's edit");
    if (cfg.target() == Target.ADJACENCY) {
      double[] feat = g.feat.clone();
      feat[0] += 1;
      Graphs f2 = new Graphs(BATCH, N, g.flags, g.adj, feat, g.c, g.labels);
      double[] byFeatures = NetChecks.eval(net.specs(), w, f2.x(cfg), f2.xShape(cfg), f2.forward(net, true));
      assertTrue(maxDiff(base, byFeatures, 0, cfg.dim()) > 1e-3, "adjacency score ignores the node features");
    }
    if (cfg.timeEmbedDim() > 0) {
      Graphs later = new Graphs(BATCH, N, g.flags, g.adj, g.feat, new double[] {g.c[0] + 0.2, g.c[1]}, g.labels);
      double[] byTime = NetChecks.eval(net.specs(), w, later.x(cfg), later.xShape(cfg), later.forward(net, true));
      assertTrue(maxDiff(base, byTime, 0, cfg.dim()) > 1e-3, "output ignores c");
    }
  }

  /** Dropout acts only in training: evaluation equals the dropout-free network bitwise; training differs. */
  @Test
  void dropoutOnlyInTraining() {
    GraphNetConfig cfg = tiny(Target.NODES, Layer.GMH, 4, 0);
    GraphNet plain = cfg.build();
    GraphNet dropped = cfg.withDropout(0.5).build();
    Graphs g = Graphs.random(21, BATCH, N, REAL, false);
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, plain.specs(), plain.initialValues(), false);
      NDArray x = m.create(toFloat(g.feat), g.xShape(cfg));
      Condition cond = Condition.NONE.withAdjacency(m.create(toFloat(g.adj), new Shape(BATCH, N, N)))
          .withMask(m.create(toFloat(g.flags), new Shape(BATCH, N)));
      NDArray c = m.create(toFloat(g.c), new Shape(BATCH, 1));
      float[] a = plain.forward(p, x, c, cond).toFloatArray();
      assertArrayEquals(a, dropped.forward(p, x, c, cond).toFloatArray());
      float[] t = dropped.forward(p, x, c, cond.withTraining(true)).toFloatArray();
      assertTrue(NetChecks.maxAbs(NetChecks.toDouble(t)) > 0);
      double diff = 0;
      for (int i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - t[i]));
      }
      assertTrue(diff > 1e-3, "dropout had no effect in training");
    }
  }

  @Test
  void badInputGetsClearErrors() {
    GraphNet nodes = tiny(Target.NODES, Layer.GMH, 4, 0).build();
    GraphNet adjNet = tiny(Target.ADJACENCY, Layer.GMH, 4, 0).build();
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet pn = ParamSet.of(m, nodes.specs(), nodes.initialValues(), false);
      ParamSet pa = ParamSet.of(m, adjNet.specs(), adjNet.initialValues(), false);
      NDArray c = m.zeros(new Shape(2, 1));
      NDArray x = m.zeros(new Shape(2, N, F));
      NDArray a = m.zeros(new Shape(2, N, N));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> nodes.forward(pn, x, c, Condition.NONE));
      assertTrue(e.getMessage().contains("condition.adjacency"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> nodes.forward(pn, x, c, Condition.NONE.withAdjacency(a).withMask(m.ones(new Shape(2, N + 1)))));
      assertTrue(e.getMessage().contains("condition.mask") && e.getMessage().contains("(2, 6)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> nodes.forward(pn, x, c, Condition.NONE.withAdjacency(m.zeros(new Shape(2, N, N - 1)))));
      assertTrue(e.getMessage().contains("condition.adjacency must have shape (2, 6, 6)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> nodes.forward(pn, m.zeros(new Shape(2, N, F + 1)), c, Condition.NONE.withAdjacency(a)));
      assertTrue(e.getMessage().contains("input x must have shape (2, 6, 3)"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> adjNet.forward(pa, a, c, Condition.NONE));
      assertTrue(e.getMessage().contains("condition.context"), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GraphNetConfig(Target.NODES, Layer.GMH, N, F, 2, 5, 6, 2, 2, 2, 3, 2, 0, 0, 0, 0));
    assertTrue(e.getMessage().contains("heads=2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> tiny(Target.NODES, Layer.GCN, 0, 3));
    assertTrue(e.getMessage().contains("time-embed-dim"), e.getMessage());
    GraphNet conditional = tiny(Target.NODES, Layer.GCN, 4, 2).build();
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(m, conditional.specs(), conditional.initialValues(), false);
      e = assertThrows(IllegalArgumentException.class, () -> conditional.forward(p, m.zeros(new Shape(2, N, F)),
          m.zeros(new Shape(2, 1)), Condition.NONE.withAdjacency(m.zeros(new Shape(2, N, N)))));
      assertTrue(e.getMessage().contains("class-conditional"), e.getMessage());
    }
  }

  /** D^-1/2 (A with unit diagonal) D^-1/2 and A, A^2 against hand computation on a weighted path. */
  @Test
  void gcnPropagationAndPowersMatchHandComputation() {
    // path 0 - 1 - 2 with weights 2 and 0.5, a (to be overwritten) self-loop 7 on node 2
    double[] a = {0, 2, 0, 2, 0, 0.5, 0, 0.5, 7};
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray adj = m.create(a, new Shape(1, 3, 3));
      double[] p = Layers.gcnPropagation(adj).toDoubleArray();
      double[] deg = {3, 3.5, 1.5}; // rows of A with unit diagonal
      double[] loops = {1, 2, 0, 2, 1, 0.5, 0, 0.5, 1};
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(loops[i * 3 + j] / Math.sqrt(deg[i] * deg[j]), p[i * 3 + j], 1e-14, "P[" + i + "," + j + "]");
        }
      }
      // degrees below 1 are clamped at 1: a negative weight
      double[] q = Layers.gcnPropagation(m.create(new double[] {0, -0.5, -0.5, 0}, new Shape(1, 2, 2)))
          .toDoubleArray();
      assertArrayEquals(new double[] {1, -0.5, -0.5, 1}, q, 1e-14);
      double[] pw = Layers.adjacencyPowers(adj, 2).toDoubleArray();
      assertEquals(18, pw.length);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double s = 0;
          for (int k = 0; k < 3; k++) {
            s += a[i * 3 + k] * a[k * 3 + j];
          }
          assertEquals(a[i * 3 + j], pw[i * 3 + j], 0);
          assertEquals(s, pw[9 + i * 3 + j], 1e-12);
        }
      }
    }
  }

  /**
   * NODES + GCN without time (GDSS's ScoreNetworkX) against a plain-Java float64 evaluation of
   * its formulas: h_l = tanh(P h_{l-1} W_l^T + b_l), out = mask(MLP_3([x, h_1, h_2])), ELU.
   */
  @Test
  void scoreNetworkXMatchesPlainReference() {
    GraphNetConfig cfg = tiny(Target.NODES, Layer.GCN, 0, 0);
    GraphNet net = cfg.build();
    double[][] w = NetChecks.perturbed(net, 17, 0.2);
    Graphs g = Graphs.random(18, BATCH, N, REAL, false);
    double[] out = NetChecks.eval(net.specs(), w, g.feat, g.xShape(cfg), g.forward(net, true));
    int hid = cfg.hidden();
    for (int b = 0; b < BATCH; b++) {
      double[][] adj = new double[N][N];
      double[][] x = new double[N][F];
      double[] fl = new double[N];
      for (int i = 0; i < N; i++) {
        fl[i] = g.flags[b * N + i];
        for (int k = 0; k < F; k++) {
          x[i][k] = g.feat[(b * N + i) * F + k] * fl[i];
        }
      }
      for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
          double sym = (g.adj[(b * N + i) * N + j] + g.adj[(b * N + j) * N + i]) / 2;
          adj[i][j] = i == j ? 1 : sym * fl[i] * fl[j];
        }
      }
      double[] dis = new double[N];
      for (int i = 0; i < N; i++) {
        double d = 0;
        for (int j = 0; j < N; j++) {
          d += adj[i][j];
        }
        dis[i] = 1 / Math.sqrt(Math.max(d, 1));
      }
      double[][] h = x;
      double[][] cat = new double[N][];
      for (int i = 0; i < N; i++) {
        cat[i] = x[i].clone();
      }
      for (int l = 0; l < cfg.depth(); l++) {
        double[] wl = w[2 * l];
        double[] bl = w[2 * l + 1];
        int in = l == 0 ? F : hid;
        double[][] hw = new double[N][hid];
        for (int i = 0; i < N; i++) {
          for (int o = 0; o < hid; o++) {
            for (int k = 0; k < in; k++) {
              hw[i][o] += h[i][k] * wl[o * in + k];
            }
          }
        }
        double[][] next = new double[N][hid];
        for (int i = 0; i < N; i++) {
          for (int o = 0; o < hid; o++) {
            double s = bl[o];
            for (int j = 0; j < N; j++) {
              s += dis[i] * adj[i][j] * dis[j] * hw[j][o];
            }
            next[i][o] = Math.tanh(s);
          }
          cat[i] = concat(cat[i], next[i]);
        }
        h = next;
      }
      int base = 2 * cfg.depth();
      for (int i = 0; i < N; i++) {
        double[] v = cat[i];
        for (int k = 0; k < 3; k++) {
          v = affine(v, w[base + 2 * k], w[base + 2 * k + 1]);
          if (k < 2) {
            for (int q = 0; q < v.length; q++) {
              v[q] = v[q] > 0 ? v[q] : Math.expm1(v[q]);
            }
          }
        }
        for (int k = 0; k < F; k++) {
          assertEquals(v[k] * fl[i], out[(b * N + i) * F + k], 1e-12, "graph " + b + " node " + i + " feature " + k);
        }
      }
    }
  }

  static double[] affine(double[] v, double[] wt, double[] bias) {
    int out = bias.length;
    int in = v.length;
    double[] r = new double[out];
    for (int o = 0; o < out; o++) {
      double s = bias[o];
      for (int k = 0; k < in; k++) {
        s += wt[o * in + k] * v[k];
      }
      r[o] = s;
    }
    return r;
  }

  static double[] concat(double[] a, double[] b) {
    double[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  static double maxDiff(double[] a, double[] b, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s = Math.max(s, Math.abs(a[i] - b[i]));
    }
    return s;
  }

  static double[] ones(int n) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, 1);
    return a;
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  /** out[b, i, :] = a[b, perm[i], :] for node-indexed rows of width {@code width}. */
  static double[] permuteNodes(double[] a, int[] perm, int width) {
    int nodes = perm.length;
    int n = a.length / (nodes * width);
    double[] out = new double[a.length];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < nodes; i++) {
        System.arraycopy(a, (b * nodes + perm[i]) * width, out, (b * nodes + i) * width, width);
      }
    }
    return out;
  }

  /** out[b, i, j] = a[b, perm[i], perm[j]]. */
  static double[] permutePairs(double[] a, int[] perm) {
    int nodes = perm.length;
    int n = a.length / (nodes * nodes);
    double[] out = new double[a.length];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < nodes; i++) {
        for (int j = 0; j < nodes; j++) {
          out[(b * nodes + i) * nodes + j] = a[(b * nodes + perm[i]) * nodes + perm[j]];
        }
      }
    }
    return out;
  }

  static double[] selectNodes(double[] a, int nodes, int[] keep, int width) {
    int n = a.length / (nodes * width);
    double[] out = new double[n * keep.length * width];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < keep.length; i++) {
        System.arraycopy(a, (b * nodes + keep[i]) * width, out, (b * keep.length + i) * width, width);
      }
    }
    return out;
  }

  static double[] selectPairs(double[] a, int nodes, int[] keep) {
    int n = a.length / (nodes * nodes);
    int k = keep.length;
    double[] out = new double[n * k * k];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          out[(b * k + i) * k + j] = a[(b * nodes + keep[i]) * nodes + keep[j]];
        }
      }
    }
    return out;
  }
}
