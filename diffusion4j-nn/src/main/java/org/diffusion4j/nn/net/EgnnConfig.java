package org.diffusion4j.nn.net;

/**
 * Shape of an {@link Egnn} (Satorras, Hoogeboom &amp; Welling 2021, "E(n) Equivariant Graph Neural
 * Networks"; official code vgsatorras/egnn, models/egnn_clean/egnn_clean.py).
 *
 * @param nodes maximum number of nodes N
 * @param spaceDim dimension D of the coordinates (3 for molecules and trajectories in space)
 * @param features invariant node-feature width F in condition.context (0 = none)
 * @param hidden hidden width of h and of the edge messages ({@code hidden_nf})
 * @param depth number of E_GCL layers ({@code n_layers}, official default 4)
 * @param timeEmbedDim width of the sinusoidal embedding of c; 0 = c itself as one invariant
 *     feature (as EDM, Hoogeboom et al. 2022, appends t to the node features)
 * @param coordsAggregation how coordinate messages are aggregated ({@code coords_agg}; official
 *     default MEAN)
 * @param tanh bound the coordinate weights phi_x with tanh ({@code tanh}; official default off)
 * @param removeMean subtract the mean over real nodes from the output (the zero centre-of-mass
 *     subspace of EDM and GeoTDM)
 * @param classes class conditioning (0 = unconditional), as a one-hot invariant feature
 * @param initSeed seed of the weight initialisation
 */
public record EgnnConfig(int nodes, int spaceDim, int features, int hidden, int depth, int timeEmbedDim,
    Aggregation coordsAggregation, boolean tanh, boolean removeMean, int classes, long initSeed)
    implements NetworkConfig {

  /** Aggregation of the coordinate messages over neighbours (egnn_clean {@code coords_agg}). */
  public enum Aggregation {
    /** Sum over real neighbours divided by their count (clamped at 1): unsorted_segment_mean. */
    MEAN,
    /** Sum over real neighbours: unsorted_segment_sum. */
    SUM
  }

  public EgnnConfig {
    if (nodes < 1 || spaceDim < 1 || features < 0 || hidden < 1 || depth < 1 || timeEmbedDim < 0
        || timeEmbedDim % 2 != 0 || classes < 0) {
      throw new IllegalArgumentException("EGNN needs nodes, space-dim, hidden, depth >= 1, features >= 0, an even"
          + " time-embed-dim >= 0 and classes >= 0; got nodes=" + nodes + ", space-dim=" + spaceDim + ", features="
          + features + ", hidden=" + hidden + ", depth=" + depth + ", time-embed-dim=" + timeEmbedDim + ", classes="
          + classes);
    }
    if (coordsAggregation == null) {
      throw new IllegalArgumentException("EGNN coords aggregation must be mean or sum");
    }
  }

  /**
   * Official defaults: hidden 64, 4 layers, mean aggregation, no tanh; c as a raw feature; mean
   * removed (the zero centre-of-mass subspace).
   */
  public static EgnnConfig defaults(int nodes, int spaceDim, int features) {
    return new EgnnConfig(nodes, spaceDim, features, 64, 4, 0, Aggregation.MEAN, false, true, 0, 0);
  }

  public EgnnConfig withHidden(int h) {
    return new EgnnConfig(nodes, spaceDim, features, h, depth, timeEmbedDim, coordsAggregation, tanh, removeMean,
        classes, initSeed);
  }

  public EgnnConfig withDepth(int d) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, d, timeEmbedDim, coordsAggregation, tanh, removeMean,
        classes, initSeed);
  }

  public EgnnConfig withTimeEmbedDim(int t) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, t, coordsAggregation, tanh, removeMean, classes,
        initSeed);
  }

  public EgnnConfig withCoordsAggregation(Aggregation a) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, timeEmbedDim, a, tanh, removeMean, classes,
        initSeed);
  }

  public EgnnConfig withTanh(boolean t) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, timeEmbedDim, coordsAggregation, t, removeMean,
        classes, initSeed);
  }

  public EgnnConfig withRemoveMean(boolean r) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, timeEmbedDim, coordsAggregation, tanh, r, classes,
        initSeed);
  }

  @Override
  public EgnnConfig withClasses(int c) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, timeEmbedDim, coordsAggregation, tanh, removeMean,
        c, initSeed);
  }

  @Override
  public EgnnConfig withInitSeed(long s) {
    return new EgnnConfig(nodes, spaceDim, features, hidden, depth, timeEmbedDim, coordsAggregation, tanh, removeMean,
        classes, s);
  }

  @Override
  public String type() {
    return "egnn";
  }

  /** {N, D}. */
  @Override
  public long[] sampleShape() {
    return new long[] {nodes, spaceDim};
  }

  @Override
  public Egnn build() {
    return new Egnn(this);
  }
}
