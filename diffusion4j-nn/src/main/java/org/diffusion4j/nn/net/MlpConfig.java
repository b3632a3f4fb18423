package org.diffusion4j.nn.net;

import java.util.Map;
import org.diffusion4j.io.Json;

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
    int classes, long initSeed) {

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

  public MlpConfig withClasses(int c) {
    return new MlpConfig(dim, width, depth, embedDim, embedding, fourierScale, c, initSeed);
  }

  public MlpConfig withInitSeed(long s) {
    return new MlpConfig(dim, width, depth, embedDim, embedding, fourierScale, classes, s);
  }

  public MlpConfig withEmbedding(TimeEmbedding e) {
    return new MlpConfig(dim, width, depth, embedDim, e, fourierScale, classes, initSeed);
  }

  /** JSON object text. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"type\": \"time-mlp\", \"dim\": ").append(dim)
        .append(", \"width\": ").append(width).append(", \"depth\": ").append(depth)
        .append(", \"embedDim\": ").append(embedDim).append(", \"embedding\": ");
    Json.appendString(sb, embedding.cliName());
    sb.append(", \"fourierScale\": ");
    Json.appendNumber(sb, fourierScale);
    sb.append(", \"classes\": ").append(classes).append(", \"initSeed\": ").append(initSeed).append('}');
    return sb.toString();
  }

  /** Parses what {@link #toJson} wrote (already parsed to a map). */
  public static MlpConfig fromJson(Map<?, ?> m) {
    String type = Json.string(m.get("type"), "network.type");
    if (!type.equals("time-mlp")) {
      throw new IllegalArgumentException("unknown network type '" + type + "'; expected time-mlp");
    }
    return new MlpConfig(intField(m, "dim"), intField(m, "width"), intField(m, "depth"), intField(m, "embedDim"),
        TimeEmbedding.parse(Json.string(m.get("embedding"), "network.embedding")),
        Json.number(m.get("fourierScale"), "network.fourierScale"), intField(m, "classes"),
        (long) Json.number(m.get("initSeed"), "network.initSeed"));
  }

  static int intField(Map<?, ?> m, String key) {
    double v = Json.number(m.get(key), "network." + key);
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("field 'network." + key + "' must be an integer, got " + v);
    }
    return (int) v;
  }
}
