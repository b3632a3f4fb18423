package org.diffusion4j.walk;

import org.diffusion4j.array.SmallMatrices;
import org.diffusion4j.metrics.SymmetricEigen;

/**
 * Closed-form asymptotic covariances of the self-repellent random walk and of SA-SRRW, for a base
 * chain P reversible with respect to mu (dense; for chains of up to a few hundred states).
 *
 * <p>Spectral form: S = D^(1/2) P D^(-1/2) (D = diag mu) is symmetric; with its eigenpairs
 * (lambda_i, v_i), u_i = D^(1/2) v_i are the left eigenvectors of P (P^T u_i = lambda_i u_i), and the
 * base chain's asymptotic covariance of the visit vector delta_X is
 * U = sum_{i &lt; N} (1 + lambda_i)/(1 - lambda_i) u_i u_i^T (the stationary mode lambda_N = 1 is left out).
 *
 * <p>Derivation used here (it reproduces the papers' results, which is what the tests check by
 * simulation): the mean field of x is h(x) = pi[x] - x with pi[x]_i proportional to
 * mu_i (x_i/mu_i)^(-alpha) sum_k P(i,k) (x_k/mu_k)^(-alpha) (K[x] is reversible w.r.t. pi[x]); its
 * Jacobian at mu on the simplex's tangent space is J = -(alpha + 1) I - alpha P^T, with
 * J u_i = -(1 + alpha (1 + lambda_i)) u_i.
 * <ul>
 *   <li>Sampling (gamma_n = 1/(n+1)): sqrt(n)(x_n - mu) -&gt; N(0, V_X(alpha)) with
 *       (J + I/2) V + V (J + I/2)^T + U = 0, i.e.
 *       V_X(alpha) = sum_i (1 + lambda_i) / ((1 - lambda_i)(2 alpha (1 + lambda_i) + 1)) u_i u_i^T
 *       (Doshi et al., ICML 2023, Theorem 3.2): O(1/alpha).</li>
 *   <li>Optimisation, the slow-iterate regime beta_n = o(gamma_n) (Hu et al., ICLR 2024, case (i)):
 *       the noise that drives theta is the visits' long-run fluctuation filtered by
 *       (I - J)^(-1) = (I + alpha (I + P^T))^(-1), so
 *       U_theta(alpha) = sum_i (1 + lambda_i) / ((1 - lambda_i)(1 + alpha (1 + lambda_i))^2) (H^T u_i)(H^T u_i)^T
 *       with H the N x d matrix of rows H(theta*, i): O(1/alpha^2). Then
 *       (theta_n - theta*)/sqrt(beta_n) -&gt; N(0, V_theta), with
 *       (G + c I) V + V (G + c I)^T + U_theta = 0, G = grad of the mean field at theta*, c = 1/2 if
 *       beta_n = 1/(n+1) and 0 if beta_n = (n+1)^(-b), b &lt; 1.</li>
 * </ul>
 */
public final class SrrwTheory {
  private final double[] lambda;
  private final double[][] u;

  private SrrwTheory(double[] lambda, double[][] u) {
    this.lambda = lambda;
    this.u = u;
  }

  /**
   * The spectral data of a reversible chain.
   *
   * @throws IllegalArgumentException if the chain is not reversible with respect to its target
   *     (to 1e-12 on mu_i P(i, j) - mu_j P(j, i))
   */
  public static SrrwTheory of(MarkovChain chain) {
    double[][] p = chain.dense();
    double[] mu = chain.target();
    int n = mu.length;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double flow = mu[i] * p[i][j] - mu[j] * p[j][i];
        if (Math.abs(flow) > 1e-12) {
          throw new IllegalArgumentException("chain is not reversible: mu_i P(i,j) - mu_j P(j,i) = " + flow
              + " at (" + i + ", " + j + ")");
        }
        s[i][j] = Math.sqrt(mu[i]) * p[i][j] / Math.sqrt(mu[j]);
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(s);
    // ascending order: the last pair is the stationary mode (lambda = 1, v = sqrt(mu)), left out
    double[] lambda = new double[n - 1];
    double[][] u = new double[n - 1][n];
    for (int k = 0; k < n - 1; k++) {
      lambda[k] = eig.values()[k];
      for (int i = 0; i < n; i++) {
        u[k][i] = Math.sqrt(mu[i]) * eig.vectors()[i][k];
      }
    }
    return new SrrwTheory(lambda, u);
  }

  /** The non-stationary eigenvalues of P, ascending. */
  public double[] eigenvalues() {
    return lambda.clone();
  }

  /** V_X(alpha), the asymptotic covariance of sqrt(n)(x_n - mu) (Doshi et al. Theorem 3.2). */
  public double[][] samplingCovariance(double alpha) {
    requireAlpha(alpha);
    int n = u[0].length;
    double[][] v = new double[n][n];
    for (int k = 0; k < lambda.length; k++) {
      double c = (1 + lambda[k]) / ((1 - lambda[k]) * (2 * alpha * (1 + lambda[k]) + 1));
      addOuter(v, c, u[k]);
    }
    return v;
  }

  /**
   * U_theta(alpha) for the per-node increments {@code h[i]} = H(theta*, i) (N rows of length d),
   * the slow-iterate regime (see class comment).
   */
  public double[][] iterateNoise(double alpha, double[][] h) {
    requireAlpha(alpha);
    int n = u[0].length;
    if (h.length != n) {
      throw new IllegalArgumentException("need one increment row per node: " + h.length + " rows for " + n + " nodes");
    }
    int d = h[0].length;
    double[][] out = new double[d][d];
    double[] g = new double[d];
    for (int k = 0; k < lambda.length; k++) {
      java.util.Arrays.fill(g, 0);
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < d; a++) {
          g[a] += u[k][i] * h[i][a];
        }
      }
      double f = 1 + alpha * (1 + lambda[k]);
      double c = (1 + lambda[k]) / ((1 - lambda[k]) * f * f);
      addOuter(out, c, g);
    }
    return out;
  }

  /**
   * The solution V of (-A + c I) V + V (-A + c I) + U = 0 for symmetric positive definite A (the
   * Hessian of the objective at theta*, so the mean-field Jacobian is -A):
   * V = Q [ (Q^T U Q)_ab / (a_a + a_b - 2c) ] Q^T in A's eigenbasis.
   *
   * @throws IllegalArgumentException if some a_a + a_b - 2c &lt;= 0 (no stationary covariance)
   */
  public static double[][] lyapunov(double[][] hessian, double[][] noise, double c) {
    SymmetricEigen eig = SymmetricEigen.of(hessian);
    int d = hessian.length;
    double[][] q = eig.vectors();
    double[][] m = multiply(transpose(q), multiply(noise, q));
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        double rate = eig.values()[a] + eig.values()[b] - 2 * c;
        if (!(rate > 0)) {
          throw new IllegalArgumentException("Lyapunov equation has no stable solution: eigenvalue sum "
              + (eig.values()[a] + eig.values()[b]) + " must exceed 2c = " + 2 * c);
        }
        m[a][b] /= rate;
      }
    }
    return multiply(q, multiply(m, transpose(q)));
  }

  /**
   * V_theta, the asymptotic covariance of (theta_n - theta*)/sqrt(beta_n) for
   * beta_n = s (n + offset)^(-b), mean field -grad f with Hessian A at theta* and increment noise
   * U: for b &lt; 1 it solves (-A) V + V (-A) + U = 0 (independent of s); for b = 1 it solves
   * (-s A + I/2) V + V (-s A + I/2) + s U = 0 (Hu et al., ICLR 2024, Theorem 3.3 / the classical
   * stochastic-approximation CLT, e.g. Fort, Math. Oper. Res. 2015), which needs s a_min &gt; 1/2.
   */
  public static double[][] iterateCovariance(double[][] hessian, double[][] noise, SaSrrw.StepSize beta) {
    if (beta.exponent() < 1) {
      return lyapunov(hessian, noise, 0);
    }
    int d = hessian.length;
    double[][] sa = new double[d][d];
    double[][] su = new double[d][d];
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < d; b++) {
        sa[a][b] = beta.scale() * hessian[a][b];
        su[a][b] = beta.scale() * noise[a][b];
      }
    }
    return lyapunov(sa, su, 0.5);
  }

  /**
   * The base chain's asymptotic covariance of delta_X from the fundamental matrix
   * Z = (I - P + 1 mu^T)^(-1): D Z + Z^T D - D - mu mu^T (Bremaud, "Markov Chains", Ch. 6), an
   * independent check of the spectral form at alpha = 0.
   */
  public static double[][] fundamentalCovariance(MarkovChain chain) {
    double[][] p = chain.dense();
    double[] mu = chain.target();
    int n = mu.length;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = (i == j ? 1 : 0) - p[i][j] + mu[j];
      }
    }
    double[][] z = SmallMatrices.invert(a);
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out[i][j] = mu[i] * z[i][j] + z[j][i] * mu[j] - (i == j ? mu[i] : 0) - mu[i] * mu[j];
      }
    }
    return out;
  }

  /**
   * The trace of the sample covariance of {@code samples} (rows): the sum over coordinates of the
   * variance about the sample mean (divisor m - 1), or, with a {@code centre}, of the mean square
   * about it (divisor m).
   */
  public static double sampleCovarianceTrace(double[][] samples, double[] centre) {
    int d = samples[0].length;
    double trace = 0;
    for (int i = 0; i < d; i++) {
      double mean = 0;
      for (double[] x : samples) {
        mean += x[i] / samples.length;
      }
      double c = centre == null ? mean : centre[i];
      double v = 0;
      for (double[] x : samples) {
        v += (x[i] - c) * (x[i] - c);
      }
      trace += v / (centre == null ? samples.length - 1 : samples.length);
    }
    return trace;
  }

  /** Trace of a square matrix. */
  public static double trace(double[][] m) {
    double t = 0;
    for (int i = 0; i < m.length; i++) {
      t += m[i][i];
    }
    return t;
  }

  private static void requireAlpha(double alpha) {
    if (!(alpha >= 0) || !Double.isFinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
  }

  private static void addOuter(double[][] m, double c, double[] v) {
    for (int i = 0; i < v.length; i++) {
      for (int j = 0; j < v.length; j++) {
        m[i][j] += c * v[i] * v[j];
      }
    }
  }

  static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int k = b.length;
    int m = b[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int l = 0; l < k; l++) {
        double ail = a[i][l];
        for (int j = 0; j < m; j++) {
          out[i][j] += ail * b[l][j];
        }
      }
    }
    return out;
  }

  static double[][] transpose(double[][] a) {
    double[][] t = new double[a[0].length][a.length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        t[j][i] = a[i][j];
      }
    }
    return t;
  }
}
