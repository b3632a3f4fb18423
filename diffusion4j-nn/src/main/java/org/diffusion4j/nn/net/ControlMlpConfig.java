package org.diffusion4j.nn.net;

/**
 * Shape of a {@link ControlMlp}: a deterministic predictor (behaviour-cloning policy, inverse
 * dynamics) whose input is {@code condition.context} (n, inputs) and whose output, the "sample",
 * has shape (n, outputs).
 *
 * @param inputs input features per row
 * @param outputs outputs per row
 * @param width hidden width
 * @param depth hidden layers (&gt;= 1)
 * @param initSeed seed of the weight initialisation
 */
public record ControlMlpConfig(int inputs, int outputs, int width, int depth, long initSeed) implements NetworkConfig {
  public ControlMlpConfig {
    if (inputs < 1 || outputs < 1 || width < 1 || depth < 1) {
      throw new IllegalArgumentException("control MLP needs inputs, outputs, width and depth >= 1, got " + inputs
          + ", " + outputs + ", " + width + ", " + depth);
    }
  }

  @Override
  public String type() {
    return "control-mlp";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {outputs};
  }

  @Override
  public int classes() {
    return 0;
  }

  @Override
  public ControlMlpConfig withInitSeed(long s) {
    return new ControlMlpConfig(inputs, outputs, width, depth, s);
  }

  @Override
  public ControlMlpConfig withClasses(int c) {
    if (c != 0) {
      throw new IllegalArgumentException("the control MLP is not class-conditional; got " + c + " classes");
    }
    return this;
  }

  @Override
  public ControlMlp build() {
    return new ControlMlp(this);
  }
}
