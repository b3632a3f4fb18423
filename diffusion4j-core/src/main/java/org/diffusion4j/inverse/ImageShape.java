package org.diffusion4j.inverse;

/**
 * The shape of one flattened image: {@code channels x height x width}, stored channel-major then
 * row-major (index {@code (c * height + r) * width + col}), as the networks' (C, H, W) tensors.
 * A measurement that is not an image (the kept pixels of a mask) is the vector shape (1, 1, m).
 */
public record ImageShape(int channels, int height, int width) {
  public ImageShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException("image shape " + channels + " x " + height + " x " + width
          + " must have every side >= 1");
    }
    if ((long) channels * height * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("image shape " + channels + " x " + height + " x " + width + " is too large");
    }
  }

  /** The single-channel square image side x side (MNIST: 28). */
  public static ImageShape grey(int side) {
    return new ImageShape(1, side, side);
  }

  /** A plain vector of length m, shape (1, 1, m). */
  public static ImageShape vector(int m) {
    return new ImageShape(1, 1, m);
  }

  /** Number of values C * H * W. */
  public int size() {
    return channels * height * width;
  }

  /** Flat index of (channel, row, column). */
  public int index(int c, int r, int col) {
    return (c * height + r) * width + col;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
