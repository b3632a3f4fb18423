package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * GeoTDM's equivariant geometric trajectory network EGTN (Han et al. 2024; official code
 * hanjq17/GeoTDM, models/EGTN.py and models/layers.py, followed at its published HEAD) as a
 * denoiser of trajectories x (n, F, N, 3): {@code depth} pairs of
 * <ul>
 *   <li>an equivariant spatial layer per frame (ESLayer, an EGNN layer, Satorras et al. 2021,
 *       fully connected without self-loops, edge attribute e_ij = h_i * h_j of the node features):
 *       m_ij = silu(W2 silu(W1 [h_i, h_j, |x_ij|^2, e_ij] + b1) + b2), h_i = phi_h([h_i, sum_j m_ij])
 *       (no residual), x_i += mean_j x_ij phi_x(m_ij) / (sqrt(|x_ij|^2 + 1e-8) + 1);</li>
 *   <li>an equivariant temporal attention layer per node (ETLayer): q, k, v two-layer MLPs of h,
 *       r_ts = W_t emb(t - s) (sinusoidal, max positions 10^4), a_ts = softmax_s q_t . (k_s + r_ts)
 *       (unscaled, as the official code), h_t += sum_s a_ts (v_s + r_ts),
 *       x_t += sum_s a_ts (x_t - x_s) phi_x(v_s).</li>
 * </ul>
 * The input node state is Linear([features, emb(c)]); the output is the final x minus the input
 * x: invariant under translations, equivariant under rotations, reflections and particle
 * permutations. Node features (the charges) come in {@code condition.context} (n, N, features).
 *
 * <p>Conditional (condFrames C &gt; 0): {@code condition.observed} (n, C, N, 3) holds the given
 * frames; they are put in front of x along the frame axis and only the F future frames are
 * returned (EGTN.forward with cond_mask). {@link #prior} is GeoTDM's learnable geometric prior
 * (EGTN.forward with compute_ref): {@code priorDepth} layer pairs on the given frames give an
 * invariant weight w_t per node and frame (the mean of h over channels, here times a learnable
 * gate g plus a learnable per-frame bias b_t, additions that let it start at constant velocity) and
 * <pre>
 *   x_ref,s = x_{C-1} + ws_s sum_{t &lt; C-1} w_t (x_t - x_{C-1})      (s = 0..F-1)
 * </pre>
 * the official weights wts[t, s] = w_t ws_s with the last frame's weight 1 - sum of the others
 * written out; the x are the prior layers' updated coordinates, as there. Weights summing to
 * one make x_ref translation-equivariant; invariant w make it rotation-equivariant.
 */
public final class Egtn implements Network {
  private static final double EDGE_EPS = 1e-8;

  private final EgtnConfig config;
  private final ParamLayout layout;
  private final List<ParamSpec> specs;

  public Egtn(EgtnConfig config) {
    this.config = config;
    long h = config.hidden();
    layout = new ParamLayout();
    layout.linear("in", config.features() + config.timeEmbedDim() + classWidth(), h, true);
    for (int l = 0; l < config.depth(); l++) {
      addLayerPair("layer" + l + ".");
    }
    if (config.learnsPrior()) {
      layout.linear("prior.in", Math.max(1, config.features()), h, true);
      for (int l = 0; l < config.priorDepth(); l++) {
        addLayerPair("prior.layer" + l + ".");
      }
      layout.add("prior.ws", new long[] {config.frames()}, ParamInit.Kind.ONES, null);
      layout.add("prior.wbias", new long[] {config.condFrames() - 1}, ParamInit.Kind.ZEROS, null);
      layout.add("prior.gate", new long[] {1}, ParamInit.Kind.ZEROS, null);
    }
    specs = layout.specs();
  }

  private int classWidth() {
    return config.classes() > 0 ? config.classes() + 1 : 0;
  }

  private void addLayerPair(String pre) {
    long h = config.hidden();
    layout.mlp(pre + "es.edge", 2, 2 * h + 1 + config.features(), h, h);
    layout.mlp(pre + "es.coord", 2, h, h, 1);
    layout.mlp(pre + "es.node", 2, 2 * h, h, h);
    layout.mlp(pre + "et.q", 2, h, h, h);
    layout.mlp(pre + "et.k", 2, h, h, h);
    layout.mlp(pre + "et.v", 2, h, h, h);
    layout.mlp(pre + "et.x", 2, h, h, 1);
    layout.linear(pre + "et.time", config.timeEmbedDim(), h, true);
  }

  @Override
  public EgtnConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /**
   * Seeded PyTorch defaults, except the prior's {@code ws_s = s + 1}, {@code wbias} = -1 on the
   * second-to-last given frame (0 elsewhere) and {@code gate} = 0: the prior starts exactly at
   * constant-velocity extrapolation x_{C-1} + (s + 1)(x_{C-1} - x_{C-2}) instead of the official
   * ws = 1, a change for short CPU training runs (docs/trajectories.md).
   */
  @Override
  public float[][] initialValues() {
    float[][] v = layout.initialValues(config.initSeed());
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals("prior.ws")) {
        for (int s = 0; s < v[i].length; s++) {
          v[i][s] = s + 1;
        }
      } else if (specs.get(i).name().equals("prior.wbias")) {
        v[i][v[i].length - 1] = -1;
      }
    }
    return v;
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    Condition cond = condition == null ? Condition.NONE : condition;
    long n = x.getShape().get(0);
    int f = config.frames();
    int np = config.particles();
    int cf = config.condFrames();
    requireShape("EGTN input x", x, new Shape(n, f, np, 3));
    if (c == null || c.size() != n) {
      throw new IllegalArgumentException("EGTN: c must have shape (" + n + ", 1), got "
          + (c == null ? "null" : c.getShape()));
    }
    DataType dt = x.getDataType();
    NDArray feats = features(cond, n, dt);
    NDArray all = x;
    if (cf > 0) {
      NDArray given = requireGiven(cond, n, dt);
      all = given.concat(x, 1);
    }
    int frames = cf + f;
    NDArray tau = Layers.sinusoidalEmbedding(c.toType(dt, false).reshape(n, 1), config.timeEmbedDim());
    if (config.classes() > 0) {
      NDArray y = cond.requireClassOneHot();
      requireShape("EGTN condition.classOneHot", y, new Shape(n, classWidth()));
      tau = tau.concat(y.toType(dt, false), 1);
    }
    int tw = config.timeEmbedDim() + classWidth();
    NDArray tauNodes = tau.reshape(n, 1, 1, tw).broadcast(new Shape(n, frames, np, tw));
    NDArray h0 = feats == null ? tauNodes
        : feats.expandDims(1).broadcast(new Shape(n, frames, np, config.features())).concat(tauNodes, -1);
    ParamLayout.Cursor p = new ParamLayout.Cursor(params);
    NDArray h = Layers.linear(h0, p.next("in.weight"), p.next("in.bias"));
    NDArray[] state = stack(p, "", config.depth(), all, h, feats);
    if (config.learnsPrior()) {
      p.skipRest();
    }
    p.requireDone();
    NDArray out = state[0];
    if (cf > 0) {
      out = out.get(new NDIndex(":, {}:", cf));
    }
    return out.sub(x);
  }

  /**
   * GeoTDM's learnable geometric prior x_ref (n, F, N, 3) from the given frames in
   * {@code condition.observed}; see the class comment.
   */
  public NDArray prior(ParamSet params, Condition condition, long n, DataType dt) {
    if (!config.learnsPrior()) {
      throw new IllegalStateException("this EGTN has no learnable prior (prior-depth 0)");
    }
    Condition cond = condition == null ? Condition.NONE : condition;
    int cf = config.condFrames();
    int np = config.particles();
    NDArray given = requireGiven(cond, n, dt);
    NDArray feats = features(cond, n, dt);
    NDArray nodeIn = feats == null ? given.getManager().ones(new Shape(n, cf, np, 1), dt)
        : feats.expandDims(1).broadcast(new Shape(n, cf, np, config.features()));
    ParamLayout.Cursor p = new ParamLayout.Cursor(params);
    p.skipTo("prior.in.weight");
    NDArray h = Layers.linear(nodeIn, p.next("prior.in.weight"), p.next("prior.in.bias"));
    NDArray[] state = stack(p, "prior.", config.priorDepth(), given, h, feats);
    NDArray ws = p.next("prior.ws");
    NDArray wbias = p.next("prior.wbias");
    NDArray gate = p.next("prior.gate");
    p.requireDone();
    NDArray w = state[1].mean(new int[] {-1}).get(new NDIndex(":, :{}", cf - 1)).mul(gate)
        .add(wbias.reshape(1, cf - 1, 1)).expandDims(-1); // (n, C-1, N, 1)
    NDArray xs = state[0];
    NDArray last = xs.get(new NDIndex(":, {}:", cf - 1)); // (n, 1, N, 3)
    NDArray drift = xs.get(new NDIndex(":, :{}", cf - 1)).sub(last).mul(w).sum(new int[] {1}, true); // (n, 1, N, 3)
    return last.add(drift.mul(ws.reshape(1, config.frames(), 1, 1)));
  }

  private NDArray features(Condition cond, long n, DataType dt) {
    if (config.features() == 0) {
      return null;
    }
    if (cond.context() == null) {
      throw new IllegalArgumentException("EGTN with features=" + config.features()
          + " needs node features in condition.context of shape (" + n + ", " + config.particles() + ", "
          + config.features() + ")");
    }
    requireShape("EGTN condition.context (node features)", cond.context(),
        new Shape(n, config.particles(), config.features()));
    return cond.context().toType(dt, false);
  }

  private NDArray requireGiven(Condition cond, long n, DataType dt) {
    if (cond.observed() == null) {
      throw new IllegalArgumentException("EGTN with cond-frames=" + config.condFrames()
          + " needs the given frames in condition.observed of shape (" + n + ", " + config.condFrames() + ", "
          + config.particles() + ", 3)");
    }
    requireShape("EGTN condition.observed (given frames)", cond.observed(),
        new Shape(n, config.condFrames(), config.particles(), 3));
    return cond.observed().toType(dt, false);
  }

  /** e_ij = h_i * h_j as (n, 1, N, N, features), or null without features. */
  private static NDArray edgeAttributes(NDArray feats) {
    if (feats == null) {
      return null;
    }
    return feats.expandDims(2).mul(feats.expandDims(1)).expandDims(1);
  }

  /** Sinusoidal embedding of t - s (T, T, E): GeoTDM's get_timestep_embedding with max_positions 10^4. */
  private NDArray relativeFrameEmbedding(NDManager m, int frames, DataType dt) {
    int e = config.timeEmbedDim();
    int half = e / 2;
    double step = Math.log(10000) / (half - 1);
    double[] v = new double[frames * frames * e];
    for (int t = 0; t < frames; t++) {
      for (int s = 0; s < frames; s++) {
        int base = (t * frames + s) * e;
        for (int k = 0; k < half; k++) {
          double a = (t - s) * Math.exp(-k * step);
          v[base + k] = Math.sin(a);
          v[base + half + k] = Math.cos(a);
        }
      }
    }
    return m.create(v, new Shape(frames, frames, e)).toType(dt, false);
  }

  /** {@code layers} spatial + temporal pairs named {@code prefix + "layer" + l} on (x, h); returns the final (x, h). */
  private NDArray[] stack(ParamLayout.Cursor p, String prefix, int layers, NDArray x, NDArray h, NDArray feats) {
    NDArray edgeAttr = edgeAttributes(feats);
    NDArray rel = relativeFrameEmbedding(x.getManager(), Math.toIntExact(x.getShape().get(1)), x.getDataType());
    NDArray[] state = {x, h};
    for (int l = 0; l < layers; l++) {
      state = layerPair(p, prefix + "layer" + l + ".", state[0], state[1], edgeAttr, rel);
    }
    return state;
  }

  private NDArray[] layerPair(ParamLayout.Cursor p, String pre, NDArray x, NDArray h, NDArray edgeAttr,
      NDArray relEmb) {
    NDArray[] s = spatial(p, pre + "es.", x, h, edgeAttr);
    return temporal(p, pre + "et.", s[0], s[1], relEmb);
  }

  private static NDArray mlp2(ParamLayout.Cursor p, String prefix, NDArray in) {
    NDArray a = Layers.silu(Layers.linear(in, p.next(prefix + ".0.weight"), p.next(prefix + ".0.bias")));
    return Layers.linear(a, p.next(prefix + ".1.weight"), p.next(prefix + ".1.bias"));
  }

  /** ESLayer on x (n, T, N, 3), h (n, T, N, H). */
  private NDArray[] spatial(ParamLayout.Cursor p, String pre, NDArray x, NDArray h, NDArray edgeAttr) {
    long hid = config.hidden();
    int np = config.particles();
    NDManager m = x.getManager();
    DataType dt = x.getDataType();
    NDArray offDiagonal = m.eye(np).toType(dt, false).neg().add(m.ones(new Shape(np, np), dt)).reshape(1, 1, np, np, 1);
    NDArray diff = x.expandDims(3).sub(x.expandDims(2)); // x_i - x_j (n, T, N, N, 3)
    NDArray radial = diff.square().sum(new int[] {-1}, true); // (n, T, N, N, 1)
    NDArray w1 = p.next(pre + "edge.0.weight");
    NDArray b1 = p.next(pre + "edge.0.bias");
    NDArray src = Layers.linear(h, w1.get(new NDIndex(":, {}:{}", 0, hid)), null).expandDims(3);
    NDArray dst = Layers.linear(h, w1.get(new NDIndex(":, {}:{}", hid, 2 * hid)), null).expandDims(2);
    NDArray wr = w1.get(new NDIndex(":, {}", 2 * hid)).reshape(1, 1, 1, 1, hid);
    NDArray pre1 = src.add(dst).add(radial.mul(wr)).add(b1);
    if (edgeAttr != null) {
      pre1 = pre1.add(Layers.linear(edgeAttr, w1.get(new NDIndex(":, {}:", 2 * hid + 1)), null));
    }
    NDArray msg = Layers.silu(Layers.linear(Layers.silu(pre1), p.next(pre + "edge.1.weight"),
        p.next(pre + "edge.1.bias"))).mul(offDiagonal);
    NDArray phi = mlp2(p, pre + "coord", msg); // (n, T, N, N, 1)
    NDArray one = Layers.scalar(radial, 1);
    phi = phi.div(radial.add(Layers.scalar(radial, EDGE_EPS)).sqrt().add(one));
    NDArray xNew = x.add(diff.mul(phi).mul(offDiagonal).sum(new int[] {3}).div(Layers.scalar(x, np - 1)));
    NDArray hNew = mlp2(p, pre + "node", h.concat(msg.sum(new int[] {3}), -1));
    return new NDArray[] {xNew, hNew};
  }

  /** ETLayer on x (n, T, N, 3), h (n, T, N, H) with the relative-frame embedding (T, T, E). */
  private NDArray[] temporal(ParamLayout.Cursor p, String pre, NDArray x, NDArray h, NDArray relEmb) {
    long n = x.getShape().get(0);
    long t = x.getShape().get(1);
    long np = x.getShape().get(2);
    long hid = config.hidden();
    NDArray hn = h.transpose(0, 2, 1, 3); // (n, N, T, H)
    NDArray q = mlp2(p, pre + "q", hn);
    NDArray k = mlp2(p, pre + "k", hn);
    NDArray v = mlp2(p, pre + "v", hn);
    NDArray vx = mlp2(p, pre + "x", v); // (n, N, S, 1)
    NDArray rel = Layers.linear(relEmb, p.next(pre + "time.weight"), p.next(pre + "time.bias")); // (T, S, H)
    // q_t . r_ts as a batch over t: (T, nN, H) x (T, H, S).
    NDArray qt = q.reshape(n * np, t, hid).transpose(1, 0, 2);
    NDArray logits = q.matMul(k.transpose(0, 1, 3, 2))
        .add(qt.matMul(rel.transpose(0, 2, 1)).transpose(1, 0, 2).reshape(n, np, t, t));
    NDArray alpha = logits.softmax(-1); // (n, N, T, S)
    NDArray alphaT = alpha.reshape(n * np, t, t).transpose(1, 0, 2); // (T, nN, S)
    NDArray dh = alpha.matMul(v).add(alphaT.matMul(rel).transpose(1, 0, 2).reshape(n, np, t, hid));
    NDArray hNew = hn.add(dh).transpose(0, 2, 1, 3);
    NDArray xn = x.transpose(0, 2, 1, 3); // (n, N, T, 3)
    NDArray w = alpha.mul(vx.transpose(0, 1, 3, 2)); // a_ts phi_x(v_s)
    NDArray xNew = xn.add(xn.mul(w.sum(new int[] {-1}, true))).sub(w.matMul(xn)).transpose(0, 2, 1, 3);
    return new NDArray[] {xNew, hNew};
  }

  private static void requireShape(String what, NDArray a, Shape expected) {
    if (!a.getShape().equals(expected)) {
      throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + a.getShape());
    }
  }
}
