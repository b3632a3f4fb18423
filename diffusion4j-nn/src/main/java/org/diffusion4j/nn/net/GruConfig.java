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
 * @param initSeed seed of the weight initialisation
 */
public record GruConfig(int length, int channels, int inputs, int hidden, long initSeed) implements NetworkConfig {
  public GruConfig {
    if (length < 1 || channels < 1 || inputs < 1 || hidden < 1) {
      throw new IllegalArgumentException("GRU needs length, channels, inputs and hidden >= 1, got " + length + ", "
          + channels + ", " + inputs + ", " + hidden);
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

  @Override
  public int classes() {
    return 0;
  }

  @Override
  public GruConfig withInitSeed(long s) {
    return new GruConfig(length, channels, inputs, hidden, s);
  }

  @Override
  public GruConfig withClasses(int c) {
    if (c != 0) {
      throw new IllegalArgumentException("the GRU is not class-conditional; got " + c + " classes");
    }
    return this;
  }

  @Override
  public GruNet build() {
    return new GruNet(this);
  }
}
