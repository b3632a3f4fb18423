package org.diffusion4j.nn.net;

/**
 * Shape of a {@link GraphNet}, a GDSS score network (Jo, Lee &amp; Hwang 2022; official code
 * harryjo97/GDSS, models/ScoreNetwork_X.py, ScoreNetwork_A.py, attention.py). Field names map to
 * GDSS's config keys as noted.
 *
 * @param target what the network scores: node features or the adjacency
 * @param layer GCN layers or GDSS's graph multi-head attention layers
 * @param nodes maximum number of nodes N ({@code max_node_num})
 * @param features node-feature width F ({@code max_feat_num}): the sample's for NODES, the
 *     context's for ADJACENCY
 * @param depth number of layers ({@code depth} of ScoreNetworkX, {@code num_layers} of
 *     ScoreNetworkA)
 * @param hidden node hidden width ({@code nhid})
 * @param attnDim query/key width of the attention layers after the first ({@code adim}; the first
 *     layer uses {@code hidden}, as GDSS does)
 * @param heads attention heads ({@code num_heads}); must divide {@code hidden} and {@code attnDim}
 * @param linears layers of the per-edge MLP inside each attention/GCN layer ({@code num_linears})
 * @param cInit adjacency channels fed to the first layer: A, A^2, ..., A^cInit ({@code c_init})
 * @param cHid adjacency channels between layers ({@code c_hid})
 * @param cFinal adjacency channels out of the last layer ({@code c_final})
 * @param timeEmbedDim width of the sinusoidal embedding of c; 0 = no time input, exactly as GDSS
 *     (whose networks take no time and are divided by the noise std outside)
 * @param dropout dropout rate on node features after each layer (GDSS: 0)
 * @param classes class conditioning (0 = unconditional); needs {@code timeEmbedDim > 0}
 * @param initSeed seed of the weight initialisation
 */
public record GraphNetConfig(Target target, Layer layer, int nodes, int features, int depth, int hidden, int attnDim,
    int heads, int linears, int cInit, int cHid, int cFinal, int timeEmbedDim, double dropout, int classes,
    long initSeed) implements NetworkConfig {

  /** What a {@link GraphNet} scores. */
  public enum Target {
    /** Node features x (n, N, F) given condition.adjacency: ScoreNetworkX / ScoreNetworkX_GMH. */
    NODES,
    /** The adjacency x (n, N, N) given node features in condition.context: ScoreNetworkA. */
    ADJACENCY
  }

  /** The layer kind of a {@link GraphNet}. */
  public enum Layer {
    /**
     * DenseGCNConv layers: ScoreNetworkX for NODES; for ADJACENCY GDSS's BaselineNetwork
     * (ScoreNetwork_A.py, GCN per adjacency channel + per-edge MLP on node pairs).
     */
    GCN,
    /**
     * GDSS's graph multi-head attention AttentionLayer (attention.py, after Baek et al. 2021):
     * ScoreNetworkX_GMH for NODES, ScoreNetworkA for ADJACENCY.
     */
    GMH
  }

  public GraphNetConfig {
    if (target == null || layer == null) {
      throw new IllegalArgumentException("graph network needs a target (nodes|adjacency) and a layer (gcn|gmh)");
    }
    if (nodes < 1 || features < 1 || depth < 1 || hidden < 1 || attnDim < 1 || heads < 1 || linears < 1 || cInit < 1
        || cHid < 1 || cFinal < 1 || timeEmbedDim < 0 || timeEmbedDim % 2 != 0 || classes < 0) {
      throw new IllegalArgumentException("graph network needs nodes, features, depth, hidden, attn-dim, heads, linears,"
          + " c-init, c-hid, c-final >= 1, an even time-embed-dim >= 0 and classes >= 0; got nodes=" + nodes
          + ", features=" + features + ", depth=" + depth + ", hidden=" + hidden + ", attn-dim=" + attnDim + ", heads="
          + heads + ", linears=" + linears + ", c-init=" + cInit + ", c-hid=" + cHid + ", c-final=" + cFinal
          + ", time-embed-dim=" + timeEmbedDim + ", classes=" + classes);
    }
    if (layer == Layer.GMH && (hidden % heads != 0 || attnDim % heads != 0)) {
      throw new IllegalArgumentException("graph attention: heads=" + heads + " must divide hidden=" + hidden
          + " and attn-dim=" + attnDim);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("graph network dropout must be in [0, 1), got " + dropout);
    }
    if (classes > 0 && timeEmbedDim == 0) {
      throw new IllegalArgumentException("class conditioning (classes=" + classes + ") enters through the time"
          + " embedding: set time-embed-dim > 0");
    }
  }

  /**
   * GDSS's node-feature network with the settings of its ego_small config: ScoreNetworkX (GCN),
   * depth 2, nhid 32; plus a 32-wide time embedding.
   */
  public static GraphNetConfig nodes(int nodes, int features) {
    return new GraphNetConfig(Target.NODES, Layer.GCN, nodes, features, 2, 32, 32, 4, 2, 2, 8, 4, 32, 0, 0, 0);
  }

  /**
   * GDSS's adjacency network with the settings of its ego_small / community_small configs:
   * ScoreNetworkA (GMH), 5 layers, nhid 32, adim 32, 4 heads, num_linears 2, c_init 2, c_hid 8,
   * c_final 4; plus a 32-wide time embedding.
   */
  public static GraphNetConfig adjacency(int nodes, int features) {
    return new GraphNetConfig(Target.ADJACENCY, Layer.GMH, nodes, features, 5, 32, 32, 4, 2, 2, 8, 4, 32, 0, 0, 0);
  }

  public GraphNetConfig withLayer(Layer l) {
    return new GraphNetConfig(target, l, nodes, features, depth, hidden, attnDim, heads, linears, cInit, cHid, cFinal,
        timeEmbedDim, dropout, classes, initSeed);
  }

  public GraphNetConfig withDepth(int d) {
    return new GraphNetConfig(target, layer, nodes, features, d, hidden, attnDim, heads, linears, cInit, cHid, cFinal,
        timeEmbedDim, dropout, classes, initSeed);
  }

  /** Hidden width and attention width together. */
  public GraphNetConfig withWidth(int hiddenWidth, int attentionWidth) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hiddenWidth, attentionWidth, heads, linears, cInit,
        cHid, cFinal, timeEmbedDim, dropout, classes, initSeed);
  }

  /** Adjacency channels: powers fed in, between layers, out of the last layer. */
  public GraphNetConfig withChannels(int init, int hid, int fin) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, heads, linears, init, hid, fin,
        timeEmbedDim, dropout, classes, initSeed);
  }

  public GraphNetConfig withHeads(int h) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, h, linears, cInit, cHid, cFinal,
        timeEmbedDim, dropout, classes, initSeed);
  }

  public GraphNetConfig withTimeEmbedDim(int t) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, heads, linears, cInit, cHid,
        cFinal, t, dropout, classes, initSeed);
  }

  public GraphNetConfig withDropout(double p) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, heads, linears, cInit, cHid,
        cFinal, timeEmbedDim, p, classes, initSeed);
  }

  @Override
  public GraphNetConfig withClasses(int c) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, heads, linears, cInit, cHid,
        cFinal, timeEmbedDim, dropout, c, initSeed);
  }

  @Override
  public GraphNetConfig withInitSeed(long s) {
    return new GraphNetConfig(target, layer, nodes, features, depth, hidden, attnDim, heads, linears, cInit, cHid,
        cFinal, timeEmbedDim, dropout, classes, s);
  }

  @Override
  public String type() {
    return "graph";
  }

  /** {N, F} for NODES, {N, N} for ADJACENCY. */
  @Override
  public long[] sampleShape() {
    return target == Target.NODES ? new long[] {nodes, features} : new long[] {nodes, nodes};
  }

  @Override
  public GraphNet build() {
    return new GraphNet(this);
  }
}
