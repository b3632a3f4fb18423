package org.diffusion4j.nn.compress;

import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;

/**
 * Sub-domains of a labelled image set for fine-tuning, each a documented transform of the split it
 * is given (training split to fine-tune, held-out split to evaluate):
 * <ul>
 *   <li>{@code class:K}: the rows labelled K;</li>
 *   <li>{@code thick}: every image dilated by a 3 x 3 max filter (stride 1, edges padded with the
 *       image's own border: the window is clipped), which thickens bright strokes on a dark
 *       background such as MNIST in [-1, 1] by one pixel on every side; labels are kept.</li>
 * </ul>
 */
public final class Subdomains {
  private Subdomains() {}

  /** The sub-domain {@code spec} of {@code data}, whose rows are square single-channel images. */
  public static Dataset of(String spec, Dataset data) {
    if (spec.equals("thick")) {
      return new Dataset(data.name() + "-thick", thicken(data.data()), data.labels(), data.classes());
    }
    if (spec.startsWith("class:")) {
      int k;
      try {
        k = Integer.parseInt(spec.substring(6));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("sub-domain '" + spec + "': class must be an integer, e.g. class:3");
      }
      if (data.labels() == null || k < 0 || k >= data.classes()) {
        throw new IllegalArgumentException("sub-domain '" + spec + "': class " + k + " is outside [0, "
            + (data.classes() - 1) + "] of " + data.name());
      }
      int count = 0;
      for (int y : data.labels()) {
        count += y == k ? 1 : 0;
      }
      int d = data.dim();
      Batch x = new Batch(count, d);
      int[] labels = new int[count];
      int r = 0;
      for (int i = 0; i < data.n(); i++) {
        if (data.labels()[i] == k) {
          System.arraycopy(data.data().data(), i * d, x.data(), r * d, d);
          labels[r++] = k;
        }
      }
      return new Dataset(data.name() + "-class" + k, x, labels, data.classes());
    }
    throw new IllegalArgumentException("unknown sub-domain '" + spec + "'; expected class:K or thick");
  }

  /** 3 x 3 max filter of each square image row. */
  static Batch thicken(Batch images) {
    int d = images.d();
    int side = (int) Math.round(Math.sqrt(d));
    if (side * side != d) {
      throw new IllegalArgumentException("thick needs square single-channel images, got rows of " + d + " values");
    }
    Batch out = new Batch(images.n(), d);
    double[] in = images.data();
    double[] o = out.data();
    for (int n = 0; n < images.n(); n++) {
      int off = n * d;
      for (int r = 0; r < side; r++) {
        for (int c = 0; c < side; c++) {
          double m = Double.NEGATIVE_INFINITY;
          for (int dr = Math.max(0, r - 1); dr <= Math.min(side - 1, r + 1); dr++) {
            for (int dc = Math.max(0, c - 1); dc <= Math.min(side - 1, c + 1); dc++) {
              m = Math.max(m, in[off + dr * side + dc]);
            }
          }
          o[off + r * side + c] = m;
        }
      }
    }
    return out;
  }
}
