package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.model.GaussianMixture;

/**
 * Exact velocity, score and denoiser of a spatially linear interpolant between two Gaussian
 * mixtures with diagonal covariances, x0 ~ rho0 and x1 ~ rho1 independent (or x0 = x1 for the
 * mirror interpolant, which does not use rho0 since alpha = 0). The ground truth for tests.
 *
 * <p>Conditioned on the components (i of rho0, k of rho1), x_t is Gaussian, coordinate-wise
 * with mean mu = alpha m0_i + beta m1_k and variance V = alpha^2 v0_i + beta^2 v1_k + gamma^2.
 * The target alpha' x0 + beta' x1 + gamma' z is jointly Gaussian with x_t, so Gaussian
 * conditioning gives the conditional velocity (Albergo et al. 2023, Thm. 2.6, b = E[dI/dt +
 * gamma' z | x_t = x]):
 * b_ik(t, x) = mu' + (V'/2) (x - mu) / V, where mu' = alpha' m0 + beta' m1 and
 * V'/2 = alpha alpha' v0 + beta beta' v1 + gamma gamma' (finite even where gamma' is not),
 * the denoiser eta_ik = E[z | x_t = x] = gamma (x - mu) / V, and the score
 * s_ik = -(x - mu)/V = -eta_ik / gamma (Eq. 2.12, s = -gamma^{-1} E[z | x_t]).
 * Over the mixture, every field is the responsibility-weighted sum of the component fields,
 * with responsibilities r_ik(x) proportional to w0_i w1_k N(x; mu_ik, V_ik) (log-sum-exp).
 */
public final class GaussianInterpolantFields {
  private static final double LOG_2PI = Math.log(2 * Math.PI);

  private final Interpolant interpolant;
  private final int dim;
  private final int pairs;
  private final double[] logWeight;
  private final double[][] m0;
  private final double[][] v0;
  private final double[][] m1;
  private final double[][] v1;

  /**
   * Fields of {@code interpolant} between {@code rho0} and {@code rho1} under the independent
   * coupling. For the mirror interpolant {@code rho0} is ignored (pass rho1).
   */
  public GaussianInterpolantFields(Interpolant interpolant, GaussianMixture rho0, GaussianMixture rho1) {
    if (rho0.dim() != rho1.dim()) {
      throw new IllegalArgumentException("rho0 has dimension " + rho0.dim() + " but rho1 has " + rho1.dim());
    }
    this.interpolant = interpolant;
    this.dim = rho1.dim();
    boolean mirror = interpolant.kind() == Interpolant.Kind.MIRROR;
    int k0 = mirror ? 1 : rho0.components();
    int k1 = rho1.components();
    pairs = k0 * k1;
    logWeight = new double[pairs];
    m0 = new double[pairs][];
    v0 = new double[pairs][];
    m1 = new double[pairs][];
    v1 = new double[pairs][];
    for (int i = 0; i < k0; i++) {
      for (int k = 0; k < k1; k++) {
        int p = i * k1 + k;
        logWeight[p] = (mirror ? 0 : Math.log(rho0.weight(i))) + Math.log(rho1.weight(k));
        m0[p] = mirror ? new double[dim] : rho0.mean(i);
        v0[p] = mirror ? new double[dim] : rho0.var(i);
        m1[p] = rho1.mean(k);
        v1[p] = rho1.var(k);
      }
    }
  }

  public Interpolant interpolant() {
    return interpolant;
  }

  public int dim() {
    return dim;
  }

  /** Per-time constants of every component pair. */
  private final class AtTime {
    final double[][] mu;
    final double[][] muDot;
    final double[][] invVar;
    final double[][] halfVarDot;
    final double[] logNorm;
    final double gamma;

    AtTime(double t) {
      Interpolant.checkTime(t);
      double a = interpolant.alpha(t);
      double b = interpolant.beta(t);
      double ad = interpolant.alphaDot(t);
      double bd = interpolant.betaDot(t);
      gamma = interpolant.gamma(t);
      double g2 = gamma * gamma;
      double ggd = interpolant.gammaGammaDot(t);
      mu = new double[pairs][dim];
      muDot = new double[pairs][dim];
      invVar = new double[pairs][dim];
      halfVarDot = new double[pairs][dim];
      logNorm = new double[pairs];
      for (int p = 0; p < pairs; p++) {
        double ln = logWeight[p] - 0.5 * dim * LOG_2PI;
        for (int j = 0; j < dim; j++) {
          mu[p][j] = a * m0[p][j] + b * m1[p][j];
          muDot[p][j] = ad * m0[p][j] + bd * m1[p][j];
          double v = a * a * v0[p][j] + b * b * v1[p][j] + g2;
          if (!(v > 0)) {
            throw new IllegalArgumentException("interpolant " + interpolant.name() + " has zero variance at t=" + t
                + "; its fields are undefined there");
          }
          invVar[p][j] = 1 / v;
          halfVarDot[p][j] = a * ad * v0[p][j] + b * bd * v1[p][j] + ggd;
          ln -= 0.5 * Math.log(v);
        }
        logNorm[p] = ln;
      }
    }

    /** Responsibilities of row x at offset off into r; returns log rho_t(x). */
    double responsibilities(double[] x, int off, double[] r) {
      double max = Double.NEGATIVE_INFINITY;
      for (int p = 0; p < pairs; p++) {
        double q = 0;
        for (int j = 0; j < dim; j++) {
          double e = x[off + j] - mu[p][j];
          q += e * e * invVar[p][j];
        }
        r[p] = logNorm[p] - 0.5 * q;
        max = Math.max(max, r[p]);
      }
      double sum = 0;
      for (int p = 0; p < pairs; p++) {
        r[p] = Math.exp(r[p] - max);
        sum += r[p];
      }
      for (int p = 0; p < pairs; p++) {
        r[p] /= sum;
      }
      return max + Math.log(sum);
    }
  }

  private enum Field { VELOCITY, SCORE, NOISE }

  private void fill(Field field, double t, Batch x, Batch out) {
    requireDim(x);
    x.requireSameShape(out);
    AtTime at = new AtTime(t);
    double[] xs = x.data();
    double[] o = out.data();
    Parallel.forRows(x.n(), 16, (from, to) -> {
      double[] r = new double[pairs];
      for (int i = from; i < to; i++) {
        int off = i * dim;
        at.responsibilities(xs, off, r);
        Arrays.fill(o, off, off + dim, 0);
        for (int p = 0; p < pairs; p++) {
          if (r[p] == 0) {
            continue;
          }
          for (int j = 0; j < dim; j++) {
            double e = (xs[off + j] - at.mu[p][j]) * at.invVar[p][j];
            double f = switch (field) {
              case VELOCITY -> at.muDot[p][j] + at.halfVarDot[p][j] * e;
              case SCORE -> -e;
              case NOISE -> at.gamma * e;
            };
            o[off + j] += r[p] * f;
          }
        }
      }
    });
  }

  /** The velocity b(t, x) = E[alpha' x0 + beta' x1 + gamma' z | x_t = x] (Thm. 2.6). */
  public void velocity(Batch x, double t, Batch out) {
    fill(Field.VELOCITY, t, x, out);
  }

  /** The score s(t, x) = grad log rho_t(x) = -E[z | x_t = x] / gamma (Eq. 2.12). */
  public void score(Batch x, double t, Batch out) {
    fill(Field.SCORE, t, x, out);
  }

  /** The denoiser eta_z(t, x) = E[z | x_t = x] (zero when gamma = 0). */
  public void noise(Batch x, double t, Batch out) {
    fill(Field.NOISE, t, x, out);
  }

  /** The velocity as a drift term. */
  public VectorField velocityField() {
    return this::velocity;
  }

  /** The score as a drift term. */
  public VectorField scoreField() {
    return this::score;
  }

  /** The denoiser eta_z as a field. */
  public VectorField noiseField() {
    return this::noise;
  }

  /** log rho_t(x) for every row, the exact density of x_t. */
  public double[] logDensity(double t, Batch x) {
    requireDim(x);
    AtTime at = new AtTime(t);
    double[] out = new double[x.n()];
    double[] xs = x.data();
    Parallel.forRows(x.n(), 16, (from, to) -> {
      double[] r = new double[pairs];
      for (int i = from; i < to; i++) {
        out[i] = at.responsibilities(xs, i * dim, r);
      }
    });
    return out;
  }

  /** Mean of x_t: sum_p w_p (alpha m0 + beta m1). */
  public double[] mean(double t) {
    AtTime at = new AtTime(t);
    double[] m = new double[dim];
    for (int p = 0; p < pairs; p++) {
      double w = Math.exp(logWeight[p]);
      for (int j = 0; j < dim; j++) {
        m[j] += w * at.mu[p][j];
      }
    }
    return m;
  }

  /** Per-coordinate variance of x_t (law of total variance over the component pairs). */
  public double[] variance(double t) {
    AtTime at = new AtTime(t);
    double[] m = mean(t);
    double[] v = new double[dim];
    for (int p = 0; p < pairs; p++) {
      double w = Math.exp(logWeight[p]);
      for (int j = 0; j < dim; j++) {
        double e = at.mu[p][j] - m[j];
        v[j] += w * (1 / at.invVar[p][j] + e * e);
      }
    }
    return v;
  }

  private void requireDim(Batch x) {
    if (x.d() != dim) {
      throw new IllegalArgumentException("states have dimension " + x.d() + " but the interpolant fields have " + dim);
    }
  }
}
