package org.diffusion4j.nn.graph.pard;

import org.diffusion4j.nn.net.NetworkConfig;

/**
 * Shape of a {@link PardNet}.
 *
 * @param maxNodes N, graphs are padded to N nodes
 * @param nodeFeatures width of the node context (block-id one-hot, block-degree one-hot, target
 *     flag; see {@link PardInput})
 * @param edgeClasses C, edge classes (2 for unlabelled graphs: no edge, edge)
 * @param hidden channel width of the pair (edge) representation and of the node embedding
 * @param layers number of PPGN blocks
 * @param timeEmbed size of the sinusoidal time embedding (even)
 * @param blockClasses K, classes of the next-block head: (size, degree) pairs, size 0 = stop
 * @param classes unused: PARD generates unconditionally (kept for the {@link NetworkConfig} contract)
 * @param initSeed seed of the weight initialisation
 */
public record PardNetConfig(int maxNodes, int nodeFeatures, int edgeClasses, int hidden, int layers, int timeEmbed,
    int blockClasses, int classes, long initSeed) implements NetworkConfig {

  public PardNetConfig {
    if (maxNodes < 2 || nodeFeatures < 1 || edgeClasses < 2 || hidden < 1 || layers < 1 || timeEmbed < 2
        || timeEmbed % 2 != 0 || blockClasses < 2 || classes < 0) {
      throw new IllegalArgumentException("PARD network needs max-nodes >= 2, node-features >= 1, edge-classes >= 2,"
          + " hidden >= 1, layers >= 1, even time-embed >= 2, block-classes >= 2 and classes >= 0; got max-nodes="
          + maxNodes + ", node-features=" + nodeFeatures + ", edge-classes=" + edgeClasses + ", hidden=" + hidden
          + ", layers=" + layers + ", time-embed=" + timeEmbed + ", block-classes=" + blockClasses + ", classes="
          + classes);
    }
  }

  @Override
  public String type() {
    return "pard";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {maxNodes, maxNodes, edgeClasses};
  }

  @Override
  public PardNetConfig withInitSeed(long seed) {
    return new PardNetConfig(maxNodes, nodeFeatures, edgeClasses, hidden, layers, timeEmbed, blockClasses, classes,
        seed);
  }

  @Override
  public PardNetConfig withClasses(int c) {
    return new PardNetConfig(maxNodes, nodeFeatures, edgeClasses, hidden, layers, timeEmbed, blockClasses, c,
        initSeed);
  }

  /**
   * The registry's default for samples of shape (N, N, C): 32 channels, 4 blocks, an 8-wide node
   * context and a 2-class head; PARD runs size these from their data ({@link PardConfig#fit}).
   */
  public static PardNetConfig defaults(long[] shape) {
    if (shape.length != 3 || shape[0] != shape[1] || shape[0] < 2 || shape[2] < 2) {
      throw new IllegalArgumentException("the PARD network needs pair samples of shape (N, N, C) with N, C >= 2, got "
          + java.util.Arrays.toString(shape) + "; it is trained by d4j graphs train --method pard");
    }
    return new PardNetConfig(Math.toIntExact(shape[0]), 8, Math.toIntExact(shape[2]), 32, 4, 32, 2, 0, 0);
  }

  @Override
  public PardNet build() {
    return new PardNet(this);
  }
}
