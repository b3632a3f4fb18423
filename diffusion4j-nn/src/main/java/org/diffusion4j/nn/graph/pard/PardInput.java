package org.diffusion4j.nn.graph.pard;

import java.util.Arrays;

/**
 * One network input: a graph prefix of {@code nodes} nodes in generation order, whose blocks
 * 0..{@code targetBlock - 1} are given and whose block {@code targetBlock} (the last one) is being
 * denoised at diffusion step {@code step}; {@code targetBlock = -1} (step 0) is a complete prefix
 * for the next-block head.
 *
 * @param nodes node count of the prefix
 * @param edges n*n edge classes (symmetric, 0 = no edge, 1 = edge; x_t on target pairs)
 * @param blockOf block index of every node (non-decreasing)
 * @param blockDegrees degree of every block so far (PARD's {@code block_degree} conditioning)
 * @param targetBlock the block being denoised, or -1
 * @param step diffusion step t of the target pairs (0 when there is no target)
 */
public record PardInput(int nodes, int[] edges, int[] blockOf, int[] blockDegrees, int targetBlock, int step) {
  public PardInput {
    if (nodes < 1 || edges.length != nodes * nodes || blockOf.length != nodes) {
      throw new IllegalArgumentException("PARD input needs nodes >= 1 with n*n edges and n block ids, got nodes="
          + nodes + ", edges=" + edges.length + ", block ids=" + blockOf.length);
    }
    if (targetBlock < -1 || targetBlock >= blockDegrees.length || (targetBlock == -1) != (step == 0)) {
      throw new IllegalArgumentException("target block must be in [-1, " + blockDegrees.length
          + ") with step 0 exactly when there is none; got target " + targetBlock + ", step " + step);
    }
  }

  /** Whether node u belongs to the target block. */
  public boolean isTarget(int u) {
    return targetBlock >= 0 && blockOf[u] == targetBlock;
  }

  /** Whether the pair (u, v), u != v, is denoised: one of its ends is in the target block. */
  public boolean isTargetPair(int u, int v) {
    return u != v && (isTarget(u) || isTarget(v));
  }

  /** A copy with other edge classes and step. */
  public PardInput with(int[] newEdges, int newStep) {
    return new PardInput(nodes, newEdges, blockOf, blockDegrees, targetBlock, newStep);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PardInput p && p.nodes == nodes && Arrays.equals(p.edges, edges)
        && Arrays.equals(p.blockOf, blockOf) && Arrays.equals(p.blockDegrees, blockDegrees)
        && p.targetBlock == targetBlock && p.step == step;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(edges) * 31 + nodes;
  }

  @Override
  public String toString() {
    return "PardInput[nodes=" + nodes + ", blocks=" + Arrays.toString(blockDegrees) + ", target=" + targetBlock
        + ", step=" + step + "]";
  }
}
