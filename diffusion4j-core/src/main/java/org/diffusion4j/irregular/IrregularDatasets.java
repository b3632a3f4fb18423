package org.diffusion4j.irregular;

import org.diffusion4j.random.Rng;
import org.diffusion4j.sde.fbm.FractionalBrownian;

/**
 * Datasets for the irregular-series tasks: a generated labelled set of stochastic processes and
 * windows cut from one real series.
 */
public final class IrregularDatasets {
  private IrregularDatasets() {}

  /** Series with one class label each. */
  public record Labelled(IrregularBatch batch, int[] labels, int classes) {}

  /** Class names of {@link #processes}, by label. */
  public static final String[] PROCESS_CLASSES = {"OU", "fractional OU (H = 0.3)", "GBM"};

  /**
   * {@code perClass} paths of each of three processes on times 0, 1, ..., length - 1, each path
   * standardised to mean 0 and standard deviation 1 (so that level and scale do not give the class
   * away; only the dependence structure does). Labels cycle 0, 1, 2, so any prefix is balanced.
   * <ul>
   *   <li>0: Ornstein-Uhlenbeck dX = -0.3 X dt + dW, X_0 ~ its stationary law, exact AR(1)
   *       transition;</li>
   *   <li>1: fractional OU dX = -0.3 X dt + dB^H with H = 0.3 (rough, anti-correlated
   *       increments), Euler on the fBM increments of {@link FractionalBrownian} (Davies-Harte);</li>
   *   <li>2: geometric Brownian motion dS = 0.02 S dt + 0.2 S dW, exact log-normal steps.</li>
   * </ul>
   */
  public static Labelled processes(int perClass, int length, long seed) {
    if (perClass < 1 || length < 3) {
      throw new IllegalArgumentException("need perClass >= 1 and length >= 3, got " + perClass + " and " + length);
    }
    int n = 3 * perClass;
    double[] values = new double[n * length];
    int[] labels = new int[n];
    Rng root = Rng.of(seed);
    double theta = 0.3;
    double phi = Math.exp(-theta);
    double ouStd = Math.sqrt(1 / (2 * theta));
    double[] fbm = FractionalBrownian.of(0.3, length, length).sample(root.stream(0).nextLong(), perClass);
    double[] path = new double[length];
    int[] seen = new int[3];
    for (int i = 0; i < n; i++) {
      int label = i % 3;
      labels[i] = label;
      Rng r = root.stream(1, i);
      switch (label) {
        case 0 -> {
          path[0] = ouStd * r.nextGaussian();
          for (int k = 1; k < length; k++) {
            path[k] = phi * path[k - 1] + ouStd * Math.sqrt(1 - phi * phi) * r.nextGaussian();
          }
        }
        case 1 -> {
          int row = seen[1];
          path[0] = ouStd * r.nextGaussian();
          double prevB = 0;
          for (int k = 1; k < length; k++) {
            double b = fbm[row * length + k - 1];
            path[k] = path[k - 1] - theta * path[k - 1] + (b - prevB);
            prevB = b;
          }
        }
        default -> {
          double logS = 0;
          path[0] = 1;
          for (int k = 1; k < length; k++) {
            logS += (0.02 - 0.5 * 0.04) + 0.2 * r.nextGaussian();
            path[k] = Math.exp(logS);
          }
        }
      }
      seen[label]++;
      standardise(path);
      System.arraycopy(path, 0, values, i * length, length);
    }
    return new Labelled(new IrregularBatch(indexTimes(length), values, n, 1), labels, 3);
  }

  /** Times 0, 1, ..., length - 1. */
  public static double[] indexTimes(int length) {
    double[] t = new double[length];
    for (int k = 0; k < length; k++) {
      t[k] = k;
    }
    return t;
  }

  /**
   * Windows {@code values[s .. s + length)} for s = 0, stride, 2 stride, ... of one univariate
   * series, on times 0 .. length - 1, as a batch of one channel.
   */
  public static IrregularBatch windows(double[] values, int length, int stride) {
    if (length < 2 || stride < 1 || values.length < length) {
      throw new IllegalArgumentException("need length >= 2, stride >= 1 and a series of at least length values; got "
          + "length " + length + ", stride " + stride + ", series of " + values.length);
    }
    int count = (values.length - length) / stride + 1;
    double[] out = new double[count * length];
    for (int w = 0; w < count; w++) {
      System.arraycopy(values, w * stride, out, w * length, length);
    }
    return new IrregularBatch(indexTimes(length), out, count, 1);
  }

  private static void standardise(double[] x) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double var = 0;
    for (double v : x) {
      var += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(var / x.length);
    for (int k = 0; k < x.length; k++) {
      x[k] = sd > 0 ? (x[k] - mean) / sd : 0;
    }
  }
}
