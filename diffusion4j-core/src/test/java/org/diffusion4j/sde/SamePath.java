package org.diffusion4j.sde;

/** Reference solutions on given paths of a Brownian tree, for strong-error tests. */
final class SamePath {
  private SamePath() {}

  /**
   * The OU dY = -a Y dt + b dW at t = 1 from y0 on paths [0, paths) of {@code tree}: the exact
   * transition on a fine dyadic grid, with the stochastic convolution
   * int e^{-a(t+d-r)} dW_r = e^{-a d} (dW + a (d dW - I_(1,0))) + O(d^{5/2}).
   */
  static double[] ou(BrownianTree tree, int paths, double a, double b, double y0) {
    int fine = 1 << 13;
    double delta = 1.0 / fine;
    double decay = Math.exp(-a * delta);
    double[] exact = new double[paths];
    double[] dw = new double[1];
    double[] iw = new double[1];
    for (int p = 0; p < paths; p++) {
      BrownianPath path = tree.path(p);
      double y = y0;
      for (int k = 0; k < fine; k++) {
        path.increment(k * delta, (k + 1) * delta, dw, iw, 0);
        y = decay * (y + b * (dw[0] + a * (delta * dw[0] - iw[0])));
      }
      exact[p] = y;
    }
    return exact;
  }
}
