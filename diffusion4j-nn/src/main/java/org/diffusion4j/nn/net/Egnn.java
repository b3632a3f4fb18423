package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * E(n)-equivariant graph network (Satorras, Hoogeboom &amp; Welling 2021, Eq. 3-6) as a vector
 * field on point sets: x (n, N, D) coordinates, fully connected among the real nodes of
 * {@code condition.mask} (n, N) (null = all real), optional invariant node features in
 * {@code condition.context} (n, N, F). The output is x_L - x (n, N, D): invariant under
 * translations, equivariant under rotations and reflections and node permutations, zero on
 * padding nodes, and with its mean over real nodes removed when {@code removeMean} is set (the
 * zero centre-of-mass subspace of EDM, Hoogeboom et al. 2022, and GeoTDM).
 *
 * <p>Each layer is E_GCL of the official code (vgsatorras/egnn, models/egnn_clean/egnn_clean.py):
 * <pre>
 *   m_ij   = silu(W2 silu(W1 [h_i, h_j, |x_i - x_j|^2, tau] + b1) + b2)     (Eq. 3, edges i != j, both real)
 *   x_i   += agg_j (x_i - x_j) phi_x(m_ij)                                  (Eq. 4; agg = mean over the
 *            real neighbours, count clamped at 1, or sum; phi_x = Linear-SiLU-Linear(no bias)[-tanh],
 *            last layer Xavier-uniform with gain 0.001)
 *   h_i   += phi_h([h_i, sum_j m_ij, h0_i])                                 (Eq. 5-6, residual)
 * </pre>
 * with the coordinates updated from the layer's input h and x, as the official forward. Time:
 * tau is the sinusoidal embedding of c (or c itself when {@code timeEmbedDim} is 0, as EDM feeds
 * t), plus the class one-hot if class-conditional; it enters the input embedding
 * h0 = [features, tau] -&gt; h, every edge MLP as an edge attribute ({@code edges_in_d}), and every
 * node MLP through h0 as the node attribute ({@code node_attr} of models/gcl.py, as the official
 * QM9 model passes h0). All are invariant, so the symmetries hold. The last layer's node update
 * would not reach the output and is omitted. The first edge linear map is evaluated as
 * W_src h_i + W_dst h_j + w_r r_ij + W_tau tau + b, the same map as on the concatenation, without
 * materialising (n, N, N, 2H + 1 + T) inputs.
 */
public final class Egnn implements Network {
  /** Gain of the Xavier-uniform init of phi_x's last layer (egnn_clean.py): coordinate updates start tiny. */
  static final double COORD_GAIN = 0.001;

  private final EgnnConfig config;
  private final ParamLayout layout;
  private final List<ParamSpec> specs;
  private final int tauWidth;

  public Egnn(EgnnConfig config) {
    this.config = config;
    this.tauWidth = (config.timeEmbedDim() == 0 ? 1 : config.timeEmbedDim())
        + (config.classes() > 0 ? config.classes() + 1 : 0);
    long h = config.hidden();
    long h0 = config.features() + tauWidth;
    layout = new ParamLayout();
    layout.linear("in", h0, h, true);
    for (int l = 0; l < config.depth(); l++) {
      String pre = "layer" + l + ".";
      layout.linear(pre + "edge.0", 2 * h + 1 + tauWidth, h, true);
      layout.linear(pre + "edge.1", h, h, true);
      layout.linear(pre + "coord.0", h, h, true);
      layout.add(pre + "coord.1.weight", new long[] {1, h}, ParamInit.Kind.GLOROT, null);
      if (l < config.depth() - 1) {
        layout.linear(pre + "node.0", 2 * h + h0, h, true);
        layout.linear(pre + "node.1", h, h, true);
      }
    }
    specs = layout.specs();
  }

  @Override
  public EgnnConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /** PyTorch nn.Linear defaults; phi_x's last layer Xavier-uniform times {@link #COORD_GAIN}. */
  @Override
  public float[][] initialValues() {
    float[][] v = layout.initialValues(config.initSeed());
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().endsWith("coord.1.weight")) {
        for (int j = 0; j < v[i].length; j++) {
          v[i][j] *= (float) COORD_GAIN;
        }
      }
    }
    return v;
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    Condition cond = condition == null ? Condition.NONE : condition;
    long n = x.getShape().get(0);
    long nn = config.nodes();
    long hid = config.hidden();
    DataType dt = x.getDataType();
    requireShape("EGNN input x", x, new Shape(n, nn, config.spaceDim()));
    if (c == null || c.size() != n) {
      throw new IllegalArgumentException("EGNN: c must have shape (" + n + ", 1), got "
          + (c == null ? "null" : c.getShape()));
    }
    NDManager m = x.getManager();
    NDArray flags;
    if (cond.mask() == null) {
      flags = m.ones(new Shape(n, nn), dt);
    } else {
      requireShape("EGNN condition.mask (node flags)", cond.mask(), new Shape(n, nn));
      flags = cond.mask().toType(dt, false);
    }
    NDArray nodeMask = flags.expandDims(-1); // (n, N, 1)
    NDArray offDiagonal = m.eye((int) nn).toType(dt, false).neg().add(1);
    NDArray edgeMask = flags.expandDims(2).mul(flags.expandDims(1)).mul(offDiagonal).expandDims(-1); // (n, N, N, 1)

    NDArray cc = c.toType(dt, false).reshape(n, 1);
    NDArray tau = config.timeEmbedDim() == 0 ? cc : Layers.sinusoidalEmbedding(cc, config.timeEmbedDim());
    if (config.classes() > 0) {
      NDArray y = cond.requireClassOneHot();
      requireShape("EGNN condition.classOneHot", y, new Shape(n, config.classes() + 1));
      tau = tau.concat(y.toType(dt, false), 1);
    }
    NDArray tauNodes = tau.expandDims(1).broadcast(new Shape(n, nn, tauWidth));
    NDArray h0;
    if (config.features() > 0) {
      if (cond.context() == null) {
        throw new IllegalArgumentException("EGNN with features=" + config.features()
            + " needs node features in condition.context of shape (" + n + ", " + nn + ", " + config.features() + ")");
      }
      requireShape("EGNN condition.context (node features)", cond.context(), new Shape(n, nn, config.features()));
      h0 = cond.context().toType(dt, false).mul(nodeMask).concat(tauNodes, -1);
    } else {
      if (cond.context() != null) {
        throw new IllegalArgumentException("EGNN configured with features=0 got a condition.context of shape "
            + cond.context().getShape() + "; set features to its last axis");
      }
      h0 = tauNodes;
    }

    ParamLayout.Cursor p = new ParamLayout.Cursor(params);
    NDArray h = Layers.linear(h0, p.next("in.weight"), p.next("in.bias"));
    NDArray count = config.coordsAggregation() == EgnnConfig.Aggregation.MEAN
        ? edgeMask.sum(new int[] {2}).maximum(1) : null; // (n, N, 1)
    NDArray coords = x;
    NDArray displacement = null; // x_l - x accumulated directly: exact translation invariance, no cancellation
    for (int l = 0; l < config.depth(); l++) {
      String pre = "layer" + l + ".";
      NDArray diff = coords.expandDims(2).sub(coords.expandDims(1)); // x_i - x_j, (n, N, N, D)
      NDArray radial = diff.square().sum(new int[] {-1}, true); // (n, N, N, 1)
      NDArray w1 = p.next(pre + "edge.0.weight");
      NDArray b1 = p.next(pre + "edge.0.bias");
      NDArray src = Layers.linear(h, w1.get(new NDIndex(":, {}:{}", 0, hid)), null).expandDims(2);
      NDArray dst = Layers.linear(h, w1.get(new NDIndex(":, {}:{}", hid, 2 * hid)), null).expandDims(1);
      NDArray wr = w1.get(new NDIndex(":, {}", 2 * hid)).reshape(1, 1, 1, hid);
      NDArray tt = Layers.linear(tau, w1.get(new NDIndex(":, {}:", 2 * hid + 1)), b1).reshape(n, 1, 1, hid);
      NDArray pre1 = src.add(dst).add(radial.mul(wr)).add(tt);
      NDArray msg = Layers.silu(Layers.linear(Layers.silu(pre1), p.next(pre + "edge.1.weight"),
          p.next(pre + "edge.1.bias"))).mul(edgeMask);
      NDArray phi = Layers.linear(Layers.silu(Layers.linear(msg, p.next(pre + "coord.0.weight"),
          p.next(pre + "coord.0.bias"))), p.next(pre + "coord.1.weight"), null);
      if (config.tanh()) {
        phi = phi.tanh();
      }
      NDArray agg = diff.mul(phi).mul(edgeMask).sum(new int[] {2}); // (n, N, D)
      if (count != null) {
        agg = agg.div(count);
      }
      displacement = displacement == null ? agg : displacement.add(agg);
      if (l < config.depth() - 1) {
        NDArray msgSum = msg.sum(new int[] {2}); // (n, N, H)
        NDArray nodeIn = NDArrays.concat(new NDList(h, msgSum, h0), -1);
        h = h.add(Layers.linear(Layers.silu(Layers.linear(nodeIn, p.next(pre + "node.0.weight"),
            p.next(pre + "node.0.bias"))), p.next(pre + "node.1.weight"), p.next(pre + "node.1.bias")));
      }
      coords = x.add(displacement);
    }
    p.requireDone();
    NDArray out = displacement.mul(nodeMask);
    if (config.removeMean()) {
      NDArray real = flags.sum(new int[] {1}).maximum(1).reshape(n, 1, 1);
      out = out.sub(out.sum(new int[] {1}, true).div(real)).mul(nodeMask);
    }
    return out;
  }

  private static void requireShape(String what, NDArray a, Shape expected) {
    if (!a.getShape().equals(expected)) {
      throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + a.getShape());
    }
  }
}
