package org.diffusion4j.walk;

import org.diffusion4j.random.Rng;

/** The token of a {@link MarkovChain}: X_{n+1} ~ P(X_n, .), one uniform draw per step. */
public final class ChainWalk implements TokenWalk {
  private final MarkovChain chain;
  private final Rng rng;
  private int position;

  /**
   * @throws IllegalArgumentException if {@code start} is not a node of the chain
   */
  public ChainWalk(MarkovChain chain, int start, long seed) {
    MarkovChain.requireStart(chain.states(), start);
    this.chain = chain;
    this.rng = Rng.of(seed);
    this.position = start;
  }

  @Override
  public int position() {
    return position;
  }

  @Override
  public int step() {
    int from = chain.rowStart(position);
    int length = chain.rowLength(position);
    double[] p = chain.probabilities();
    double total = 0;
    for (int k = 0; k < length; k++) {
      total += p[from + k];
    }
    position = MarkovChain.pick(chain.columns(), from, p, from, length, total, rng.nextDouble());
    return position;
  }

  @Override
  public int states() {
    return chain.states();
  }

  @Override
  public double[] target() {
    return chain.target();
  }
}
