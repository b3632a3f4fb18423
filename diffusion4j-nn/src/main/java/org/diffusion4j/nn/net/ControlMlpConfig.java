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
 * @param classes number of classes (0 = none); with classes the one-hot of {@code condition.classOneHot}
 *     (classes + 1 columns, the last the null class) is appended to the input
 * @param initSeed seed of the weight initialisation
 */
public record ControlMlpConfig(int inputs, int outputs, int width, int depth, int classes, long initSeed) implements NetworkConfig {
  public ControlMlpConfig {
    if (inputs < 1 || outputs < 1 || width < 1 || depth < 1 || classes < 0) {
      throw new IllegalArgumentException("control MLP needs inputs, outputs, width and depth >= 1 and classes >= 0, got "
          + inputs + ", " + outputs + ", " + width + ", " + depth + ", " + classes);
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

  /** Inputs of the first layer: the features plus the class one-hot, if any. */
  public int inputWidth() {
    return inputs + (classes > 0 ? classes + 1 : 0);
  }

  @Override
  public ControlMlpConfig withInitSeed(long s) {
    return new ControlMlpConfig(inputs, outputs, width, depth, classes, s);
  }

  @Override
  public ControlMlpConfig withClasses(int c) {
    return new ControlMlpConfig(inputs, outputs, width, depth, c, initSeed);
  }

  @Override
  public ControlMlp build() {
    return new ControlMlp(this);
  }
}
