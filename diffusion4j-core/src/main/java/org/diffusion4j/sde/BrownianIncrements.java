package org.diffusion4j.sde;

import org.diffusion4j.random.Rng;

/**
 * Plain independent Gaussian increments: the fastest source for fixed steps. Each query draws
 * new values (dW = sqrt(h) Z, and for the time integral I = h (dW/2 + sqrt(h/12) Z')), so
 * queries must tile the time axis left to right without repeats. Path i draws from
 * {@code Rng.of(seed).stream(i)}.
 */
public final class BrownianIncrements implements BrownianSource {
  private final long seed;
  private final int dim;

  private BrownianIncrements(long seed, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("Brownian dimension must be >= 1, got " + dim);
    }
    this.seed = seed;
    this.dim = dim;
  }

  /** Increments of an m-dimensional Brownian motion for {@code seed}. */
  public static BrownianIncrements of(long seed, int m) {
    return new BrownianIncrements(seed, m);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public boolean reproducible() {
    return false;
  }

  /** The generator path {@code index} draws from (for drivers that fill increments in bulk). */
  public Rng rng(long index) {
    return Rng.of(seed).stream(index);
  }

  @Override
  public BrownianPath path(long index) {
    return new Path(rng(index), dim);
  }

  private static final class Path implements BrownianPath {
    private static final double INV_SQRT12 = 1.0 / Math.sqrt(12.0);
    private final Rng rng;
    private final int m;

    Path(Rng rng, int m) {
      this.rng = rng;
      this.m = m;
    }

    @Override
    public int dim() {
      return m;
    }

    @Override
    public void increment(double s, double t, double[] dw, int off) {
      double sq = Math.sqrt(t - s);
      for (int j = 0; j < m; j++) {
        dw[off + j] = sq * rng.nextGaussian();
      }
    }

    @Override
    public void increment(double s, double t, double[] dw, double[] iw, int off) {
      double h = t - s;
      double sq = Math.sqrt(h);
      for (int j = 0; j < m; j++) {
        double w = sq * rng.nextGaussian();
        double area = sq * INV_SQRT12 * rng.nextGaussian();
        dw[off + j] = w;
        iw[off + j] = h * (0.5 * w + area);
      }
    }
  }
}
