package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;

/**
 * The optional inputs of {@link Network#forward}, one field per kind of conditioning, so that the
 * image, series, graph and trajectory models share one contract. Every field may be null.
 *
 * @param classOneHot (n, classes + 1) one-hot class labels; the last column is the null class of
 *     classifier-free guidance (Ho &amp; Salimans 2022)
 * @param mask a mask over the sample: for series (n, L, C) with 1 where a value is observed
 *     (TSDiff), for graphs (n, N) with 1 for real nodes (GDSS node flags), for point sets (n, N)
 * @param observed observed values in the sample's shape (zero where {@code mask} is 0): the
 *     conditioning signal of inpainting and forecasting
 * @param context extra per-sample features: a context window (n, Lc, C) for series, node
 *     features (n, N, F) when a graph network scores the adjacency
 * @param adjacency (n, N, N) weighted adjacency for graph networks
 * @param training true in a training step (enables dropout); false for evaluation
 */
public record Condition(NDArray classOneHot, NDArray mask, NDArray observed, NDArray context, NDArray adjacency,
    boolean training) {

  /** No conditioning, evaluation mode. */
  public static final Condition NONE = new Condition(null, null, null, null, null, false);

  public static Condition ofClasses(NDArray classOneHot) {
    return NONE.withClassOneHot(classOneHot);
  }

  public Condition withClassOneHot(NDArray v) {
    return new Condition(v, mask, observed, context, adjacency, training);
  }

  public Condition withMask(NDArray v) {
    return new Condition(classOneHot, v, observed, context, adjacency, training);
  }

  public Condition withObserved(NDArray v) {
    return new Condition(classOneHot, mask, v, context, adjacency, training);
  }

  public Condition withContext(NDArray v) {
    return new Condition(classOneHot, mask, observed, v, adjacency, training);
  }

  public Condition withAdjacency(NDArray v) {
    return new Condition(classOneHot, mask, observed, context, v, training);
  }

  public Condition withTraining(boolean v) {
    return new Condition(classOneHot, mask, observed, context, adjacency, v);
  }

  /** The class one-hot, or a clear error if a class-conditional network got none. */
  public NDArray requireClassOneHot() {
    if (classOneHot == null) {
      throw new IllegalArgumentException("this network is class-conditional: pass class labels (or the null class)");
    }
    return classOneHot;
  }

  /**
   * One-hot rows, (n, classes + 1) flattened, for labels in [0, classes]; label {@code classes}
   * is the null class.
   */
  public static float[] oneHot(int[] labels, int classes) {
    int k = classes + 1;
    float[] out = new float[labels.length * k];
    for (int r = 0; r < labels.length; r++) {
      if (labels[r] < 0 || labels[r] >= k) {
        throw new IllegalArgumentException("class label " + labels[r] + " is outside [0, " + classes + "]"
            + (classes > 0 ? " (" + classes + " = unconditional)" : ""));
      }
      out[r * k + labels[r]] = 1;
    }
    return out;
  }
}
