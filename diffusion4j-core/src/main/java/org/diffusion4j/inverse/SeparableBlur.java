package org.diffusion4j.inverse;

/**
 * A blur whose 2-D kernel is an outer product k_rows(u) k_cols(v), applied to every channel with
 * zero padding and "same" output size: Y = B_h X B_w^T per channel, with B_h (H x H) and B_w
 * (W x W) the 1-D Toeplitz convolution matrices. Gaussian blur (both kernels Gaussian) and
 * horizontal or vertical motion blur (a box of the motion length along one axis, the identity
 * along the other) are of this kind, which is how DDRM's {@code Deblurring} H-function builds its
 * exact SVD (bahjat-kawar/ddrm functions/svd_replacement.py): A = B_h (x) B_w, so
 * A = (U_h (x) U_w)(S_h (x) S_w)(V_h (x) V_w)^T from the two small SVDs ({@link DenseSvd}, Jacobi).
 * Spectral coordinate (c, i, j) has singular value s_h[i] s_w[j] (not sorted globally).
 */
public final class SeparableBlur implements LinearOperator {
  private final String name;
  private final ImageShape shape;
  private final double[] kRows;
  private final double[] kCols;
  private final double[][] bh;
  private final double[][] bw;
  private final DenseSvd svdH;
  private final DenseSvd svdW;

  /**
   * @param kRows kernel along the vertical axis (odd length, centred), applied down columns
   * @param kCols kernel along the horizontal axis (odd length, centred), applied along rows
   */
  public SeparableBlur(String name, ImageShape shape, double[] kRows, double[] kCols) {
    if (kRows.length % 2 == 0 || kCols.length % 2 == 0) {
      throw new IllegalArgumentException(name + ": kernel lengths " + kRows.length + " and " + kCols.length
          + " must be odd (centred kernels)");
    }
    this.name = name;
    this.shape = shape;
    this.kRows = kRows.clone();
    this.kCols = kCols.clone();
    this.bh = toeplitz(kRows, shape.height());
    this.bw = toeplitz(kCols, shape.width());
    this.svdH = DenseSvd.of(bh);
    this.svdW = DenseSvd.of(bw);
  }

  private SeparableBlur(SeparableBlur exact, double zero) {
    this.name = exact.name;
    this.shape = exact.shape;
    this.kRows = exact.kRows;
    this.kCols = exact.kCols;
    this.svdH = exact.svdH.truncatedBelow(zero);
    this.svdW = exact.svdW.truncatedBelow(zero);
    this.bh = svdH.matrix();
    this.bw = svdW.matrix();
  }

  /**
   * The blur with every singular value of its 1-D factors below {@code zero} set to 0, as the
   * official DDRM {@code Deblurring} H-function builds it ({@code ZERO = 3e-2}, bahjat-kawar/ddrm
   * functions/svd_replacement.py; RED-diff uses the same H-functions). The operator itself is the
   * truncated one, B'_h (x) B'_w with B' = U diag(s') V^T, so forward, adjoint and SVD stay one
   * operator; its pseudo-inverse no longer divides by the tiny singular values that amplify the
   * measurement noise.
   */
  public SeparableBlur truncatedBelow(double zero) {
    if (!(zero >= 0) || !Double.isFinite(zero) || zero >= 1) {
      throw new IllegalArgumentException("blur singular-value cutoff " + zero + " must be in [0, 1)");
    }
    return new SeparableBlur(this, zero);
  }

  /** Gaussian blur with standard deviation {@code sigma} pixels, kernel radius ceil(3 sigma), normalised. */
  public static SeparableBlur gaussian(ImageShape shape, double sigma) {
    if (!(sigma > 0) || !Double.isFinite(sigma) || sigma > 10) {
      throw new IllegalArgumentException("Gaussian blur sigma " + sigma + " must be in (0, 10] pixels");
    }
    int r = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    return new SeparableBlur("gblur" + fmt(sigma), shape, k, k);
  }

  /**
   * Linear motion blur over {@code length} pixels (odd, &gt;= 3) along the horizontal axis
   * (or the vertical one): a centred box kernel 1/length.
   */
  public static SeparableBlur motion(ImageShape shape, int length, boolean horizontal) {
    if (length < 3 || length % 2 == 0 || length > 2 * Math.max(shape.height(), shape.width()) + 1) {
      throw new IllegalArgumentException("motion blur length " + length + " must be odd, >= 3 and at most "
          + (2 * Math.max(shape.height(), shape.width()) + 1));
    }
    double[] box = new double[length];
    java.util.Arrays.fill(box, 1.0 / length);
    double[] id = {1};
    return new SeparableBlur("motion" + length + (horizontal ? "h" : "v"), shape, horizontal ? id : box,
        horizontal ? box : id);
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  /** B[i][j] = k[j - i + r]: (B x)_i = sum_u k[u] x[i + u - r], zero outside. */
  private static double[][] toeplitz(double[] k, int n) {
    int r = k.length / 2;
    double[][] b = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < k.length; u++) {
        int j = i + u - r;
        if (j >= 0 && j < n) {
          b[i][j] = k[u];
        }
      }
    }
    return b;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public ImageShape inputShape() {
    return shape;
  }

  @Override
  public ImageShape outputShape() {
    return shape;
  }

  @Override
  public void apply(double[] x, int xOff, double[] y, int yOff) {
    sandwich(bh, false, bw, false, x, xOff, y, yOff);
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] x, int xOff) {
    sandwich(bh, true, bw, true, y, yOff, x, xOff);
  }

  @Override
  public Svd svd() {
    return new KroneckerSvd();
  }

  /**
   * out = L X R^T per channel, where L = left or left^T and R = right or right^T (dense
   * matrices given as [row][col]); X and out are H x W.
   */
  private void sandwich(double[][] left, boolean leftT, double[][] right, boolean rightT, double[] x, int xOff,
      double[] out, int outOff) {
    int h = shape.height();
    int w = shape.width();
    double[] tmp = new double[h * w];
    for (int c = 0; c < shape.channels(); c++) {
      int base = c * h * w;
      // tmp = X R^T: tmp[i][j] = sum_l X[i][l] R[j][l]  (R^T transposed again if rightT)
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double s = 0;
          for (int l = 0; l < w; l++) {
            double r = rightT ? right[l][j] : right[j][l];
            s += x[xOff + base + i * w + l] * r;
          }
          tmp[i * w + j] = s;
        }
      }
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          double s = 0;
          for (int l = 0; l < h; l++) {
            double a = leftT ? left[l][i] : left[i][l];
            s += a * tmp[l * w + j];
          }
          out[outOff + base + i * w + j] = s;
        }
      }
    }
  }

  private static double[][] square(double[] rowMajor, int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rowMajor, i * n, m[i], 0, n);
    }
    return m;
  }

  private final class KroneckerSvd implements Svd {
    private final double[][] uh = square(svdH.u, svdH.n);
    private final double[][] uw = square(svdW.u, svdW.n);
    private final double[][] vh = square(svdH.v, svdH.n);
    private final double[][] vw = square(svdW.v, svdW.n);

    @Override
    public int inputDim() {
      return shape.size();
    }

    @Override
    public int outputDim() {
      return shape.size();
    }

    @Override
    public double[] singulars() {
      int h = shape.height();
      int w = shape.width();
      double[] s = new double[shape.size()];
      for (int c = 0; c < shape.channels(); c++) {
        for (int i = 0; i < h; i++) {
          for (int j = 0; j < w; j++) {
            s[(c * h + i) * w + j] = svdH.s[i] * svdW.s[j];
          }
        }
      }
      return s;
    }

    @Override
    public void vt(double[] x, int xOff, double[] c, int cOff) {
      sandwich(vh, true, vw, true, x, xOff, c, cOff);
    }

    @Override
    public void v(double[] c, int cOff, double[] x, int xOff) {
      sandwich(vh, false, vw, false, c, cOff, x, xOff);
    }

    @Override
    public void ut(double[] y, int yOff, double[] d, int dOff) {
      sandwich(uh, true, uw, true, y, yOff, d, dOff);
    }

    @Override
    public void u(double[] d, int dOff, double[] y, int yOff) {
      sandwich(uh, false, uw, false, d, dOff, y, yOff);
    }
  }
}
