package org.diffusion4j.inverse;

import java.util.Locale;
import org.diffusion4j.random.Rng;

/**
 * Factory of the standard forward operators by task name, for the CLI and benchmarks. Tasks on an
 * image of shape C x H x W:
 * <ul>
 *   <li>{@code inpaint-half}: the bottom half of the rows is missing;</li>
 *   <li>{@code inpaint-box}: a centred box of half the height and width is missing;</li>
 *   <li>{@code inpaint-random}: each pixel is kept with probability 0.2 (80% missing, DDRM/DPS's
 *   random-inpainting setting), drawn from {@code seed};</li>
 *   <li>{@code sr2}, {@code sr4}: average pooling by 2 or 4;</li>
 *   <li>{@code deblur}: Gaussian blur, sigma 1.5 pixels; {@code motion-deblur}: horizontal motion
 *   blur over 7 pixels; both with the 1-D singular values below {@link #DDRM_BLUR_ZERO} set to 0,
 *   as the official DDRM / RED-diff tasks build them;</li>
 *   <li>{@code quantize}: 4 grey levels; {@code saturate}: tanh(2 x)/2.</li>
 * </ul>
 */
public final class Operators {
  /** Task names accepted by {@link #forTask}. */
  public static final String[] TASKS = {"inpaint-half", "inpaint-box", "inpaint-random", "sr2", "sr4", "deblur",
      "motion-deblur", "quantize", "saturate"};

  /** Fraction of pixels kept by {@code inpaint-random}. */
  public static final double RANDOM_KEEP = 0.2;
  /** DDRM's {@code ZERO}: 1-D blur singular values below it count as 0 ({@link SeparableBlur#truncatedBelow}). */
  public static final double DDRM_BLUR_ZERO = 3e-2;

  private Operators() {}

  /** The operator of {@code task} on images of {@code shape}; the seed only matters for random masks. */
  public static ForwardOperator forTask(String task, ImageShape shape, long seed) {
    return switch (task.toLowerCase(Locale.ROOT)) {
      case "inpaint-half" -> halfMask(shape);
      case "inpaint-box" -> boxMask(shape, shape.height() / 4, shape.width() / 4, shape.height() / 2,
          shape.width() / 2);
      case "inpaint-random" -> randomMask(shape, RANDOM_KEEP, seed);
      case "sr2" -> GroupMean.averagePool(shape, 2);
      case "sr4" -> GroupMean.averagePool(shape, 4);
      case "deblur" -> SeparableBlur.gaussian(shape, 1.5).truncatedBelow(DDRM_BLUR_ZERO);
      case "motion-deblur" -> SeparableBlur.motion(shape, 7, true).truncatedBelow(DDRM_BLUR_ZERO);
      case "quantize" -> new Quantization(shape, 4);
      case "saturate" -> new Saturation(shape, 2);
      default -> throw new IllegalArgumentException("unknown task '" + task + "'; expected one of "
          + String.join(", ", TASKS));
    };
  }

  /** Keeps the top half of the rows (rows [0, H/2)) of every channel; the bottom half is missing. */
  public static PixelMask halfMask(ImageShape shape) {
    if (shape.height() < 2) {
      throw new IllegalArgumentException("half mask needs at least 2 rows, got " + shape.height());
    }
    int keepRows = shape.height() / 2;
    int[] kept = new int[shape.channels() * keepRows * shape.width()];
    int k = 0;
    for (int c = 0; c < shape.channels(); c++) {
      for (int r = 0; r < keepRows; r++) {
        for (int col = 0; col < shape.width(); col++) {
          kept[k++] = shape.index(c, r, col);
        }
      }
    }
    return new PixelMask("inpaint-half", shape, kept);
  }

  /** Everything except the box of {@code h x w} pixels at (top, left), in every channel. */
  public static PixelMask boxMask(ImageShape shape, int top, int left, int h, int w) {
    if (top < 0 || left < 0 || h < 1 || w < 1 || top + h > shape.height() || left + w > shape.width()) {
      throw new IllegalArgumentException("box (" + top + ", " + left + ", " + h + " x " + w
          + ") must lie inside the " + shape.height() + " x " + shape.width() + " image and be non-empty");
    }
    if (h == shape.height() && w == shape.width()) {
      throw new IllegalArgumentException("the box covers the whole image; nothing would be measured");
    }
    int[] kept = new int[shape.size() - shape.channels() * h * w];
    int k = 0;
    for (int c = 0; c < shape.channels(); c++) {
      for (int r = 0; r < shape.height(); r++) {
        for (int col = 0; col < shape.width(); col++) {
          boolean inBox = r >= top && r < top + h && col >= left && col < left + w;
          if (!inBox) {
            kept[k++] = shape.index(c, r, col);
          }
        }
      }
    }
    return new PixelMask("inpaint-box", shape, kept);
  }

  /**
   * Keeps each pixel (all its channels) independently with probability {@code keep}, drawn from
   * {@code Rng.of(seed)} in pixel order; at least one pixel is always kept.
   */
  public static PixelMask randomMask(ImageShape shape, double keep, long seed) {
    if (!(keep > 0 && keep < 1)) {
      throw new IllegalArgumentException("random mask keep fraction " + keep + " must be in (0, 1)");
    }
    Rng r = Rng.of(seed);
    int pixels = shape.height() * shape.width();
    boolean[] on = new boolean[pixels];
    int count = 0;
    for (int p = 0; p < pixels; p++) {
      on[p] = r.nextDouble() < keep;
      count += on[p] ? 1 : 0;
    }
    if (count == 0) {
      on[0] = true;
      count = 1;
    }
    int[] kept = new int[count * shape.channels()];
    int k = 0;
    for (int c = 0; c < shape.channels(); c++) {
      for (int p = 0; p < pixels; p++) {
        if (on[p]) {
          kept[k++] = c * pixels + p;
        }
      }
    }
    return new PixelMask("inpaint-random", shape, kept);
  }
}
