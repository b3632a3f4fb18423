package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import org.diffusion4j.array.Batch;

/**
 * Consistency residual of a velocity b and a score s of the same interpolant. Taking the gradient
 * of the transport equation for log rho (Albergo et al. 2023, Eq. 2.9:
 * d_t log rho = -div b - b . grad log rho) gives the score equation
 * <pre>  r(t, x) = d_t s + grad(div b + b . s) = 0,</pre>
 * the interpolant analogue of the score Fokker-Planck residual of Deveney et al. ("Closing the
 * ODE-SDE gap in score-based diffusion models through the Fokker-Planck equation"): when it
 * vanishes, the ODE dX = b dt and the SDEs dX = (b +- eps s) dt + sqrt(2 eps) dW share their
 * marginals; a learned (b, s) pair with a large residual has an ODE-SDE gap. Computed by central
 * differences (time step {@code ht}, space step {@code hx}; nested for grad div b), O(d^2) field
 * evaluations per state, so meant for small d and for diagnostics.
 */
public final class ScoreTransportResidual {
  private ScoreTransportResidual() {}

  /** r(t, x_i) for every row of {@code x}; t +- ht must stay in [0, 1]. */
  public static Batch of(VectorField b, VectorField s, double t, Batch x, double ht, double hx) {
    if (!(ht > 0 && hx > 0)) {
      throw new IllegalArgumentException("difference steps must be positive, got ht=" + ht + ", hx=" + hx);
    }
    Interpolant.checkTime(t - ht);
    Interpolant.checkTime(t + ht);
    int n = x.n();
    int d = x.d();
    Batch r = x.zerosLike();
    Batch sp = x.zerosLike();
    Batch sm = x.zerosLike();
    s.evaluate(x, t + ht, sp);
    s.evaluate(x, t - ht, sm);
    r.setLinear(1 / (2 * ht), sp, -1 / (2 * ht), sm);
    for (int j = 0; j < d; j++) {
      Batch xp = x.copy();
      Batch xm = x.copy();
      for (int i = 0; i < n; i++) {
        xp.data()[i * d + j] += hx;
        xm.data()[i * d + j] -= hx;
      }
      double[] fp = phi(b, s, t, xp, hx);
      double[] fm = phi(b, s, t, xm, hx);
      for (int i = 0; i < n; i++) {
        r.data()[i * d + j] += (fp[i] - fm[i]) / (2 * hx);
      }
    }
    return r;
  }

  /** Mean over rows of |r(t, x_i)|^2. */
  public static double meanSquared(VectorField b, VectorField s, double t, Batch x, double ht, double hx) {
    Batch r = of(b, s, t, x, ht, hx);
    double sum = 0;
    for (double v : r.data()) {
      sum += v * v;
    }
    return sum / x.n();
  }

  /** phi = div b + b . s per row (div b by central differences with step h). */
  private static double[] phi(VectorField b, VectorField s, double t, Batch x, double h) {
    int n = x.n();
    int d = x.d();
    Batch bv = x.zerosLike();
    Batch sv = x.zerosLike();
    b.evaluate(x, t, bv);
    s.evaluate(x, t, sv);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double dot = 0;
      for (int j = 0; j < d; j++) {
        dot += bv.data()[i * d + j] * sv.data()[i * d + j];
      }
      out[i] = dot;
    }
    Batch bp = x.zerosLike();
    Batch bm = x.zerosLike();
    for (int j = 0; j < d; j++) {
      Batch xp = x.copy();
      Batch xm = x.copy();
      for (int i = 0; i < n; i++) {
        xp.data()[i * d + j] += h;
        xm.data()[i * d + j] -= h;
      }
      b.evaluate(xp, t, bp);
      b.evaluate(xm, t, bm);
      for (int i = 0; i < n; i++) {
        out[i] += (bp.data()[i * d + j] - bm.data()[i * d + j]) / (2 * h);
      }
    }
    return out;
  }
}
