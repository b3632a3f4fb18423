package org.diffusion4j.sde;

/**
 * One sample path of an m-dimensional Brownian motion W, queried by interval. Not thread-safe:
 * each Monte Carlo path owns its own instance.
 */
public interface BrownianPath {
  /** Number of components m. */
  int dim();

  /** Writes the increment W(t) - W(s) (m values) into {@code dw[off ..]}. Requires s &lt; t. */
  void increment(double s, double t, double[] dw, int off);

  /**
   * Writes W(t) - W(s) into {@code dw} and the time integral {@code I = int_s^t (W(r) - W(s)) dr}
   * into {@code iw} (the iterated Ito integral I_(1,0) of Kloeden &amp; Platen 1992, eq. 10.4.2),
   * which strong order 1.5 schemes (SRI, SRA) need. Equivalently I = h (dW/2 + H) with the
   * space-time Levy area H ~ N(0, h/12) independent of dW (Foster, Lyons &amp; Oberhauser 2020).
   */
  void increment(double s, double t, double[] dw, double[] iw, int off);
}
