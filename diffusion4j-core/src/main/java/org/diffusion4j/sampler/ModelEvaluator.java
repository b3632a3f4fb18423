package org.diffusion4j.sampler;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;

/**
 * What a sampler sees of the model: a {@link Denoiser} on a {@link GaussianPath} that answers
 * any {@link Prediction} kind (converted exactly by {@link Predictions#convert}), counts model
 * evaluations (NFE) exactly, checks every output for NaN/Inf, optionally applies dynamic
 * thresholding to data predictions, and reports progress after every evaluation.
 *
 * <p>Samplers call {@link #step(int)} when they start step i of their grid, so that errors and
 * progress name the step. The evaluator is mutable and used by one sampling run at a time.
 */
public final class ModelEvaluator {
  private final Denoiser model;
  private final GaussianPath path;
  private final ProgressListener listener;
  private final long budget;
  private final Thresholding thresholding;
  private int nfe;
  private int step;
  private int steps = -1;
  private long modelNanos;

  /**
   * Dynamic thresholding of data predictions (Saharia et al. 2022, "Imagen", Sec. 2.3): per row
   * s = max(1, min(max, quantile_ratio |x0|)), then x0 = clip(x0, -s, s) / s. Only applied when
   * a sampler asks for {@link Prediction#X0} (the data-prediction solvers: DPM-Solver++, UniPC).
   */
  public record Thresholding(double ratio, double max) {
    public Thresholding {
      if (!(ratio > 0 && ratio <= 1)) {
        throw new IllegalArgumentException("thresholding ratio must be in (0, 1], got " + ratio);
      }
      if (!(max >= 1) || Double.isNaN(max)) {
        throw new IllegalArgumentException("thresholding max must be >= 1, got " + max);
      }
    }
  }

  /**
   * @param model the network or analytic model
   * @param path the path the model was trained on
   * @param listener progress after every evaluation (done = NFE so far, total = {@code budget})
   * @param budget the expected number of evaluations, or -1 if unknown (adaptive solvers)
   * @param thresholding dynamic thresholding of X0 outputs, or null for none
   */
  public ModelEvaluator(Denoiser model, GaussianPath path, ProgressListener listener, long budget,
      Thresholding thresholding) {
    this.model = model;
    this.path = path;
    this.listener = listener == null ? ProgressListener.NONE : listener;
    this.budget = budget;
    this.thresholding = thresholding;
  }

  /** An evaluator without progress, budget or thresholding. */
  public ModelEvaluator(Denoiser model, GaussianPath path) {
    this(model, path, ProgressListener.NONE, -1, null);
  }

  public GaussianPath path() {
    return path;
  }

  public Denoiser model() {
    return model;
  }

  public int dim() {
    return model.dim();
  }

  /** Model evaluations so far. */
  public int nfe() {
    return nfe;
  }

  /** Wall time spent inside {@link Denoiser#predict} so far, in nanoseconds. */
  public long modelNanos() {
    return modelNanos;
  }

  /** Marks the start of step {@code step} (0-based); used in progress and error messages. */
  public void step(int step) {
    this.step = step;
  }

  /** Declares the number of steps of the run (for progress messages). */
  public void steps(int steps) {
    this.steps = steps;
  }

  /**
   * Evaluates the model at (x, t) and writes the prediction of kind {@code kind} into
   * {@code out} (which may not alias {@code x}). One call is one NFE.
   *
   * @throws NonFiniteModelOutputException if the model returns NaN or Inf
   */
  public void evaluate(Batch x, double t, Prediction kind, Batch out) {
    long start = System.nanoTime();
    model.predict(x, t, out);
    modelNanos += System.nanoTime() - start;
    nfe++;
    int bad = firstNonFinite(out);
    if (bad >= 0) {
      double v = out.data()[bad];
      throw new NonFiniteModelOutputException(String.format(
          "model returned %s at step %d%s (t=%.6g, nfe=%d, row %d, column %d)",
          Double.isNaN(v) ? "NaN" : "Inf", step, steps > 0 ? " of " + steps : "", t, nfe,
          bad / out.d(), bad % out.d()), step, t);
    }
    if (kind != model.prediction()) {
      Predictions.convert(path, t, x, model.prediction(), out, kind, out);
      bad = firstNonFinite(out);
      if (bad >= 0) {
        throw new NonFiniteModelOutputException(String.format(
            "converting the model's %s prediction to %s gives a non-finite value at step %d (t=%.6g, nfe=%d,"
                + " alpha=%.3g, sigma=%.3g): the conversion is undefined there; move t-start/t-end inside the path",
            model.prediction().cliName(), kind.cliName(), step, t, nfe, path.alpha(t), path.sigma(t)), step, t);
      }
    }
    if (kind == Prediction.X0 && thresholding != null) {
      threshold(out, thresholding);
    }
    if (listener != ProgressListener.NONE) {
      listener.onProgress(nfe, budget, String.format("step=%d%s t=%.4g nfe=%d", step,
          steps > 0 ? "/" + steps : "", t, nfe));
    }
  }

  /** Index of the first NaN/Inf element, or -1; a parallel scan (the result is the same at any thread count). */
  static int firstNonFinite(Batch b) {
    int d = b.d();
    double[] a = b.data();
    java.util.concurrent.atomic.AtomicInteger first = new java.util.concurrent.atomic.AtomicInteger(Integer.MAX_VALUE);
    Parallel.forRows(b.n(), 256, (from, to) -> {
      for (int i = from * d, end = to * d; i < end; i++) {
        // x - x is 0 for finite x and NaN for NaN or Inf: one branch-free test per element.
        if (a[i] - a[i] != 0) {
          first.accumulateAndGet(i, Math::min);
          return;
        }
      }
    });
    int i = first.get();
    return i == Integer.MAX_VALUE ? -1 : i;
  }

  /** Convenience: a fresh batch holding the prediction of kind {@code kind} at (x, t). */
  public Batch evaluate(Batch x, double t, Prediction kind) {
    Batch out = x.zerosLike();
    evaluate(x, t, kind, out);
    return out;
  }

  /** Applies dynamic thresholding in place, row by row. */
  static void threshold(Batch x0, Thresholding th) {
    int d = x0.d();
    double[] a = x0.data();
    Parallel.forRows(x0.n(), (from, to) -> {
      double[] abs = new double[d];
      for (int i = from; i < to; i++) {
        int off = i * d;
        for (int j = 0; j < d; j++) {
          abs[j] = Math.abs(a[off + j]);
        }
        Arrays.sort(abs);
        // Linear-interpolated quantile, as numpy/torch.quantile do.
        double pos = th.ratio() * (d - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(d - 1, lo + 1);
        double q = abs[lo] + (pos - lo) * (abs[hi] - abs[lo]);
        double s = Math.max(1, Math.min(th.max(), q));
        for (int j = 0; j < d; j++) {
          a[off + j] = Math.max(-s, Math.min(s, a[off + j])) / s;
        }
      }
    });
  }
}
