package org.diffusion4j.nn.net;

/**
 * Shape of a {@link GruNet}: a one-layer GRU over sequences of length L whose per-step inputs are
 * {@code condition.context} (n, L, inputs) and whose per-step outputs, the sample, have shape
 * (n, L, channels).
 *
 * @param length sequence length L
 * @param channels outputs per step
 * @param inputs inputs per step
 * @param hidden hidden size
 * @param classes number of classes (0 = none); with classes the one-hot of {@code condition.classOneHot}
 *     (classes + 1 columns) is appended to every step's input
 * @param initSeed seed of the weight initialisation
 */
public record GruConfig(int length, int channels, int inputs, int hidden, int classes, long initSeed) implements NetworkConfig {
  public GruConfig {
    if (length < 1 || channels < 1 || inputs < 1 || hidden < 1 || classes < 0) {
      throw new IllegalArgumentException("GRU needs length, channels, inputs and hidden >= 1 and classes >= 0, got "
          + length + ", " + channels + ", " + inputs + ", " + hidden + ", " + classes);
    }
  }

  @Override
  public String type() {
    return "gru";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {length, channels};
  }

  /** Inputs per step of the gates: the features plus the class one-hot, if any. */
  public int inputWidth() {
    return inputs + (classes > 0 ? classes + 1 : 0);
  }

  @Override
  public GruConfig withInitSeed(long s) {
    return new GruConfig(length, channels, inputs, hidden, classes, s);
  }

  @Override
  public GruConfig withClasses(int c) {
    return new GruConfig(length, channels, inputs, hidden, c, initSeed);
  }

  @Override
  public GruNet build() {
    return new GruNet(this);
  }
}
