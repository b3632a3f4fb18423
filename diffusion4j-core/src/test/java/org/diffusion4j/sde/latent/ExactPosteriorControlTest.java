package org.diffusion4j.sde.latent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.sde.grad.GradientRoute;
import org.junit.jupiter.api.Test;

class ExactPosteriorControlTest {
  static final double DT = 1.0 / 320;

  @Test
  void explore() {
    for (double hh : new double[] {0.3, 0.5, 0.7}) {
      org.diffusion4j.sde.fbm.MarkovFbm mf = org.diffusion4j.sde.fbm.MarkovFbm.optimal(hh, 6, 1.0, 4.0);
      double sw = 0;
      for (double w : mf.weights()) sw += w;
      System.out.printf("H %.1f sum w %.3f weights %s%n", hh, sw, java.util.Arrays.toString(mf.weights()));
    }
    for (double s : new double[] {0.02, 0.1}) {
      for (double dt : new double[] {1.0 / 320, 1.0 / 1280}) {
        for (double h : new double[] {0.3, 0.7}) {
          ObservedSeries data = FractionalViTest.fouData(h, 64, 40, s, 5);
          double bestL = -1e300, bestB = -1e300, argL = 0, argB = 0, gapAtTruth = 0;
          for (int j = 0; j <= 60; j++) {
            double hh = 0.2 + 0.01 * j;
            FractionalOuPrior p = new FractionalOuPrior(0.5, 0.0, 1.0, hh, 6, 1.0, 4.0);
            LatentSde l2 = LatentSde.withExactPosterior(p, data, s, dt);
            double ll = ExactPosteriorControl.logLikelihood(p, data, s, dt);
            double gp = ((ExactPosteriorControl) l2.control()).discretisationGap() * data.count();
            if (Math.abs(hh - h) < 1e-9) gapAtTruth = gp / (data.count() * 40.0);
            if (ll > bestL) { bestL = ll; argL = hh; }
            if (ll - gp > bestB) { bestB = ll - gp; argB = hh; }
          }
          System.out.printf("s %.2f dt 1/%.0f H %.1f: argmax logL %.2f, argmax ELBO bound %.2f, gap/obs at truth %.3f%n", s, 1 / dt, h, argL, argB, gapAtTruth);
        }
      }
    }
  }
}
