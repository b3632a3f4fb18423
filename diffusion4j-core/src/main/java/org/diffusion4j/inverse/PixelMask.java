package org.diffusion4j.inverse;

import java.util.Arrays;

/**
 * Inpainting: y keeps the values of a fixed set of pixels (all channels of a pixel together) and
 * drops the rest, so the measurement is the vector of the m kept values in index order (DDRM's
 * {@code Inpainting} H-function, bahjat-kawar/ddrm functions/svd_replacement.py). A^T writes the
 * kept values back and zero elsewhere; the SVD is a permutation: U = I, singular values 1, and
 * V^T x lists the kept values first, then the missing ones. A^+ = A^T.
 */
public final class PixelMask implements LinearOperator {
  private final String name;
  private final ImageShape shape;
  private final int[] kept;
  private final int[] missing;
  private final Svd svd;

  /** Keeps the flat indices {@code kept} (any order, no duplicates, inside the image; at least one). */
  public PixelMask(String name, ImageShape shape, int[] kept) {
    this.name = name;
    this.shape = shape;
    int[] k = kept.clone();
    Arrays.sort(k);
    if (k.length == 0) {
      throw new IllegalArgumentException(name + ": the mask keeps no pixel; keep at least one");
    }
    boolean[] on = new boolean[shape.size()];
    for (int i = 0; i < k.length; i++) {
      if (k[i] < 0 || k[i] >= on.length) {
        throw new IllegalArgumentException(name + ": kept index " + k[i] + " is outside [0, " + on.length + ")");
      }
      if (on[k[i]]) {
        throw new IllegalArgumentException(name + ": kept index " + k[i] + " appears twice");
      }
      on[k[i]] = true;
    }
    this.kept = k;
    this.missing = new int[on.length - k.length];
    for (int i = 0, j = 0; i < on.length; i++) {
      if (!on[i]) {
        missing[j++] = i;
      }
    }
    this.svd = new PermutationSvd();
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
    return ImageShape.vector(kept.length);
  }

  /** The kept flat indices, ascending (a copy). */
  public int[] kept() {
    return kept.clone();
  }

  /** The 0/1 mask as an image: 1 where the pixel is measured. */
  public double[] maskImage() {
    double[] m = new double[shape.size()];
    for (int k : kept) {
      m[k] = 1;
    }
    return m;
  }

  @Override
  public void apply(double[] x, int xOff, double[] y, int yOff) {
    for (int j = 0; j < kept.length; j++) {
      y[yOff + j] = x[xOff + kept[j]];
    }
  }

  @Override
  public void adjoint(double[] y, int yOff, double[] x, int xOff) {
    for (int i : missing) {
      x[xOff + i] = 0;
    }
    for (int j = 0; j < kept.length; j++) {
      x[xOff + kept[j]] = y[yOff + j];
    }
  }

  @Override
  public Svd svd() {
    return svd;
  }

  private final class PermutationSvd implements Svd {
    @Override
    public int inputDim() {
      return shape.size();
    }

    @Override
    public int outputDim() {
      return kept.length;
    }

    @Override
    public double[] singulars() {
      double[] s = new double[kept.length];
      Arrays.fill(s, 1);
      return s;
    }

    @Override
    public void vt(double[] x, int xOff, double[] c, int cOff) {
      for (int j = 0; j < kept.length; j++) {
        c[cOff + j] = x[xOff + kept[j]];
      }
      for (int j = 0; j < missing.length; j++) {
        c[cOff + kept.length + j] = x[xOff + missing[j]];
      }
    }

    @Override
    public void v(double[] c, int cOff, double[] x, int xOff) {
      for (int j = 0; j < kept.length; j++) {
        x[xOff + kept[j]] = c[cOff + j];
      }
      for (int j = 0; j < missing.length; j++) {
        x[xOff + missing[j]] = c[cOff + kept.length + j];
      }
    }

    @Override
    public void ut(double[] y, int yOff, double[] d, int dOff) {
      System.arraycopy(y, yOff, d, dOff, kept.length);
    }

    @Override
    public void u(double[] d, int dOff, double[] y, int yOff) {
      System.arraycopy(d, dOff, y, yOff, kept.length);
    }
  }
}
