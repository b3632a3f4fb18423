package org.diffusion4j.nn.graph.pard;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.PardBlocks;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;

/**
 * A PARD run: data statistics, diffusion, network and training settings. Defaults follow the
 * official code LingxiaoShawn/Pard at commit f0f8d98 ({@code pard/config.py},
 * {@code pard/configs/comm20.yaml}: max_hops 3, 40 diffusion steps per block, ce_coeff 0.01,
 * AdamW lr 5e-4, weight decay 0.01) except the network size and training length, which are cut to
 * fit 2 CPU cores (see {@link #fit}).
 *
 * @param data bundled set name or training file
 * @param maxNodes N, graphs are padded to N nodes; generation stops before exceeding it
 * @param maxHops hops of the block decomposition ({@link PardBlocks})
 * @param diffusionSteps T, diffusion steps per block
 * @param edgeMarginal the edge-class prior m (no edge, edge): the training pairs' frequencies
 * @param maxBlocks block-id embedding size: the most blocks of a training graph + 3 (official)
 * @param maxBlockSize the largest training block
 * @param maxDegree the largest training block degree
 * @param firstBlock the training frequency of each first-block (size, degree) class
 *     ({@link #blockClass})
 * @param net the network
 * @param steps optimiser steps
 * @param batch graphs per step (each gives one denoising and one next-block example)
 * @param lr learning rate
 * @param weightDecay decoupled weight decay
 * @param clipNorm gradient-norm clip
 * @param emaDecay EMA decay
 * @param seed training seed
 * @param ceCoeff weight of the extra cross-entropy term on x_0 ({@code ce_coeff})
 * @param useEma sample with the EMA weights
 */
public record PardConfig(String data, int maxNodes, int maxHops, int diffusionSteps, double[] edgeMarginal,
    int maxBlocks, int maxBlockSize, int maxDegree, double[] firstBlock, PardNetConfig net, long steps, int batch,
    double lr, double weightDecay, double clipNorm, double emaDecay, long seed, double ceCoeff, boolean useEma) {

  public PardConfig {
    if (maxNodes < 2 || maxHops < 0 || diffusionSteps < 1 || maxBlocks < 1 || maxBlockSize < 1 || maxDegree < 0) {
      throw new IllegalArgumentException("PARD needs max-nodes >= 2, hops >= 0, diffusion steps >= 1, blocks >= 1,"
          + " block size >= 1, degree >= 0; got " + maxNodes + ", " + maxHops + ", " + diffusionSteps + ", "
          + maxBlocks + ", " + maxBlockSize + ", " + maxDegree);
    }
    if (edgeMarginal.length != 2 || firstBlock.length != (maxBlockSize + 1) * (maxDegree + 1)) {
      throw new IllegalArgumentException("PARD needs a 2-class edge marginal and " + (maxBlockSize + 1) * (maxDegree + 1)
          + " first-block frequencies; got " + edgeMarginal.length + " and " + firstBlock.length);
    }
    if (net.maxNodes() != maxNodes || net.nodeFeatures() != nodeFeatures(maxBlocks, maxDegree)
        || net.blockClasses() != (maxBlockSize + 1) * (maxDegree + 1) || net.edgeClasses() != 2) {
      throw new IllegalArgumentException("PARD network shape does not match the data: " + net);
    }
    if (steps < 1 || batch < 1 || !(lr > 0) || weightDecay < 0 || !(clipNorm > 0) || emaDecay < 0 || emaDecay >= 1
        || ceCoeff < 0) {
      throw new IllegalArgumentException("PARD training needs steps, batch >= 1, lr > 0, weight decay >= 0, clip > 0,"
          + " EMA decay in [0, 1) and ce-coeff >= 0; got steps=" + steps + ", batch=" + batch + ", lr=" + lr);
    }
    edgeMarginal = edgeMarginal.clone();
    firstBlock = firstBlock.clone();
  }

  /** Width of the node context: block-id one-hot, block-degree one-hot, target flag. */
  public static int nodeFeatures(int maxBlocks, int maxDegree) {
    return maxBlocks + maxDegree + 2;
  }

  /** The head class of a next block of {@code size} nodes (0 = stop) and {@code degree}. */
  public int blockClass(int size, int degree) {
    if (size < 0 || size > maxBlockSize || degree < 0 || degree > maxDegree) {
      throw new IllegalArgumentException("block (size " + size + ", degree " + degree + ") outside [0, " + maxBlockSize
          + "] x [0, " + maxDegree + "]");
    }
    return size * (maxDegree + 1) + degree;
  }

  /** {size, degree} of a head class. */
  public int[] blockOfClass(int k) {
    return new int[] {k / (maxDegree + 1), k % (maxDegree + 1)};
  }

  /**
   * Settings fitted to {@code graphs}: their block statistics, edge marginal and first-block
   * distribution, with a network of {@code hidden} channels and {@code layers} PPGN blocks.
   *
   * @throws IllegalArgumentException for no graphs or a graph larger than {@code maxNodes}
   */
  public static PardConfig fit(String data, List<Graph> graphs, int maxNodes, int hidden, int layers,
      int diffusionSteps, long steps, int batch, double lr, long seed) {
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("PARD training needs at least one graph");
    }
    int blocks = 0;
    int size = 1;
    int degree = 0;
    double pairs = 0;
    double edges = 0;
    int hops = PardBlocks.DEFAULT_MAX_HOPS;
    for (int i = 0; i < graphs.size(); i++) {
      Graph g = graphs.get(i);
      if (g.nodeCount() > maxNodes) {
        throw new IllegalArgumentException("training graph " + i + " has " + g.nodeCount() + " nodes, more than max"
            + " nodes " + maxNodes);
      }
      PardBlocks b = PardBlocks.of(g, hops);
      blocks = Math.max(blocks, b.blockCount());
      for (int k = 0; k < b.blockCount(); k++) {
        size = Math.max(size, b.blockSizes()[k]);
        degree = Math.max(degree, b.blockDegrees()[k]);
      }
      pairs += (double) g.nodeCount() * (g.nodeCount() - 1);
      edges += 2.0 * g.edgeCount();
    }
    double[] first = new double[(size + 1) * (degree + 1)];
    for (Graph g : graphs) {
      PardBlocks b = PardBlocks.of(g, hops);
      first[b.blockSizes()[0] * (degree + 1) + b.blockDegrees()[0]] += 1.0 / graphs.size();
    }
    double rho = pairs == 0 ? 0.5 : edges / pairs;
    int maxBlocks = blocks + 3;
    PardNetConfig net = new PardNetConfig(maxNodes, nodeFeatures(maxBlocks, degree), 2, hidden, layers, 32,
        (size + 1) * (degree + 1), 0, seed);
    return new PardConfig(data, maxNodes, hops, diffusionSteps, new double[] {1 - rho, rho}, maxBlocks, size, degree,
        first, net, steps, batch, lr, 0.01, 1.0, 0.999, seed, 0.01, true);
  }

  /** JSON text (JsonRecords). */
  public String toJson() {
    return JsonRecords.toJson(this) + "\n";
  }

  /** Parses {@link #toJson()}; errors name the field. */
  public static PardConfig fromJson(String text) {
    if (!(Json.parse(text) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("PARD config must be a JSON object");
    }
    return JsonRecords.fromJson(PardConfig.class, m, "");
  }

  @Override
  public double[] edgeMarginal() {
    return edgeMarginal.clone();
  }

  @Override
  public double[] firstBlock() {
    return firstBlock.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PardConfig p && p.toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(firstBlock) + data.hashCode();
  }
}
