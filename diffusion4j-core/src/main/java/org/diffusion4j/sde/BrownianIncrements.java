package org.diffusion4j.sde;

/**
 * Plain independent Gaussian increments: the fastest source for fixed steps. Each query draws
 * new values (dW = sqrt(h) Z, and for the time integral I = h (dW/2 + sqrt(h/12) Z')), so
 * queries must tile the time axis left to right without repeats. Path i draws the normals
 * {@code CounterNormal.normal32(key(i), c)} for c = 0, 1, 2, ... in order (component by
 * component, and W before the area when the time integral is asked for): a counter-based stream
 * with no generator object, two normals per hash, which a solver can fill for a block of paths in
 * one loop (SdeSolve keeps each path's pair hash from an even counter for the odd one).
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

  /** The stream key of path {@code index} (for drivers that fill increments in bulk). */
  long key(long index) {
    return CounterNormal.mix(seed + 0x9E3779B97F4A7C15L * (index + 1)) ^ 0x5DEECE66DL;
  }

  @Override
  public BrownianPath path(long index) {
    return new Path(key(index), dim);
  }

  private static final class Path implements BrownianPath {
    private static final double INV_SQRT12 = 1.0 / Math.sqrt(12.0);
    private final long key;
    private final int m;
    private long counter;

    Path(long key, int m) {
      this.key = key;
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
        dw[off + j] = sq * CounterNormal.normal32(key, counter++);
      }
    }

    @Override
    public void increment(double s, double t, double[] dw, double[] iw, int off) {
      double h = t - s;
      double sq = Math.sqrt(h);
      for (int j = 0; j < m; j++) {
        double w = sq * CounterNormal.normal32(key, counter++);
        double area = sq * INV_SQRT12 * CounterNormal.normal32(key, counter++);
        dw[off + j] = w;
        iw[off + j] = h * (0.5 * w + area);
      }
    }
  }
}
