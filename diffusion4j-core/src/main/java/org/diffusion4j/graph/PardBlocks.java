package org.diffusion4j.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PARD's structural block decomposition (Zhao, Ding &amp; Akoglu, "Pard: Permutation-Invariant
 * Autoregressive Diffusion for Graph Generation", NeurIPS 2024; official code
 * LingxiaoShawn/Pard at commit f0f8d98, {@code pard/parallel/transform.py}
 * {@code ToParallelBlocks} and {@code compute_higher_order_degrees}).
 *
 * <p>Peeling: on the graph that remains, every node gets the weighted higher-order degree
 * w = (...((x_1) N + x_2) N + ...) N + x_h, where x_0 = 1 and x_{k+1} = (I + A) x_k over the
 * remaining edges, N is the node count of the whole graph and h = {@code maxHops}
 * (h = 0 makes every w equal: one block). All remaining nodes of minimum w form the next peeled
 * block and are removed with their edges; this repeats until no node is left. The generation
 * order is the reverse: the last peeled block is block 0. A block's degree is the degree its nodes
 * had in the remaining graph when it was peeled (PARD's {@code block_degree}).
 *
 * <p>Every step uses only structure, so the decomposition is permutation-invariant: renaming
 * the nodes renames the blocks' members and changes nothing else. One departure: the official
 * code takes the block degree of the block's lowest-numbered node; w's mixed-radix sum can
 * (rarely) tie nodes of different degree, where that choice would depend on the numbering, so
 * this class takes the block's smallest degree, which equals the official value whenever the
 * block's degrees agree.
 *
 * @param blockOf block index (in generation order) of every node
 * @param blockSizes node count of each block, in generation order
 * @param blockDegrees degree of each block at peeling, in generation order
 */
public record PardBlocks(int[] blockOf, int[] blockSizes, int[] blockDegrees) {

  /** PARD's default {@code diffusion.max_hops} (pard/config.py). */
  public static final int DEFAULT_MAX_HOPS = 3;

  /**
   * Decomposes {@code g}.
   *
   * @throws IllegalArgumentException for a graph without nodes or maxHops outside [0, 8]
   */
  public static PardBlocks of(Graph g, int maxHops) {
    if (g == null || g.nodeCount() == 0) {
      throw new IllegalArgumentException("PARD's block decomposition needs a graph with at least one node");
    }
    if (maxHops < 0 || maxHops > 8) {
      throw new IllegalArgumentException("max hops must be in [0, 8], got " + maxHops);
    }
    int n = g.nodeCount();
    boolean[] removed = new boolean[n];
    int[] peelIndex = new int[n];
    List<Integer> sizes = new ArrayList<>();
    List<Integer> degrees = new ArrayList<>();
    int left = n;
    long[] x = new long[n];
    long[] next = new long[n];
    long[] weighted = new long[n];
    int[] degree = new int[n];
    while (left > 0) {
      for (int u = 0; u < n; u++) {
        degree[u] = 0;
        if (!removed[u]) {
          for (int v : g.neighbours(u)) {
            if (!removed[v]) {
              degree[u]++;
            }
          }
        }
      }
      Arrays.fill(x, 1);
      Arrays.fill(weighted, maxHops == 0 ? 1 : 0);
      for (int hop = 0; hop < maxHops; hop++) {
        for (int u = 0; u < n; u++) {
          long s = x[u];
          if (!removed[u]) {
            for (int v : g.neighbours(u)) {
              if (!removed[v]) {
                s += x[v];
              }
            }
          }
          next[u] = s;
        }
        long[] tmp = x;
        x = next;
        next = tmp;
        for (int u = 0; u < n; u++) {
          weighted[u] = weighted[u] * n + x[u];
        }
      }
      long min = Long.MAX_VALUE;
      for (int u = 0; u < n; u++) {
        if (!removed[u] && weighted[u] < min) {
          min = weighted[u];
        }
      }
      int size = 0;
      int blockDegree = Integer.MAX_VALUE;
      int peel = sizes.size();
      for (int u = 0; u < n; u++) {
        if (!removed[u] && weighted[u] == min) {
          peelIndex[u] = peel;
          size++;
          blockDegree = Math.min(blockDegree, degree[u]);
        }
      }
      for (int u = 0; u < n; u++) {
        if (!removed[u] && weighted[u] == min) {
          removed[u] = true;
        }
      }
      left -= size;
      sizes.add(size);
      degrees.add(blockDegree);
    }
    int blocks = sizes.size();
    int[] blockOf = new int[n];
    for (int u = 0; u < n; u++) {
      blockOf[u] = blocks - 1 - peelIndex[u];
    }
    int[] sz = new int[blocks];
    int[] dg = new int[blocks];
    for (int b = 0; b < blocks; b++) {
      sz[b] = sizes.get(blocks - 1 - b);
      dg[b] = degrees.get(blocks - 1 - b);
    }
    return new PardBlocks(blockOf, sz, dg);
  }

  /** Number of blocks. */
  public int blockCount() {
    return blockSizes.length;
  }

  /**
   * The nodes in generation order: by block, then by node number within a block (as the
   * official code's stable {@code block_id.sort()}). Entry i is the original node placed at i.
   */
  public int[] order() {
    int n = blockOf.length;
    int[] out = new int[n];
    int k = 0;
    for (int b = 0; b < blockSizes.length; b++) {
      for (int u = 0; u < n; u++) {
        if (blockOf[u] == b) {
          out[k++] = u;
        }
      }
    }
    return out;
  }

  /** The graph renumbered in generation order (node i of the result is {@code order()[i]}). */
  public Graph ordered(Graph g) {
    if (g.nodeCount() != blockOf.length) {
      throw new IllegalArgumentException("graph has " + g.nodeCount() + " nodes, the decomposition " + blockOf.length);
    }
    int[] order = order();
    int[] perm = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      perm[order[i]] = i;
    }
    return g.permute(perm);
  }

  /** Number of nodes in blocks 0..{@code block} (a prefix of the generation order). */
  public int prefixNodes(int block) {
    if (block < 0 || block >= blockSizes.length) {
      throw new IllegalArgumentException("block must be in [0, " + blockSizes.length + "), got " + block);
    }
    int s = 0;
    for (int b = 0; b <= block; b++) {
      s += blockSizes[b];
    }
    return s;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PardBlocks p && Arrays.equals(blockOf, p.blockOf) && Arrays.equals(blockSizes, p.blockSizes)
        && Arrays.equals(blockDegrees, p.blockDegrees);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(blockOf) * 31 + Arrays.hashCode(blockSizes) * 17 + Arrays.hashCode(blockDegrees);
  }

  @Override
  public String toString() {
    return "PardBlocks[blockOf=" + Arrays.toString(blockOf) + ", sizes=" + Arrays.toString(blockSizes) + ", degrees="
        + Arrays.toString(blockDegrees) + "]";
  }
}
