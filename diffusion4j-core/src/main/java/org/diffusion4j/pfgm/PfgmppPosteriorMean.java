package org.diffusion4j.pfgm;

import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;

/**
 * The exact PFGM++ denoiser for an empirical data distribution (points y_1..y_m, equal weights):
 * D(x, sigma) = E[y | x] = sum_k y_k p_r(x | y_k) / sum_k p_r(x | y_k) with the PFGM++ kernel at
 * r = sigma sqrt(D). With it, the PFGM++ ODE in the sigma-alignment is the EDM probability-flow
 * ODE dx/dsigma = (x - D(x, sigma))/sigma (Xu et al. 2023, Sec. 4; official generate.py runs the
 * unchanged edm_sampler on the PFGM++ network and prior), so any x0-predicting sampler on an
 * {@link org.diffusion4j.path.EdmPath} (t = sigma) integrates it. This is also the minimiser of
 * the PFGM++ training objective E ||D(y + n, sigma) - y||^2 with n ~ p_r(. | 0) (training/loss.py),
 * the exact field against which a trained network can be checked.
 */
public final class PfgmppPosteriorMean implements Denoiser {
  private final PfgmppKernel kernel;
  private final Batch data;

  /**
   * @throws IllegalArgumentException if the data's dimension differs from the kernel's N or it has no rows
   */
  public PfgmppPosteriorMean(PfgmppKernel kernel, Batch data) {
    if (data.d() != kernel.dataDim() || data.n() < 1) {
      throw new IllegalArgumentException("data must be (m >= 1, N = " + kernel.dataDim() + "), got (" + data.n() + ", "
          + data.d() + ")");
    }
    this.kernel = kernel;
    this.data = data.copy();
  }

  @Override
  public int dim() {
    return kernel.dataDim();
  }

  @Override
  public Prediction prediction() {
    return Prediction.X0;
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    int d = dim();
    int m = data.n();
    double[] y = data.data();
    double[] xs = x.data();
    double[] o = out.data();
    Parallel.forRows(x.n(), (from, to) -> {
      double[] logw = new double[m];
      for (int i = from; i < to; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < m; k++) {
          double s = 0;
          for (int c = 0; c < d; c++) {
            double diff = xs[i * d + c] - y[k * d + c];
            s += diff * diff;
          }
          logw[k] = kernel.logKernel(s, t);
          max = Math.max(max, logw[k]);
        }
        double total = 0;
        for (int c = 0; c < d; c++) {
          o[i * d + c] = 0;
        }
        for (int k = 0; k < m; k++) {
          double w = Math.exp(logw[k] - max);
          total += w;
          for (int c = 0; c < d; c++) {
            o[i * d + c] += w * y[k * d + c];
          }
        }
        for (int c = 0; c < d; c++) {
          o[i * d + c] /= total;
        }
      }
    });
  }
}
