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

  /** One table row: mean PSNR with its standard error, mean SSIM, NFE and wall time per image. */
  public record Row(String method, int nfe, double psnr, double psnrSe, double ssim, double secondsPerImage) {}

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
    double mean = 0;
    double ssim = 0;
    for (int i = 0; i < p.length; i++) {
      mean += p[i] / p.length;
      ssim += s[i] / s.length;
    }
    double var = 0;
    for (double q : p) {
      var += (q - mean) * (q - mean) / Math.max(1, p.length - 1);
    }
    return new Row(method, nfe, mean, Math.sqrt(var / p.length), ssim, seconds / clean.n());
  }
}
