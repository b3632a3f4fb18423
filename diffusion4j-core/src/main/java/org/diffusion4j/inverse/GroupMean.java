package org.diffusion4j.inverse;

/**
 * Each measured value is the mean of its own group of k input values (disjoint groups of equal
 * size): average pooling r x r (k = r^2; the downsampling of 2x/4x super-resolution, DDRM's
 * {@code SuperResolution} H-function) and the grey-level projection of a C-channel image to its
 * channel mean (k = C; DDRM's {@code Colorization}). Row j of A is (1/k) 1^T on group j, so its
 * only singular value is 1/sqrt(k) with right singular vector q = 1/sqrt(k) on the group.
 *
 * <p>SVD: U = I; within each group V is the Householder reflection H = I - 2 w w^T / (w^T w) with
 * w = e_1 - q, which is symmetric, orthogonal and maps e_1 to q. Spectral coordinate j &lt; m is
 * q . x_group(j); coordinate m + j (k - 1) + l is component l + 1 of H x_group(j).
 */
public final class GroupMean implements LinearOperator {
  private final String name;
  private final ImageShape in;
  private final ImageShape out;
  private final int[][] groups;
  private final int k;
  private final double[] w;
  private final double wNorm2;

  /**
   * @param groups groups[j] lists the k flat input indices averaged into output j; together they
   *     cover every input index exactly once
   */
  public GroupMean(String name, ImageShape in, ImageShape out, int[][] groups) {
    this.name = name;
    this.in = in;
    this.out = out;
    if (groups.length != out.size()) {
      throw new IllegalArgumentException(name + ": " + groups.length + " groups for an output of " + out.size());
    }
    k = groups[0].length;
    if ((long) k * groups.length != in.size()) {
      throw new IllegalArgumentException(name + ": " + groups.length + " groups of " + k + " do not cover "
          + in.size() + " inputs");
    }
    boolean[] seen = new boolean[in.size()];
    this.groups = new int[groups.length][];
    for (int j = 0; j < groups.length; j++) {
      if (groups[j].length != k) {
        throw new IllegalArgumentException(name + ": group " + j + " has " + groups[j].length + " members, not " + k);
      }
      for (int i : groups[j]) {
        if (i < 0 || i >= seen.length || seen[i]) {
          throw new IllegalArgumentException(name + ": input index " + i + " is outside the image or in two groups");
        }
        seen[i] = true;
      }
      this.groups[j] = groups[j].clone();
    }
    double q = 1 / Math.sqrt(k);
    w = new double[k];
    for (int l = 0; l < k; l++) {
      w[l] = (l == 0 ? 1 : 0) - q;
    }
    double s = 0;
    for (double v : w) {
      s += v * v;
    }
    wNorm2 = s;
  }

  /** r x r average pooling of every channel; H and W must be divisible by r. */
  public static GroupMean averagePool(ImageShape shape, int r) {
    if (r < 1 || shape.height() % r != 0 || shape.width() % r != 0) {
      throw new IllegalArgumentException("average pooling factor " + r + " must be >= 1 and divide the image sides "
          + shape.height() + " and " + shape.width());
    }
    ImageShape out = new ImageShape(shape.channels(), shape.height() / r, shape.width() / r);
    int[][] g = new int[out.size()][r * r];
    for (int c = 0; c < out.channels(); c++) {
      for (int i = 0; i < out.height(); i++) {
        for (int j = 0; j < out.width(); j++) {
          int[] grp = g[out.index(c, i, j)];
          for (int u = 0; u < r; u++) {
            for (int v = 0; v < r; v++) {
              grp[u * r + v] = shape.index(c, i * r + u, j * r + v);
            }
          }
        }
      }
    }
    return new GroupMean("avgpool" + r, shape, out, g);
  }

  /** The channel mean of a C-channel image (colourisation's forward model), C &gt;= 1. */
  public static GroupMean channelMean(ImageShape shape) {
    ImageShape out = new ImageShape(1, shape.height(), shape.width());
    int[][] g = new int[out.size()][shape.channels()];
    for (int p = 0; p < out.size(); p++) {
      for (int c = 0; c < shape.channels(); c++) {
        g[p][c] = c * out.size() + p;
      }
    }
    return new GroupMean("grey", shape, out, g);
  }

  /** The downsampling factor of {@link #averagePool}, or the group size for other groupings. */
  public int groupSize() {
    return k;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ImageShape inputShape() {
    return in;
  }

  @Override
  public ImageShape outputShape() {
    return out;
  }

  @Override
  public void apply(double[] x, int xOff, double[] y, int yOff) {
    for (int j = 0; j < groups.length; j++) {
      double s = 0;
      for (int i : groups[j]) {
        s += x[xOff + i];
      }
      y[yOff + j] = s / k;
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] x, int xOff) {
    for (int j = 0; j < groups.length; j++) {
      double v = y[yOff + j] / k;
      for (int i : groups[j]) {
        x[xOff + i] = v;
      }
    }
  }

  @Override
  public Svd svd() {
    return new HouseholderSvd();
  }

  /** out = H g for one group's k values (H symmetric, so also H^T g). */
  private void reflect(double[] g, double[] outVals) {
    double dot = 0;
    for (int l = 0; l < k; l++) {
      dot += w[l] * g[l];
    }
    double f = 2 * dot / wNorm2;
    for (int l = 0; l < k; l++) {
      outVals[l] = g[l] - f * w[l];
    }
  }

  private final class HouseholderSvd implements Svd {
    @Override
    public int inputDim() {
      return in.size();
    }

    @Override
    public int outputDim() {
      return groups.length;
    }

    @Override
    public double[] singulars() {
      double[] s = new double[groups.length];
      java.util.Arrays.fill(s, 1 / Math.sqrt(k));
      return s;
    }

    @Override
    public void vt(double[] x, int xOff, double[] c, int cOff) {
      int m = groups.length;
      double[] g = new double[k];
      double[] h = new double[k];
      for (int j = 0; j < m; j++) {
        for (int l = 0; l < k; l++) {
          g[l] = x[xOff + groups[j][l]];
        }
        reflect(g, h);
        c[cOff + j] = h[0];
        for (int l = 1; l < k; l++) {
          c[cOff + m + j * (k - 1) + l - 1] = h[l];
        }
      }
    }

    @Override
    public void v(double[] c, int cOff, double[] x, int xOff) {
      int m = groups.length;
      double[] g = new double[k];
      double[] h = new double[k];
      for (int j = 0; j < m; j++) {
        g[0] = c[cOff + j];
        for (int l = 1; l < k; l++) {
          g[l] = c[cOff + m + j * (k - 1) + l - 1];
        }
        reflect(g, h);
        for (int l = 0; l < k; l++) {
          x[xOff + groups[j][l]] = h[l];
        }
      }
    }

    @Override
    public void ut(double[] y, int yOff, double[] d, int dOff) {
      System.arraycopy(y, yOff, d, dOff, groups.length);
    }

    @Override
    public void u(double[] d, int dOff, double[] y, int yOff) {
      System.arraycopy(d, dOff, y, yOff, groups.length);
    }
  }
}
