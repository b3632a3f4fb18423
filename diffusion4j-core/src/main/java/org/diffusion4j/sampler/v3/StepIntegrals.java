package org.diffusion4j.sampler.v3;

import org.diffusion4j.sampler.GaussLegendre;

/**
 * The per-coordinate integrals of one DPM-Solver-v3 step from lambda_s to lambda_t (Zheng et
 * al. 2023, Eq. 11 and 13), computed from the piecewise-linear EMS by composite 8-point
 * Gauss-Legendre quadrature on the pieces between EMS grid points (so a smooth integrand per
 * piece, and rounding-level accuracy for the degenerate EMS where the integrands are e^lambda
 * times polynomials):
 * <pre>
 *   E(r)    = exp(L(r) + S(r) - L_s - S_s)
 *   Bh(r)   = int_s^r exp(S_s - S(u)) b(u) du               (signed: r may be below lambda_s)
 *   shrink  = exp(-(L_t - L_s))
 *   i0      = int_s^t E(r) dr
 *   bias    = int_s^t E(r) Bh(r) dr
 *   taylor_k= int_s^t E(r) (r - lambda_s)^k / k! dr,   k = 1..maxK
 * </pre>
 */
final class StepIntegrals {
  private static final GaussLegendre GL = GaussLegendre.of(8);

  final double[] shrink;
  final double[] i0;
  final double[] bias;
  final double[][] taylor;
  private final Ems ems;
  private final double ls;
  private final double[] lS;
  private final double[] sS;
  private final boolean zeroB;

  StepIntegrals(Ems ems, double ls, double lt, int maxK) {
    this.ems = ems;
    this.ls = ls;
    int d = ems.dim();
    lS = new double[d];
    sS = new double[d];
    ems.cumL(ls, lS);
    ems.cumS(ls, sS);
    zeroB = ems.zeroB();
    shrink = new double[d];
    double[] lT = new double[d];
    ems.cumL(lt, lT);
    for (int j = 0; j < d; j++) {
      shrink[j] = Math.exp(-(lT[j] - lS[j]));
    }
    i0 = new double[d];
    bias = new double[d];
    taylor = new double[maxK + 1][d];
    double[] lq = new double[d];
    double[] sq = new double[d];
    double[] bh = new double[d];
    double[] bhStart = new double[d];
    double[] piece = pieces(ls, lt);
    for (int p = 0; p + 1 < piece.length; p++) {
      double a = piece[p];
      double c = piece[p + 1];
      double half = 0.5 * (c - a);
      double mid = 0.5 * (c + a);
      for (int q = 0; q < GL.size(); q++) {
        double r = mid + half * GL.node(q);
        double w = half * GL.weight(q);
        ems.cumL(r, lq);
        ems.cumS(r, sq);
        if (!zeroB) {
          System.arraycopy(bhStart, 0, bh, 0, d);
          addBh(a, r, bh);
        }
        double u = r - ls;
        for (int j = 0; j < d; j++) {
          double e = w * Math.exp(lq[j] + sq[j] - lS[j] - sS[j]);
          i0[j] += e;
          if (!zeroB) {
            bias[j] += e * bh[j];
          }
          double pow = 1;
          for (int k = 1; k <= maxK; k++) {
            pow *= u / k;
            taylor[k][j] += e * pow;
          }
        }
      }
      if (!zeroB) {
        addBh(a, c, bhStart);
      }
    }
  }

  /** [from, to] split at the EMS grid points strictly between them (either order). */
  private double[] pieces(double from, double to) {
    double lo = Math.min(from, to);
    double hi = Math.max(from, to);
    java.util.ArrayList<Double> pts = new java.util.ArrayList<>();
    pts.add(lo);
    for (int k = lo <= ems.lambda(0) ? 0 : ems.cell(lo); k < ems.size(); k++) {
      double g = ems.lambda(k);
      if (g >= hi) {
        break;
      }
      if (g > lo) {
        pts.add(g);
      }
    }
    pts.add(hi);
    // Pieces longer than 1 in lambda are split so that 8-point Gauss-Legendre stays at rounding
    // accuracy for integrands like e^(c lambda) with |c| <= 2.
    java.util.ArrayList<Double> fine = new java.util.ArrayList<>();
    for (int i = 0; i + 1 < pts.size(); i++) {
      double a = pts.get(i);
      double c = pts.get(i + 1);
      int m = (int) Math.ceil((c - a) / 1.0);
      for (int q = 0; q < m; q++) {
        fine.add(a + (c - a) * q / m);
      }
    }
    fine.add(hi);
    pts = fine;
    double[] out = new double[pts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = pts.get(from <= to ? i : out.length - 1 - i);
    }
    return out;
  }

  /** acc += int_a^c exp(S_s - S(u)) b(u) du, for [a, c] inside one EMS piece (either order). */
  private void addBh(double a, double c, double[] acc) {
    int d = acc.length;
    double half = 0.5 * (c - a);
    double mid = 0.5 * (c + a);
    double[] su = new double[d];
    double[] bu = new double[d];
    for (int q = 0; q < GL.size(); q++) {
      double r = mid + half * GL.node(q);
      ems.cumS(r, su);
      ems.interpolateB(r, bu);
      for (int j = 0; j < d; j++) {
        acc[j] += half * GL.weight(q) * Math.exp(sS[j] - su[j]) * bu[j];
      }
    }
  }

  /** Bh(r) = int_s^r exp(S_s - S(u)) b(u) du for any r. */
  double[] bh(double r) {
    double[] out = new double[ems.dim()];
    if (zeroB) {
      return out;
    }
    double[] piece = pieces(ls, r);
    for (int p = 0; p + 1 < piece.length; p++) {
      addBh(piece[p], piece[p + 1], out);
    }
    return out;
  }

  /** exp(S_s - S(r)) per coordinate. */
  double[] shiftS(double r) {
    double[] out = new double[ems.dim()];
    ems.cumS(r, out);
    for (int j = 0; j < out.length; j++) {
      out[j] = Math.exp(sS[j] - out[j]);
    }
    return out;
  }
}
