package org.diffusion4j.walk;

/**
 * L2-regularised logistic regression split over agents: agent i holds the rows of its shard and
 * F_i(theta) = (1/m_i) sum_{k in shard i} [log(1 + exp(theta . x_k)) - y_k theta . x_k] + (reg/2) |theta|^2,
 * labels y in {0, 1}. Rows are dealt to agents in contiguous blocks of (almost) equal size, in the
 * given order (shuffle beforehand for i.i.d. shards; keep sorted for heterogeneous ones).
 */
public final class LogisticShards implements AgentLosses {
  private final double[][] features;
  private final double[] labels;
  private final int[] shardStart;
  private final double reg;

  /**
   * @param features rows x_k (include a constant 1 column for an intercept)
   * @param labels y_k in {0, 1}
   * @throws IllegalArgumentException if the sizes disagree, a label is not 0 or 1, there are
   *     fewer rows than agents, or reg is negative
   */
  public LogisticShards(double[][] features, double[] labels, int agents, double reg) {
    if (features.length != labels.length) {
      throw new IllegalArgumentException(features.length + " feature rows but " + labels.length + " labels");
    }
    if (agents < 1 || agents > features.length) {
      throw new IllegalArgumentException("agents must be in [1, " + features.length + "] (one row each at least), got " + agents);
    }
    if (!(reg >= 0) || !Double.isFinite(reg)) {
      throw new IllegalArgumentException("regularisation must be finite and >= 0, got " + reg);
    }
    for (int k = 0; k < labels.length; k++) {
      if (labels[k] != 0 && labels[k] != 1) {
        throw new IllegalArgumentException("label " + k + " = " + labels[k] + " must be 0 or 1");
      }
      if (features[k].length != features[0].length) {
        throw new IllegalArgumentException("feature row " + k + " has length " + features[k].length + ", expected " + features[0].length);
      }
    }
    this.features = features;
    this.labels = labels;
    this.reg = reg;
    this.shardStart = new int[agents + 1];
    for (int i = 0; i <= agents; i++) {
      shardStart[i] = (int) ((long) i * features.length / agents);
    }
  }

  @Override
  public int agents() {
    return shardStart.length - 1;
  }

  @Override
  public int dimension() {
    return features[0].length;
  }

  @Override
  public double loss(int agent, double[] theta) {
    double sum = 0;
    for (int k = shardStart[agent]; k < shardStart[agent + 1]; k++) {
      double z = dot(theta, features[k]);
      // log(1 + e^z) computed stably
      sum += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - labels[k] * z;
    }
    return sum / (shardStart[agent + 1] - shardStart[agent]) + 0.5 * reg * dot(theta, theta);
  }

  @Override
  public void gradient(int agent, double[] theta, double[] out) {
    int d = theta.length;
    java.util.Arrays.fill(out, 0);
    int m = shardStart[agent + 1] - shardStart[agent];
    for (int k = shardStart[agent]; k < shardStart[agent + 1]; k++) {
      double[] x = features[k];
      double r = (sigmoid(dot(theta, x)) - labels[k]) / m;
      for (int a = 0; a < d; a++) {
        out[a] += r * x[a];
      }
    }
    for (int a = 0; a < d; a++) {
      out[a] += reg * theta[a];
    }
  }

  @Override
  public double[][] hessian(int agent, double[] theta) {
    int d = theta.length;
    double[][] h = new double[d][d];
    int m = shardStart[agent + 1] - shardStart[agent];
    for (int k = shardStart[agent]; k < shardStart[agent + 1]; k++) {
      double[] x = features[k];
      double s = sigmoid(dot(theta, x));
      double w = s * (1 - s) / m;
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          h[a][b] += w * x[a] * x[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      h[a][a] += reg;
    }
    return h;
  }

  /** Fraction of rows whose sign of theta . x matches the label. */
  public double accuracy(double[] theta) {
    int correct = 0;
    for (int k = 0; k < labels.length; k++) {
      if ((dot(theta, features[k]) > 0) == (labels[k] == 1)) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  private static double sigmoid(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
