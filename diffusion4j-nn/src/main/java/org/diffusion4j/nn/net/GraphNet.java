package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The score networks of GDSS (Jo, Lee &amp; Hwang 2022, "Score-based Generative Modeling of Graphs
 * via the System of Stochastic Differential Equations", Sec. 3.3 and Appendix C), following the
 * official code harryjo97/GDSS (models/ScoreNetwork_X.py, ScoreNetwork_A.py, layers.py,
 * attention.py, utils/graph_utils.py), for batches of graphs padded to N nodes with node flags.
 *
 * <p>Inputs by {@link GraphNetConfig.Target}:
 * <ul>
 *   <li>NODES: x = node features (n, N, F); the adjacency comes in {@code condition.adjacency}
 *       (n, N, N); output (n, N, F), zero on padding nodes;</li>
 *   <li>ADJACENCY: x = adjacency (n, N, N); node features in {@code condition.context} (n, N, F);
 *       output (n, N, N), symmetric, zero diagonal, zero on pairs with a padding node.</li>
 * </ul>
 * {@code condition.mask} (n, N) holds the node flags (1 = real node); null means all nodes are
 * real. Graphs are undirected without self-loops, as in GDSS: the adjacency is read as
 * (A + A^T)/2 with zero diagonal and masked by the flags (identity on GDSS's own inputs, whose
 * noise is symmetric and masked), and the node features are masked. So padding entries never
 * reach real nodes, and the ADJACENCY output is symmetric by construction.
 *
 * <p>Layers:
 * <ul>
 *   <li>GCN propagation P(x W) + b with P = D^-1/2 (A with unit diagonal) D^-1/2
 *       ({@link Layers#gcnPropagation}, DenseGCNConv; weights Glorot-uniform, biases zero);</li>
 *   <li>NODES + GCN (ScoreNetworkX): h_l = tanh(GCN_l(h_{l-1}, A)); out = MLP_3([x, h_1..h_L]);</li>
 *   <li>NODES + GMH (ScoreNetworkX_GMH) and ADJACENCY + GMH (ScoreNetworkA): the adjacency
 *       powers A, ..., A^cInit ({@link Layers#adjacencyPowers}) are channels; in each
 *       AttentionLayer, channel c has its own GCNs giving Q, K (width a) and V (width nhid); the
 *       attention map is sym(mean over heads of tanh(Q_h K_h^T / sqrt(nhid))) (tanh, not softmax,
 *       scaled by sqrt(nhid) as GDSS's code); nodes: tanh(mask(MLP_2(concat_c V_c))); edges:
 *       new channels S + S^T, S = MLP_linears([attention maps, input channels]) per pair,
 *       masked. ScoreNetworkX_GMH applies tanh once more to the layer's nodes (as GDSS). NODES
 *       reads out MLP_3 over [x, h_1..h_L]; ADJACENCY reads out MLP_3 over all channels
 *       [A^1..A^cInit, channels of every layer] per pair, times (1 - I), masked;</li>
 *   <li>ADJACENCY + GCN (GDSS's BaselineNetwork): per-channel GCNs, nodes as above, edges
 *       S = MLP_linears([h_i, h_j, channels_ij]); GDSS's copy calls an unimported
 *       {@code mask_x} there, read here as the node masking of the other layers.</li>
 * </ul>
 * MLPs are GDSS's {@code MLP}: linear maps with ELU between them. Hidden widths as GDSS:
 * 2 max(c_in, c_out) inside attention layers, max(c_in, c_out) inside baseline layers, twice the
 * input width in the read-out. Two departures, neither changing the function: parts that cannot
 * reach the output are neither computed nor given parameters (GDSS computes and discards them:
 * the last layer's Q, K and edge MLP in the NODES network, the last attention layer's V, node MLP
 * and time bias in the ADJACENCY network); and with depth 1 the single layer maps cInit to cFinal
 * channels (GDSS would emit c_hid there and mis-size its read-out).
 *
 * <p>Time: GDSS's networks take no time input (its loss divides the output by the noise std). With
 * {@code timeEmbedDim} 0 this network is exactly that; otherwise, so that it also serves objectives
 * whose target is not a noise (velocities, x0), e = silu(W sinusoid(c) + b [+ W_y onehot]) adds a
 * per-channel bias W_l e to each layer's node pre-activation and to the read-out's first hidden
 * layer: invariant under node permutations, so every symmetry above is kept.
 */
public final class GraphNet implements Network {
  private final GraphNetConfig config;
  private final ParamLayout layout;
  private final List<ParamSpec> specs;

  public GraphNet(GraphNetConfig config) {
    this.config = config;
    this.layout = new ParamLayout();
    int t = config.timeEmbedDim();
    if (t > 0) {
      layout.linear("time", t, t, true);
      if (config.classes() > 0) {
        layout.linear("class", config.classes() + 1, t, false);
      }
    }
    long hid = config.hidden();
    for (int l = 0; l < config.depth(); l++) {
      String pre = "layer" + l + ".";
      long in = l == 0 ? config.features() : hid;
      // Order = the order forward reads them: GCNs, node MLP, time projection, edge MLP.
      if (config.target() == GraphNetConfig.Target.NODES && config.layer() == GraphNetConfig.Layer.GCN) {
        gcnSpecs(pre + "gcn", 0, hid, in);
        timeSpecs(pre, hid);
      } else {
        long cin = channelsIn(l);
        long cout = channelsOut(l);
        boolean attention = config.layer() == GraphNetConfig.Layer.GMH;
        long mlpHidden = attention ? 2 * Math.max(cin, cout) : Math.max(cin, cout);
        if (attention) {
          long a = attentionWidth(l);
          if (edgesUsed(l)) {
            gcnSpecs(pre + "q", cin, a, in);
            gcnSpecs(pre + "k", cin, a, in);
          }
          if (nodesUsed(l)) {
            gcnSpecs(pre + "v", cin, hid, in);
          }
        } else {
          gcnSpecs(pre + "gcn", cin, hid, in);
        }
        if (nodesUsed(l)) {
          layout.mlp(pre + "channels", 2, cin * hid, mlpHidden, hid);
          timeSpecs(pre, hid);
        }
        if (edgesUsed(l)) {
          layout.mlp(pre + "edge", config.linears(), attention ? 2 * cin : cin + 2 * hid, mlpHidden, cout);
        }
      }
    }
    long fdim = readoutWidth();
    long out = config.target() == GraphNetConfig.Target.NODES ? config.features() : 1;
    if (t > 0) {
      layout.linear("final.time", t, 2 * fdim, true);
    }
    layout.mlp("final", 3, fdim, 2 * fdim, out);
    this.specs = layout.specs();
  }

  private void timeSpecs(String pre, long width) {
    if (config.timeEmbedDim() > 0) {
      layout.linear(pre + "time", config.timeEmbedDim(), width, true);
    }
  }

  /** DenseGCNConv weights, (out, in) or stacked per channel (channels, out, in), and biases. */
  private void gcnSpecs(String prefix, long channels, long out, long in) {
    long[] w = channels == 0 ? new long[] {out, in} : new long[] {channels, out, in};
    long[] b = channels == 0 ? new long[] {out} : new long[] {channels, out};
    layout.add(prefix + ".weight", w, ParamInit.Kind.GLOROT, null);
    layout.add(prefix + ".bias", b, ParamInit.Kind.ZEROS, null);
  }

  /**
   * Whether layer l's node output can reach the read-out: not in the last attention layer of the
   * ADJACENCY network, whose read-out takes only channels (GDSS computes it and discards it).
   */
  private boolean nodesUsed(int l) {
    return !(config.target() == GraphNetConfig.Target.ADJACENCY && config.layer() == GraphNetConfig.Layer.GMH
        && l == config.depth() - 1);
  }

  /** Whether layer l's channels can reach the read-out: not in the last layer of the NODES network. */
  private boolean edgesUsed(int l) {
    return !(config.target() == GraphNetConfig.Target.NODES && l == config.depth() - 1);
  }

  private long channelsIn(int l) {
    return l == 0 ? config.cInit() : config.cHid();
  }

  private long channelsOut(int l) {
    return l == config.depth() - 1 ? config.cFinal() : config.cHid();
  }

  /** GDSS's first attention layer uses nhid as its query/key width, later ones adim. */
  private long attentionWidth(int l) {
    return l == 0 ? config.hidden() : config.attnDim();
  }

  private long readoutWidth() {
    if (config.target() == GraphNetConfig.Target.NODES) {
      return config.features() + (long) config.depth() * config.hidden();
    }
    return config.cInit() + (long) config.cHid() * (config.depth() - 1) + config.cFinal();
  }

  @Override
  public GraphNetConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /**
   * Seeded initial values as GDSS: Glorot-uniform GCN weights with zero biases (layers.py),
   * PyTorch's nn.Linear default for every MLP and time projection.
   */
  @Override
  public float[][] initialValues() {
    return layout.initialValues(config.initSeed());
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    Condition cond = condition == null ? Condition.NONE : condition;
    boolean nodesTarget = config.target() == GraphNetConfig.Target.NODES;
    long n = x.getShape().get(0);
    long nn = config.nodes();
    DataType dt = x.getDataType();
    String what = "graph network (" + (nodesTarget ? "nodes" : "adjacency") + ")";
    requireShape(what + " input x", x, new Shape(n, nn, nodesTarget ? config.features() : nn));
    if (c == null || c.size() != n) {
      throw new IllegalArgumentException(what + ": c must have shape (" + n + ", 1), got "
          + (c == null ? "null" : c.getShape()));
    }
    NDManager m = x.getManager();
    NDArray flags;
    if (cond.mask() == null) {
      flags = m.ones(new Shape(n, nn), dt);
    } else {
      requireShape(what + " condition.mask (node flags)", cond.mask(), new Shape(n, nn));
      flags = cond.mask().toType(dt, false);
    }
    NDArray adjacency;
    NDArray features;
    if (nodesTarget) {
      if (cond.adjacency() == null) {
        throw new IllegalArgumentException(what + " needs condition.adjacency of shape (" + n + ", " + nn + ", " + nn
            + ")");
      }
      requireShape(what + " condition.adjacency", cond.adjacency(), new Shape(n, nn, nn));
      adjacency = cond.adjacency().toType(dt, false);
      features = x;
    } else {
      if (cond.context() == null) {
        throw new IllegalArgumentException(what + " needs node features in condition.context of shape (" + n + ", "
            + nn + ", " + config.features() + ")");
      }
      requireShape(what + " condition.context (node features)", cond.context(), new Shape(n, nn, config.features()));
      adjacency = x;
      features = cond.context().toType(dt, false);
    }
    NDArray nodeMask = flags.expandDims(-1); // (n, N, 1)
    NDArray pairMask = flags.expandDims(2).mul(flags.expandDims(1)); // (n, N, N)
    NDArray offDiagonal = m.eye((int) nn).toType(dt, false).neg().add(1);
    NDArray adj = adjacency.add(adjacency.transpose(0, 2, 1)).div(Layers.scalar(adjacency, 2)).mul(offDiagonal).mul(pairMask);
    NDArray h = features.mul(nodeMask);

    ParamLayout.Cursor p = new ParamLayout.Cursor(params);
    NDArray temb = timeEmbedding(p, c.toType(dt, false).reshape(n, 1), cond);
    NDList nodeList = new NDList(h);
    NDList channelList = new NDList();
    NDArray channels = null;
    NDArray propagation = null;
    if (nodesTarget && config.layer() == GraphNetConfig.Layer.GCN) {
      propagation = Layers.gcnPropagation(adj);
    } else {
      channels = Layers.adjacencyPowers(adj, config.cInit());
      channelList.add(channels);
    }
    NDArray pairMask4 = pairMask.expandDims(1);
    for (int l = 0; l < config.depth(); l++) {
      String pre = "layer" + l + ".";
      if (propagation != null) {
        NDArray w = p.next(pre + "gcn.weight");
        NDArray b = p.next(pre + "gcn.bias");
        NDArray u = propagation.matMul(Layers.linear(h, w, null)).add(b);
        h = timeBias(p, pre, temb, u).tanh();
      } else {
        NDArray[] out = config.layer() == GraphNetConfig.Layer.GMH
            ? attentionLayer(p, l, h, channels, nodeMask, pairMask4, temb)
            : baselineLayer(p, l, h, channels, nodeMask, pairMask4, temb);
        h = out[0];
        channels = out[1];
        if (channels != null) {
          channelList.add(channels);
        }
        if (nodesTarget) {
          h = h.tanh(); // ScoreNetworkX_GMH applies its activation on top of the layer's own tanh
        }
      }
      if (h != null) {
        h = Layers.dropout(h, config.dropout(), cond.training());
        nodeList.add(h);
      }
    }
    NDArray result;
    if (nodesTarget) {
      NDArray xs = NDArrays.concat(nodeList, -1);
      NDArray tb = temb == null ? null : Layers.linear(temb, p.next("final.time.weight"), p.next("final.time.bias"))
          .reshape(n, 1, -1);
      result = mlp(p, "final", 3, xs, tb).mul(nodeMask);
    } else {
      NDArray all = NDArrays.concat(channelList, 1).transpose(0, 2, 3, 1); // (n, N, N, fdim)
      NDArray tb = temb == null ? null : Layers.linear(temb, p.next("final.time.weight"), p.next("final.time.bias"))
          .reshape(n, 1, 1, -1);
      result = mlp(p, "final", 3, all, tb).reshape(n, nn, nn).mul(offDiagonal).mul(pairMask);
    }
    p.requireDone();
    return result;
  }

  /** e = silu(W sinusoid(c) + b [+ W_y onehot]) (n, T), or null without a time input. */
  private NDArray timeEmbedding(ParamLayout.Cursor p, NDArray c, Condition cond) {
    if (config.timeEmbedDim() == 0) {
      return null;
    }
    NDArray e = Layers.sinusoidalEmbedding(c, config.timeEmbedDim());
    NDArray pre = Layers.linear(e, p.next("time.weight"), p.next("time.bias"));
    if (config.classes() > 0) {
      NDArray y = cond.requireClassOneHot();
      requireShape("graph network condition.classOneHot", y, new Shape(c.getShape().get(0), config.classes() + 1));
      pre = pre.add(Layers.linear(y.toType(c.getDataType(), false), p.next("class.weight"), null));
    }
    return Layers.silu(pre);
  }

  /** u + W_l e broadcast over nodes (identity without a time input). */
  private static NDArray timeBias(ParamLayout.Cursor p, String pre, NDArray temb, NDArray u) {
    if (temb == null) {
      return u;
    }
    NDArray b = Layers.linear(temb, p.next(pre + "time.weight"), p.next(pre + "time.bias"));
    return u.add(b.expandDims(1));
  }

  /**
   * GDSS's AttentionLayer (attention.py): returns {nodes (n, N, nhid), channels (n, c_out, N, N)}.
   */
  private NDArray[] attentionLayer(ParamLayout.Cursor p, int l, NDArray h, NDArray channels, NDArray nodeMask,
      NDArray pairMask4, NDArray temb) {
    String pre = "layer" + l + ".";
    Shape s = h.getShape();
    long n = s.get(0);
    long nn = s.get(1);
    long cin = channelsIn(l);
    long a = attentionWidth(l);
    long hid = config.hidden();
    int heads = config.heads();
    NDArray prop = Layers.gcnPropagation(channels);
    NDArray attention = null;
    if (edgesUsed(l)) {
      NDArray q = gcnPerChannel(prop, h, p.next(pre + "q.weight"), p.next(pre + "q.bias"), cin, a);
      NDArray k = gcnPerChannel(prop, h, p.next(pre + "k.weight"), p.next(pre + "k.bias"), cin, a);
      long dh = a / heads;
      NDArray qh = q.reshape(n, cin, nn, heads, dh).transpose(0, 1, 3, 2, 4);
      NDArray kh = k.reshape(n, cin, nn, heads, dh).transpose(0, 1, 3, 4, 2);
      NDArray scores = qh.matMul(kh).div(Layers.scalar(qh, Math.sqrt(hid))).tanh().mean(new int[] {2}); // (n, C, N, N)
      attention = scores.add(scores.transpose(0, 1, 3, 2)).div(Layers.scalar(scores, 2));
    }
    NDArray nodes = null;
    if (nodesUsed(l)) {
      NDArray v = gcnPerChannel(prop, h, p.next(pre + "v.weight"), p.next(pre + "v.bias"), cin, hid);
      nodes = nodeUpdate(p, pre, v, cin, nodeMask, temb);
    }
    NDArray edges = null;
    if (attention != null) {
      NDArray edgeIn = attention.concat(channels, 1).transpose(0, 2, 3, 1); // (n, N, N, 2C)
      edges = edgeUpdate(p, pre, edgeIn, pairMask4);
    }
    return new NDArray[] {nodes, edges};
  }

  /** GDSS's BaselineNetworkLayer (ScoreNetwork_A.py): per-channel GCNs and a per-pair MLP on [h_i, h_j, channels]. */
  private NDArray[] baselineLayer(ParamLayout.Cursor p, int l, NDArray h, NDArray channels, NDArray nodeMask,
      NDArray pairMask4, NDArray temb) {
    String pre = "layer" + l + ".";
    long cin = channelsIn(l);
    long hid = config.hidden();
    NDArray prop = Layers.gcnPropagation(channels);
    NDArray v = gcnPerChannel(prop, h, p.next(pre + "gcn.weight"), p.next(pre + "gcn.bias"), cin, hid);
    NDArray nodes = nodeUpdate(p, pre, v, cin, nodeMask, temb);
    if (!edgesUsed(l)) {
      return new NDArray[] {nodes, null};
    }
    Shape s = nodes.getShape();
    Shape pairs = new Shape(s.get(0), s.get(1), s.get(1), hid);
    NDArray hi = nodes.expandDims(2).broadcast(pairs);
    NDArray hj = nodes.expandDims(1).broadcast(pairs);
    NDArray edgeIn = NDArrays.concat(new NDList(hi, hj, channels.transpose(0, 2, 3, 1)), -1);
    return new NDArray[] {nodes, edgeUpdate(p, pre, edgeIn, pairMask4)};
  }

  /** tanh(mask(MLP_2(concat_c V_c) [+ time bias])): the node output of both channel layers. */
  private NDArray nodeUpdate(ParamLayout.Cursor p, String pre, NDArray v, long cin, NDArray nodeMask, NDArray temb) {
    Shape s = v.getShape(); // (n, C, N, nhid)
    NDArray cat = v.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), cin * s.get(3));
    NDArray u = mlp(p, pre + "channels", 2, cat, null);
    return timeBias(p, pre, temb, u).mul(nodeMask).tanh();
  }

  /** Per-pair MLP to c_out channels, then S + S^T and the pair mask: (n, c_out, N, N). */
  private NDArray edgeUpdate(ParamLayout.Cursor p, String pre, NDArray edgeIn, NDArray pairMask4) {
    NDArray e = mlp(p, pre + "edge", config.linears(), edgeIn, null).transpose(0, 3, 1, 2);
    return e.add(e.transpose(0, 1, 3, 2)).mul(pairMask4);
  }

  /** One DenseGCNConv per channel: P_c (h W_c^T) + b_c, stacked (n, C, N, out). */
  private static NDArray gcnPerChannel(NDArray prop, NDArray h, NDArray w, NDArray b, long channels, long out) {
    Shape s = h.getShape();
    NDArray hw = Layers.linear(h, w.reshape(channels * out, s.get(2)), null)
        .reshape(s.get(0), s.get(1), channels, out).transpose(0, 2, 1, 3);
    return prop.matMul(hw).add(b.reshape(1, channels, 1, out));
  }

  /**
   * GDSS's MLP (layers.py, use_bn False, ELU): {@code layers} linear maps with ELU between them;
   * {@code firstBias}, if not null, is added to the first pre-activation (the time input).
   */
  private static NDArray mlp(ParamLayout.Cursor p, String prefix, int layers, NDArray x, NDArray firstBias) {
    NDArray h = x;
    for (int k = 0; k < layers; k++) {
      h = Layers.linear(h, p.next(prefix + "." + k + ".weight"), p.next(prefix + "." + k + ".bias"));
      if (k == 0 && firstBias != null) {
        h = h.add(firstBias);
      }
      if (k < layers - 1) {
        h = Layers.elu(h);
      }
    }
    return h;
  }

  private static void requireShape(String what, NDArray a, Shape expected) {
    if (!a.getShape().equals(expected)) {
      throw new IllegalArgumentException(what + " must have shape " + expected + ", got " + a.getShape());
    }
  }
}
