package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDArray;

/**
 * The pair of scores GDSS's solvers need at one time: of X (n, N, F) and of A (n, N, N), each
 * given both X and A and the node flags (n, N).
 */
@FunctionalInterface
public interface GraphScore {
  /** {score of X, score of A} at time t. */
  NDArray[] scores(NDArray x, NDArray adj, NDArray flags, double t);
}
