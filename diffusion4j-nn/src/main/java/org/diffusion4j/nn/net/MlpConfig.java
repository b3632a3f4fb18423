package org.diffusion4j.nn.net;

/**
 * Shape of a {@link TimeMlp}.
 *
 * @param dim data dimension d (input and output)
 * @param width hidden width
 * @param depth number of residual blocks h &lt;- h + W silu(h) + b
 * @param embedDim size of the time embedding (even)
 * @param embedding how the scalar noise level is embedded
 * @param fourierScale standard deviation of the random Fourier frequencies (FOURIER only)
 * @param classes number of classes for class conditioning (0 = unconditional); index
 *     {@code classes} is the null class used for classifier-free guidance
 * @param initSeed seed of the weight initialisation and of the random Fourier frequencies
 */
public record MlpConfig(int dim, int width, int depth, int embedDim, TimeEmbedding embedding, double fourierScale,
    int classes, long initSeed) implements NetworkConfig {

  public MlpConfig {
    if (dim < 1 || width < 1 || depth < 0 || embedDim < 2 || embedDim % 2 != 0 || classes < 0) {
      throw new IllegalArgumentException("MLP needs dim >= 1, width >= 1, depth >= 0, even embed-dim >= 2, classes >= 0;"
          + " got dim=" + dim + ", width=" + width + ", depth=" + depth + ", embed-dim=" + embedDim + ", classes="
          + classes);
    }
    if (!(fourierScale > 0 && Double.isFinite(fourierScale))) {
      throw new IllegalArgumentException("fourier-scale must be positive, got " + fourierScale);
    }
  }

  /** The defaults used for 2-D and tabular data: width 256, 4 blocks, 64-d sinusoidal embedding. */
  public static MlpConfig defaults(int dim) {
    return new MlpConfig(dim, 256, 4, 64, TimeEmbedding.SINUSOIDAL, 16, 0, 0);
  }

  public MlpConfig withWidth(int w) {
    return new MlpConfig(dim, w, depth, embedDim, embedding, fourierScale, classes, initSeed);
  }

  public MlpConfig withDepth(int k) {
    return new MlpConfig(dim, width, k, embedDim, embedding, fourierScale, classes, initSeed);
  }

  @Override
  public MlpConfig withClasses(int c) {
    return new MlpConfig(dim, width, depth, embedDim, embedding, fourierScale, c, initSeed);
  }

  @Override
  public MlpConfig withInitSeed(long s) {
    return new MlpConfig(dim, width, depth, embedDim, embedding, fourierScale, classes, s);
  }

  public MlpConfig withEmbedding(TimeEmbedding e) {
    return new MlpConfig(dim, width, depth, embedDim, e, fourierScale, classes, initSeed);
  }

  @Override
  public String type() {
    return "time-mlp";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {dim};
  }

  @Override
  public TimeMlp build() {
    return new TimeMlp(this);
  }
}
