package org.diffusion4j.nn.restore;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.Bicubic;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.metrics.ImageQuality;

/**
 * PSNR / SSIM of mean-reverting restoration on held-out digits: the lifted degradation A^+ y,
 * bicubic upsampling (super-resolution tasks), and the model sampled by MRS and by
 * Euler-Maruyama at the given step counts. Pixels are in [-1, 1] (data range 2), outputs clipped
 * to that range before scoring.
 */
public final class RestorationBench {
  private RestorationBench() {}

  /**
   * One table row: mean PSNR with its standard error, mean SSIM, NFE, wall time per image, and
   * the per-image PSNRs (row order of the clean images) for paired comparisons.
   */
  public record Row(String method, int nfe, double psnr, double psnrSe, double ssim, double secondsPerImage,
      double[] psnrPerImage) {
    /**
     * The paired difference of this row's PSNR minus {@code reference}'s over the same images:
     * {mean, standard error of the mean}. Pairing removes the between-digit spread, which
     * dominates the unpaired standard errors.
     */
    public double[] pairedDifference(Row reference) {
      if (reference.psnrPerImage.length != psnrPerImage.length) {
        throw new IllegalArgumentException("rows scored on different image counts: " + psnrPerImage.length + " and "
            + reference.psnrPerImage.length);
      }
      double[] d = new double[psnrPerImage.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = psnrPerImage[i] - reference.psnrPerImage[i];
      }
      return meanAndStandardError(d);
    }
  }

  /** The table for the clean images {@code clean} (n, 784); sampler noise from {@code seed}. */
  public static List<Row> run(MeanRevertingRestoration model, Batch clean, int[] mrsSteps, int[] emSteps, long seed) {
    return run(model, clean, mrsSteps, emSteps, seed, r -> { });
  }

  /** As {@link #run(MeanRevertingRestoration, Batch, int[], int[], long)}, handing each row to {@code onRow} as it is done. */
  public static List<Row> run(MeanRevertingRestoration model, Batch clean, int[] mrsSteps, int[] emSteps, long seed,
      java.util.function.Consumer<Row> onRow) {
    List<Row> rows = new ArrayList<>() {
      @Override
      public boolean add(Row r) {
        onRow.accept(r);
        return super.add(r);
      }
    };
    Batch y = model.operator().apply(clean);
    Batch mu = model.lift(y);
    rows.add(score("A^+ y (degraded input)", 0, clean, mu, 0));
    ImageShape out = model.operator().outputShape();
    ImageShape in = model.operator().inputShape();
    if (out.height() < in.height() && in.height() % out.height() == 0 && out.channels() == in.channels()) {
      int factor = in.height() / out.height();
      rows.add(score("bicubic x" + factor, 0, clean, Bicubic.upsample(y, out, factor), 0));
    }
    for (int s : mrsSteps) {
      for (MeanRevertingRestoration.Sampler kind : new MeanRevertingRestoration.Sampler[] {
          MeanRevertingRestoration.Sampler.MRS_SDE, MeanRevertingRestoration.Sampler.MRS_ODE}) {
        long t0 = System.nanoTime();
        Batch x = model.restore(mu, kind, s, seed);
        rows.add(score(kind == MeanRevertingRestoration.Sampler.MRS_SDE ? "MRS SDE (x0, order 2)" : "MRS ODE (x0, order 2)",
            s, clean, x, (System.nanoTime() - t0) / 1e9));
      }
    }
    for (int s : emSteps) {
      long t0 = System.nanoTime();
      Batch x = model.restore(mu, MeanRevertingRestoration.Sampler.EULER_MARUYAMA, s, seed);
      rows.add(score("Euler-Maruyama (reverse SDE)", s, clean, x, (System.nanoTime() - t0) / 1e9));
    }
    return rows;
  }

  private static Row score(String method, int nfe, Batch clean, Batch x, double seconds) {
    Batch c = x.copy();
    double[] v = c.data();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(-1, Math.min(1, v[i]));
    }
    double[] p = ImageQuality.psnr(clean, c, 2);
    double[] s = ImageQuality.ssim(clean, c, 28, 28, 2);
    double ssim = 0;
    for (double q : s) {
      ssim += q / s.length;
    }
    double[] ms = meanAndStandardError(p);
    return new Row(method, nfe, ms[0], ms[1], ssim, seconds / clean.n(), p);
  }

  private static double[] meanAndStandardError(double[] v) {
    double mean = 0;
    for (double q : v) {
      mean += q / v.length;
    }
    double var = 0;
    for (double q : v) {
      var += (q - mean) * (q - mean) / Math.max(1, v.length - 1);
    }
    return new double[] {mean, Math.sqrt(var / v.length)};
  }
}
