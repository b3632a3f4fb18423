package org.diffusion4j.sampler;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.path.GaussianPath;

/**
 * UniPC (Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework"): the predictor UniP-p
 * (Algorithm 3, Eq. 6-7) followed by the corrector UniC-p (Eq. 8), with B(h) = h ("bh1") or
 * e^h - 1 ("bh2"), in data-prediction form by default. With r_j = (lambda_j - lambda_0)/h and
 * D_j = (m_j - m_0)/r_j the predictor is
 * x_t = (first-order step) - K B(h) sum_j a_j D_j where a solves R a = g, R_ij = r_j^(i-1),
 * g_i = h phi_(i+1)(h) i! / B(h) (a = 1/2 for p = 2); K = alpha_t (data) or sigma_t (noise).
 */
public final class UniPc extends MultistepSampler {
  private final Bh variant;

  /** @param lowerOrderFinal when to lower the final orders ({@link LowerOrderFinal#AUTO}: always, as uni_pc.py and diffusers) */
  public UniPc(String name, int order, Bh variant, boolean dataPrediction, LowerOrderFinal lowerOrderFinal) {
    super(name, order, lowerOrderFinal, LowerOrderFinal.Reference.UNIPC, dataPrediction, variant);
    this.variant = variant;
  }

  @Override
  protected void predict(GaussianPath p, History hist, int k, Batch x, double t, Batch out) {
    double s = hist.t(0);
    double l0 = hist.lambda(0);
    double h0 = lambda(p, t) - l0;
    double[] ab = firstOrder(p, s, t, h0);
    if (k == 1) {
      combine(out, new double[] {ab[0], ab[1]}, x, hist.m(0));
      return;
    }
    double[] rks = new double[k];
    for (int j = 1; j < k; j++) {
      rks[j - 1] = (hist.lambda(j) - l0) / h0;
    }
    rks[k - 1] = 1;
    double hh = dataPrediction() ? -h0 : h0;
    double bh = bh(variant, hh);
    double[] rhos;
    if (k == 2) {
      rhos = new double[] {0.5};
    } else {
      double[][] rb = uniCoefficients(rks, hh, bh, k);
      double[][] r = new double[k - 1][k - 1];
      for (int i = 0; i < k - 1; i++) {
        System.arraycopy(rb[i], 0, r[i], 0, k - 1);
      }
      rhos = SmallMatrices.solve(r, java.util.Arrays.copyOf(rb[k], k - 1));
    }
    double kt = dataPrediction() ? p.alpha(t) : p.sigma(t);
    double scale = -kt * bh;
    double[] coef = new double[k + 1];
    Batch[] terms = new Batch[k + 1];
    coef[0] = ab[0];
    terms[0] = x;
    coef[1] = ab[1];
    terms[1] = hist.m(0);
    for (int j = 1; j < k; j++) {
      double c = scale * rhos[j - 1] / rks[j - 1];
      coef[j + 1] = c;
      terms[j + 1] = hist.m(j);
      coef[1] -= c;
    }
    combine(out, coef, terms);
  }
}
