package org.diffusion4j.blend;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;

/**
 * Two conditionals of one model blended into one {@link Denoiser}: for each row with weight w from
 * the {@link BlendRule}, (1 - w) D_a(x, t) + w D_b(x, t). Rows with w = 0 or w = 1 evaluate only
 * the model they use (one model evaluation per row, as prompt switching and Black-Scholes
 * blending need), so those rows reproduce D_a or D_b bitwise. Because every prediction kind is
 * affine in the model output with t-only coefficients, blending the predictions blends the
 * scores with the same weights.
 *
 * <p>Stateful rules ({@link BlackScholesBlend}) make this object stateful: use it for one sampling
 * run at a time (it resets at the first step of each run).
 */
public final class ConceptBlend implements Denoiser {
  private final Denoiser a;
  private final Denoiser b;
  private final BlendRule rule;

  private ConceptBlend(Denoiser a, Denoiser b, BlendRule rule) {
    this.a = a;
    this.b = b;
    this.rule = rule;
  }

  /**
   * Blends {@code a} and {@code b} with {@code rule}.
   *
   * @throws IllegalArgumentException if the models differ in dimension or prediction kind
   */
  public static ConceptBlend of(Denoiser a, Denoiser b, BlendRule rule) {
    if (a == null || b == null || rule == null) {
      throw new IllegalArgumentException("concept blend needs two models and a rule");
    }
    if (a.dim() != b.dim() || a.prediction() != b.prediction()) {
      throw new IllegalArgumentException("blending needs two models of one dimension and prediction kind, got "
          + a.dim() + "/" + a.prediction() + " and " + b.dim() + "/" + b.prediction());
    }
    return new ConceptBlend(a, b, rule);
  }

  public BlendRule rule() {
    return rule;
  }

  @Override
  public int dim() {
    return a.dim();
  }

  @Override
  public Prediction prediction() {
    return a.prediction();
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    x.requireSameShape(out);
    int n = x.n();
    double[] w = new double[n];
    rule.weights(x, t, w);
    int nA = 0;
    int nB = 0;
    for (int r = 0; r < n; r++) {
      if (!(w[r] >= 0 && w[r] <= 1)) {
        throw new IllegalStateException(rule.name() + " gave weight " + w[r] + " for row " + r + "; weights are in [0, 1]");
      }
      nA += w[r] < 1 ? 1 : 0;
      nB += w[r] > 0 ? 1 : 0;
    }
    Batch pa = evaluate(a, x, t, w, nA, true);
    Batch pb = evaluate(b, x, t, w, nB, false);
    int d = x.d();
    double[] o = out.data();
    for (int r = 0, ia = 0, ib = 0; r < n; r++) {
      for (int j = 0; j < d; j++) {
        double va = w[r] < 1 ? pa.data()[ia * d + j] : 0;
        double vb = w[r] > 0 ? pb.data()[ib * d + j] : 0;
        o[r * d + j] = w[r] == 0 ? va : w[r] == 1 ? vb : (1 - w[r]) * va + w[r] * vb;
      }
      ia += w[r] < 1 ? 1 : 0;
      ib += w[r] > 0 ? 1 : 0;
    }
    rule.observe(x, t, prediction(), out);
  }

  /** The model's prediction for the rows that use it (w &lt; 1 for a, w &gt; 0 for b), in row order. */
  private static Batch evaluate(Denoiser model, Batch x, double t, double[] w, int rows, boolean isA) {
    if (rows == 0) {
      return null;
    }
    int n = x.n();
    int d = x.d();
    Batch in = x;
    if (rows < n) {
      in = new Batch(rows, d);
      for (int r = 0, k = 0; r < n; r++) {
        if (isA ? w[r] < 1 : w[r] > 0) {
          System.arraycopy(x.data(), r * d, in.data(), k++ * d, d);
        }
      }
    }
    Batch p = in.zerosLike();
    model.predict(in, t, p);
    return p;
  }
}
