package org.diffusion4j.irregular;

/**
 * Rectilinear interpolation (Morrill et al. 2021, "On the choice of interpolation scheme for
 * neural CDEs"; torchcde's {@code linear_interpolation_coeffs(x, rectilinear=time_channel)}): the
 * path lives in (time, values...) space, has 2L - 1 knots and is parameterised by the knot index
 * s in [0, 2(L - 1)]. Knot 2k is (t_k, x_k); knot 2k + 1 is (t_{k+1}, x_k): time advances first
 * with the values held, then the values jump at fixed time. Missing values are forward-filled
 * (the last observation is held, the first observed value is used before it), so the path never
 * looks at the future. Channel 0 of the path is time; channels 1.. are the values.
 */
public final class RectilinearPath implements ControlPath {
  private final double[] knots; // (series, knot, 1 + channels)
  private final int series;
  private final int width;
  private final int count;

  private RectilinearPath(double[] knots, int series, int width, int count) {
    this.knots = knots;
    this.series = series;
    this.width = width;
    this.count = count;
  }

  /** The rectilinear path of {@code batch}. */
  public static RectilinearPath of(IrregularBatch batch) {
    double[] t = batch.times();
    int length = t.length;
    int ch = batch.channels();
    int n = batch.series();
    int width = ch + 1;
    int count = 2 * length - 1;
    double[] x = forwardFill(batch);
    double[] knots = new double[n * count * width];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < length; k++) {
        int even = (i * count + 2 * k) * width;
        knots[even] = t[k];
        System.arraycopy(x, (i * length + k) * ch, knots, even + 1, ch);
        if (k + 1 < length) {
          int odd = (i * count + 2 * k + 1) * width;
          knots[odd] = t[k + 1];
          System.arraycopy(x, (i * length + k) * ch, knots, odd + 1, ch);
        }
      }
    }
    return new RectilinearPath(knots, n, width, count);
  }

  private static double[] forwardFill(IrregularBatch batch) {
    double[] v = batch.values();
    int length = batch.length();
    int ch = batch.channels();
    for (int i = 0; i < batch.series(); i++) {
      for (int j = 0; j < ch; j++) {
        double first = 0.0;
        for (int k = 0; k < length; k++) {
          double x = v[(i * length + k) * ch + j];
          if (!Double.isNaN(x)) {
            first = x;
            break;
          }
        }
        double held = first;
        for (int k = 0; k < length; k++) {
          int idx = (i * length + k) * ch + j;
          if (Double.isNaN(v[idx])) {
            v[idx] = held;
          } else {
            held = v[idx];
          }
        }
      }
    }
    return v;
  }

  /** Path parameter of observation k: 2k. */
  public static double knotOf(int k) {
    return 2.0 * k;
  }

  @Override
  public int series() {
    return series;
  }

  @Override
  public int channels() {
    return width;
  }

  @Override
  public double start() {
    return 0;
  }

  @Override
  public double end() {
    return count - 1;
  }

  private int piece(double s) {
    return (int) Math.max(0, Math.min(count - 2, Math.floor(s)));
  }

  @Override
  public double[] evaluate(double s) {
    int k = piece(s);
    return LinearPath.pieceAt(knots, count, width, series, k, s - k, 0);
  }

  @Override
  public double[] derivative(double s) {
    return LinearPath.pieceAt(knots, count, width, series, piece(s), 0, 1);
  }
}
