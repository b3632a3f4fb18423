package org.diffusion4j.blend;

import java.util.Arrays;
import org.diffusion4j.array.Batch;

/**
 * Linear interpolation of the two conditionals with a fixed weight w: (1 - w) D_a + w D_b. Every
 * prediction kind is affine in the network output with coefficients depending on t only, so this
 * is the same as interpolating the scores: (1 - w) grad log p_t(x | a) + w grad log p_t(x | b),
 * the score of the normalised geometric mixture p(x | a)^(1-w) p(x | b)^w at each t. (The
 * official Black-Scholes code's baseline interpolates text embeddings instead; a class-conditional
 * model has no such embedding to reach, so the scores are interpolated.)
 *
 * @param w weight of concept b in [0, 1]: 0 gives concept a exactly, 1 concept b
 */
public record LinearBlend(double w) implements BlendRule {
  public LinearBlend {
    if (!(w >= 0 && w <= 1)) {
      throw new IllegalArgumentException("linear blend weight must be in [0, 1], got " + w);
    }
  }

  @Override
  public void weights(Batch x, double t, double[] out) {
    Arrays.fill(out, 0, x.n(), w);
  }

  @Override
  public String name() {
    return "linear-" + w;
  }
}
