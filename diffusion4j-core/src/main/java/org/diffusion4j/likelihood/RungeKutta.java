package org.diffusion4j.likelihood;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.VectorField;

/**
 * Explicit Runge-Kutta stepping shared by {@link FixedStepSolver} and {@link DormandPrince}: one
 * step of size h from (t, y) with the stages of a {@link ButcherTableau}.
 */
final class RungeKutta {
  private final ButcherTableau tab;
  private final Batch[] k;
  private final Batch stage;

  RungeKutta(ButcherTableau tab, Batch shape) {
    this.tab = tab;
    this.k = new Batch[tab.stages()];
    for (int i = 0; i < k.length; i++) {
      k[i] = shape.zerosLike();
    }
    this.stage = shape.zerosLike();
  }

  Batch k(int i) {
    return k[i];
  }

  /**
   * Computes the stages k_1..k_s at (t, y, h), reusing k_1 when {@code haveFirst} (FSAL), and
   * writes the high-order solution into {@code yNew}. Returns the number of RHS evaluations.
   */
  int step(VectorField rhs, double t, Batch y, double h, boolean haveFirst, Batch yNew, int stepNo) {
    int nfe = 0;
    if (!haveFirst) {
      rhs.evaluate(y, t, k[0]);
      OdeSolver.requireFinite(k[0], stepNo, t);
      nfe++;
    }
    double[] ys = y.data();
    double[] st = stage.data();
    for (int s = 1; s < tab.stages(); s++) {
      double[] row = tab.a()[s];
      System.arraycopy(ys, 0, st, 0, st.length);
      for (int j = 0; j < row.length; j++) {
        if (row[j] != 0) {
          stage.addScaled(h * row[j], k[j]);
        }
      }
      double ts = t + tab.c()[s] * h;
      rhs.evaluate(stage, ts, k[s]);
      OdeSolver.requireFinite(k[s], stepNo, ts);
      nfe++;
    }
    if (tab.fsal()) {
      // The last stage is evaluated at the new solution itself.
      yNew.setFrom(stage);
    } else {
      yNew.setFrom(y);
      double[] b = tab.b();
      for (int j = 0; j < b.length; j++) {
        if (b[j] != 0) {
          yNew.addScaled(h * b[j], k[j]);
        }
      }
    }
    return nfe;
  }

  /** err = h * sum_j (b_j - bHat_j) k_j, the embedded error estimate. */
  void error(double h, Batch err) {
    double[] b = tab.b();
    double[] bh = tab.bHat();
    java.util.Arrays.fill(err.data(), 0);
    for (int j = 0; j < b.length; j++) {
      double e = b[j] - bh[j];
      if (e != 0) {
        err.addScaled(h * e, k[j]);
      }
    }
  }
}
