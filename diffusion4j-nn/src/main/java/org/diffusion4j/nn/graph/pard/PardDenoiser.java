package org.diffusion4j.nn.graph.pard;

import java.util.List;

/**
 * What block-by-block sampling ({@link PardSampler}) asks of a model: the network
 * ({@link PardModel#denoiser}) or, in tests, an exact oracle.
 */
public interface PardDenoiser {
  /**
   * p(x_0 | x_t, earlier blocks) of every target pair of every input, as
   * [input][pair][class], pairs in the order of {@link PardModel#targetPairs}.
   */
  double[][][] edgeProbabilities(List<PardInput> inputs);

  /**
   * For complete prefixes (no target block): the distribution of the next block's head class
   * (size, degree), size 0 meaning the graph is finished.
   */
  double[][] nextBlockProbabilities(List<PardInput> prefixes);
}
