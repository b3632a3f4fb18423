package org.diffusion4j.nn.eval;

import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.Bicubic;
import org.diffusion4j.inverse.BoundaryCondition;
import org.diffusion4j.inverse.ForwardOperator;
import org.diffusion4j.inverse.GroupMean;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.LinearOperator;
import org.diffusion4j.inverse.Measurement;
import org.diffusion4j.inverse.Restoration;
import org.diffusion4j.inverse.RestorationOptions;
import org.diffusion4j.metrics.FrechetDistance;
import org.diffusion4j.metrics.ImageQuality;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;

/**
 * One row of the restoration table: a method on a task over n clean digits, scored with PSNR and
 * SSIM (data range 2 for pixels in [-1, 1]; outputs clipped to [-1, 1] first), measurement
 * consistency ||A(x) - y|| (mean over images), the classifier Fréchet distance of the restored
 * digits to a reference set of held-out digits, wall time and NFE per image.
 *
 * <p>Baselines besides the {@link Restoration.Method}s: {@code bicubic} (Keys a = -0.5 upsampling
 * of an average-pooled measurement, {@link Bicubic}) and {@code pinv} (A^+ y).
 */
public final class RestorationBenchmark {
  /** Pixel range of MNIST in the model's units, [-1, 1]. */
  public static final double DATA_RANGE = 2;

  private RestorationBenchmark() {}

  /** A table row; {@code fd} is NaN without a classifier. */
  public record Row(String task, String method, int n, int nfe, double sigmaY, double psnr, double ssim,
      double consistency, double fd, double secondsPerImage) {
    /** The markdown table header matching {@link #toMarkdown}. */
    public static String header() {
      return "| task | method | n | NFE | sigma_y | PSNR (dB) | SSIM | \u2016A x - y\u2016 | FD | s / image |\n"
          + "|---|---|---|---|---|---|---|---|---|---|\n";
    }

    public String toMarkdown() {
      return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.3g | %.2f | %.3f | %.3g | %s | %.3f |%n", task, method, n,
          nfe, sigmaY, psnr, ssim, consistency, Double.isNaN(fd) ? "-" : String.format(Locale.ROOT, "%.2f", fd),
          secondsPerImage);
    }
  }

  /** The reconstruction of a baseline ({@code bicubic} or {@code pinv}) from the measurements. */
  public static Batch baseline(String name, Measurement m) {
    ForwardOperator op = m.operator();
    switch (name) {
      case "bicubic" -> {
        if (!(op instanceof GroupMean g) || g.outputShape().height() == g.inputShape().height()) {
          throw new IllegalArgumentException("bicubic is the super-resolution baseline; task " + op.name()
              + " is not average pooling");
        }
        int factor = op.inputShape().height() / op.outputShape().height();
        return Bicubic.upsample(m.y(), op.outputShape(), factor);
      }
      case "pinv" -> {
        if (!(op instanceof LinearOperator lin)) {
          throw new IllegalArgumentException("pinv needs a linear operator; " + op.name() + " is not");
        }
        return lin.pseudoInverse(m.y());
      }
      default -> throw new IllegalArgumentException("unknown baseline '" + name + "'; expected bicubic or pinv");
    }
  }

  /**
   * Scores {@code restored} against {@code clean}.
   *
   * @param referenceFeatures classifier features of the reference digits for FD, or null
   */
  public static Row score(String task, String method, Measurement m, Batch clean, Batch restored, int nfe,
      double seconds, DigitClassifier classifier, Batch referenceFeatures, ImageShape shape) {
    Batch x = clip(restored);
    double[] p = ImageQuality.psnr(x, clean, DATA_RANGE);
    double[] s = ImageQuality.ssim(x, clean, shape.height(), shape.width(), DATA_RANGE);
    double[] c = m.residualNorms(restored);
    double fd = Double.NaN;
    if (classifier != null && referenceFeatures != null) {
      fd = new FrechetDistance().between(classifier.features(x), referenceFeatures);
    }
    return new Row(task, method, clean.n(), nfe, m.sigmaY(), mean(p), mean(s), mean(c), fd, seconds / clean.n());
  }

  /**
   * Runs {@code method} (a {@link Restoration.Method} CLI name, {@code bicubic} or {@code pinv}) on
   * the measurements of {@code clean} and scores it. {@code bc} is used by bc-ode only.
   */
  public static Row run(String task, String method, Denoiser model, GaussianPath path, Measurement m, Batch clean,
      int nfe, long seed, RestorationOptions options, BoundaryCondition bc, DigitClassifier classifier,
      Batch referenceFeatures) {
    ImageShape shape = m.operator().inputShape();
    long start = System.nanoTime();
    Batch x;
    int used;
    if (method.equals("bicubic") || method.equals("pinv")) {
      x = baseline(method, m);
      used = 0;
    } else {
      Restoration.Builder b = Restoration.with(Restoration.Method.parse(method), model, path).measurement(m).nfe(nfe)
          .seed(seed).options(options);
      if (bc != null) {
        b.boundary(bc);
      }
      Restoration.Result r = b.run();
      x = r.x();
      used = r.nfe();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return score(task, method, m, clean, x, used, seconds, classifier, referenceFeatures, shape);
  }

  static Batch clip(Batch x) {
    Batch c = x.copy();
    double[] a = c.data();
    for (int i = 0; i < a.length; i++) {
      a[i] = Math.max(-1, Math.min(1, a[i]));
    }
    return c;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
