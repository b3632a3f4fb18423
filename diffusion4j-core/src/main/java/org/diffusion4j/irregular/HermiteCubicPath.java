package org.diffusion4j.irregular;

/**
 * Cubic Hermite spline with backward differences, as torchcde's
 * {@code hermite_cubic_coefficients_with_backward_differences} (interpolation_hermite_cubic_bdiff.py,
 * Morrill et al. 2021, "Neural CDEs for long time series via the log-ODE method" / "On the choice
 * of interpolation scheme for neural CDEs"): the missing values are first filled as
 * {@link LinearPath#fill}; on [t_k, t_{k+1}] the cubic takes the values x_k, x_{k+1} and the
 * derivatives m_{k-1} at t_k and m_k at t_{k+1}, where m_k = (x_{k+1} - x_k) / (t_{k+1} - t_k)
 * and m_{-1} = m_0. The derivative at knot k is then m_{k-1} from both sides, so X is C^1, and
 * X(t) on [t_k, t_{k+1}] depends only on observations up to t_{k+1} (causal, unlike natural cubic
 * splines). With s = t - t_k and Delta = t_{k+1} - t_k the cubic is
 * a + b s + c s^2 + d s^3 with a = x_k, b = m_{k-1}, c = 2 (m_k - m_{k-1}) / Delta,
 * d = -(m_k - m_{k-1}) / Delta^2 (torchcde's two_c / 2 and three_d / 3).
 */
public final class HermiteCubicPath extends ObservedPath {
  private final double[] a;
  private final double[] b;
  private final double[] c;
  private final double[] d; // (series, interval, channel)

  private HermiteCubicPath(double[] times, double[] a, double[] b, double[] c, double[] d, int series, int channels) {
    super(times, series, channels);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** The spline of {@code batch}. */
  public static HermiteCubicPath of(IrregularBatch batch) {
    double[] t = batch.times();
    double[] x = LinearPath.fill(batch);
    int length = t.length;
    int intervals = length - 1;
    int ch = batch.channels();
    int n = batch.series();
    double[] a = new double[n * intervals * ch];
    double[] b = new double[a.length];
    double[] c = new double[a.length];
    double[] d = new double[a.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < ch; j++) {
        double prevSlope = Double.NaN;
        for (int k = 0; k < intervals; k++) {
          double delta = t[k + 1] - t[k];
          double x0 = x[(i * length + k) * ch + j];
          double slope = (x[(i * length + k + 1) * ch + j] - x0) / delta;
          double start = k == 0 ? slope : prevSlope;
          int idx = (i * intervals + k) * ch + j;
          a[idx] = x0;
          b[idx] = start;
          c[idx] = 2 * (slope - start) / delta;
          d[idx] = -(slope - start) / (delta * delta);
          prevSlope = slope;
        }
      }
    }
    return new HermiteCubicPath(t, a, b, c, d, n, ch);
  }

  @Override
  public double[] evaluate(double t) {
    return at(t, false);
  }

  @Override
  public double[] derivative(double t) {
    return at(t, true);
  }

  private double[] at(double t, boolean derivative) {
    int k = LinearPath.interval(times, t);
    double s = t - times[k];
    int intervals = times.length - 1;
    double[] out = new double[series * channels];
    for (int i = 0; i < series; i++) {
      for (int j = 0; j < channels; j++) {
        int idx = (i * intervals + k) * channels + j;
        out[i * channels + j] = derivative ? b[idx] + s * (2 * c[idx] + 3 * s * d[idx])
            : a[idx] + s * (b[idx] + s * (c[idx] + s * d[idx]));
      }
    }
    return out;
  }
}
