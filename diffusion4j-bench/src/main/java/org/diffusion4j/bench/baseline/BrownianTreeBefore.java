package org.diffusion4j.bench.baseline;

import org.diffusion4j.sde.BrownianPath;
import org.diffusion4j.sde.BrownianSource;
import org.diffusion4j.sde.CounterNormal;

/**
 * The Brownian tree as it was before the issue-24 speed work (commit 85c58f9), kept only so that
 * {@code SdeEngineBench tree} can measure old and new side by side in one run. Not for use.
 *
 * <p>Original class comment follows.
 *
 * A Brownian motion that can be queried on any interval, in any order, and always returns the
 * same values for the same seed: the virtual Brownian tree of Gaines &amp; Lyons (1997) as used
 * by torchsde's BrownianInterval and diffrax's VirtualBrownianTree, carrying the space-time Levy
 * area so that strong order 1.5 schemes see the exact time integral of W.
 *
 * <p>Each node of a dyadic bisection of [t0, t1] holds, per component, its increment w and its
 * space-time Levy area H = (1/h) int (W_r - W_a - (r-a)/h w) dr. The root draws w ~ N(0, T),
 * H ~ N(0, T/12); a node splits at r into (W1, H1) on [a, r] conditioned on (w, H) of the
 * parent (the Gaussian bridge of the pair; with h1 = r-a, h2 = b-r, h = h1+h2):
 * <pre>
 *   E[W1] = (h1/h) w + 6 h1 h2 / h^2 H        Var W1 = h1 h2/h - 3 h1^2 h2^2 / h^3
 *   E[H1] = (h1/h)^2 H                        Var H1 = h1/12 - h1^4 / (12 h^3)
 *   Cov(W1, H1) = -h1^3 h2 / (2 h^3)
 * </pre>
 * and (W2, H2) on [r, b] follow from w = W1 + W2 and
 * H = h2/(2h) W1 + h1/h H1 - h1/(2h) W2 + h2/h H2 (at the midpoint this is Foster's split,
 * W1 = w/2 + 3H/2 + sqrt(h)/4 Z). The random numbers of a node come from a counter-based
 * generator keyed by the node's seed, which is derived from its parent's, so a node has the same
 * value whichever query reached it first. Points are resolved by bisection until they hit a
 * node endpoint exactly (dyadic grids never need more) or the node is shorter than the
 * tolerance; then the point is drawn once from the bridge of that leaf (keyed by the point), so
 * two distinct non-dyadic points inside one leaf are only approximately jointly distributed,
 * with an error of order sqrt(tol).
 *
 * <p>Values are W(r) and Q(r) = int_t0^r W; increments are differences of these, so
 * W(s,u) = W(s,t) + W(t,u) up to rounding. Each path caches its last root-to-leaf branch with
 * the bridge state (W, Q, w, H) of every node on it, and the values at the last point queried,
 * as torchsde's BrownianInterval and diffrax cache recent intervals: an increment [s, t] after
 * one ending at s re-reads s, and resolving t only bisects below the common ancestor of s and t.
 * The cost per query is the depth below that ancestor, set by the leaf tolerance: see
 * {@link #forSpacing}. Normals come from {@link CounterNormal} (ziggurat, no generator state).
 */
public final class BrownianTreeBefore implements BrownianSource {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final int MAX_DEPTH = 62;
  private static final double INV_SQRT48 = 1.0 / Math.sqrt(48.0);

  private final long seed;
  private final int dim;
  private final double t0;
  private final double t1;
  private final double tol;
  /** sqrt of the nominal node length (t1 - t0) 2^-level, per level, for the midpoint split. */
  private final double[] sqrtLen = new double[MAX_DEPTH + 1];

  private BrownianTreeBefore(long seed, int dim, double t0, double t1, double tol) {
    if (dim < 1) {
      throw new IllegalArgumentException("Brownian dimension must be >= 1, got " + dim);
    }
    if (!(t1 > t0) || !Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException("Brownian tree needs finite t0 < t1, got t0=" + t0 + ", t1=" + t1);
    }
    if (!(tol > 0)) {
      throw new IllegalArgumentException("Brownian tree tolerance must be > 0, got " + tol);
    }
    this.seed = seed;
    this.dim = dim;
    this.t0 = t0;
    this.t1 = t1;
    this.tol = tol;
    for (int lev = 0; lev <= MAX_DEPTH; lev++) {
      sqrtLen[lev] = Math.sqrt(Math.scalb(t1 - t0, -lev));
    }
  }

  /**
   * A tree on [t0, t1] with leaf tolerance (t1 - t0) * 2^-24. Values are exactly distributed for
   * any set of query points no two of which share a leaf, i.e. spaced more than about
   * 6e-8 (t1 - t0) apart; dyadic grids (dt = (t1 - t0) 2^-k) are resolved in a few nodes per step.
   */
  public static BrownianTreeBefore of(long seed, int m, double t0, double t1) {
    return new BrownianTreeBefore(seed, m, t0, t1, (t1 - t0) * 0x1p-24);
  }

  /**
   * A tree for queries at least {@code spacing} apart, e.g. a fixed-step solve with dt = spacing:
   * leaves are the first dyadic level no longer than {@code spacing}, so no two such points share
   * a leaf and every value is exactly distributed, and a step costs about two bisections (a
   * default tree, resolved to 2^-24 of the interval, bisects about log2(dt 2^24 / T) times per
   * non-dyadic step: 14 at dt = 1e-3 T). Closer points are still consistent and reproducible,
   * only approximately jointly distributed.
   */
  public static BrownianTreeBefore forSpacing(long seed, int m, double t0, double t1, double spacing) {
    if (!(spacing > 0) || !Double.isFinite(spacing)) {
      throw new IllegalArgumentException("Brownian tree spacing must be positive and finite, got " + spacing);
    }
    return new BrownianTreeBefore(seed, m, t0, t1, spacing);
  }

  /** A tree with an explicit leaf tolerance. */
  public static BrownianTreeBefore of(long seed, int m, double t0, double t1, double tol) {
    return new BrownianTreeBefore(seed, m, t0, t1, tol);
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public boolean reproducible() {
    return true;
  }

  public double t0() {
    return t0;
  }

  public double t1() {
    return t1;
  }

  @Override
  public Path path(long index) {
    return new Path(mix(seed + GOLDEN * (index + 1)) ^ 0x2545F4914F6CDD1DL);
  }

  static long mix(long z) {
    return CounterNormal.mix(z);
  }

  /** One sample path; holds the cached branch of the tree. Not thread-safe. */
  public final class Path implements BrownianPath {
    private final long rootSeed;
    private final int m = dim;
    private final double[] a = new double[MAX_DEPTH + 1];
    private final double[] b = new double[MAX_DEPTH + 1];
    private final long[] key = new long[MAX_DEPTH + 1];
    // Per level and component: W(a), Q(a), increment w over [a, b], Levy area H over [a, b].
    private final double[] wa;
    private final double[] qa;
    private final double[] w;
    private final double[] hh;
    private int depth;
    private final double[] ws;
    private final double[] qs;
    private final double[] wt;
    private final double[] qt;
    // The last point queried and its values: an increment [s, t] after [., s] re-reads s from here.
    private double lastR = Double.NaN;
    private boolean lastHasQ;
    private final double[] lastW;
    private final double[] lastQ;

    Path(long rootSeed) {
      this.rootSeed = rootSeed;
      int size = (MAX_DEPTH + 1) * m;
      wa = new double[size];
      qa = new double[size];
      w = new double[size];
      hh = new double[size];
      ws = new double[m];
      qs = new double[m];
      wt = new double[m];
      qt = new double[m];
      lastW = new double[m];
      lastQ = new double[m];
      a[0] = t0;
      b[0] = t1;
      // The root's own values use rootSeed; its split uses a derived key (no shared counters).
      key[0] = mix(rootSeed + 0x3C6EF372FE94F82BL);
      double len = t1 - t0;
      double sw = Math.sqrt(len);
      double sh = Math.sqrt(len / 12.0);
      for (int j = 0; j < m; j++) {
        w[j] = sw * CounterNormal.normal(rootSeed, 2 * j);
        hh[j] = sh * CounterNormal.normal(rootSeed, 2 * j + 1);
      }
    }

    @Override
    public int dim() {
      return m;
    }

    /** W(r) - W(t0) into {@code wOut[off..]} and Q(r) = int_t0^r (W - W(t0)) into {@code qOut[off..]}. */
    public void value(double r, double[] wOut, double[] qOut, int off) {
      point(r, wOut, qOut, off, true);
    }

    /** As value(); without {@code withQ} the leaf skips the Levy area (W is the same either way). */
    private void point(double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      if (!(r >= t0 && r <= t1)) {
        throw new IllegalArgumentException("Brownian tree on [" + t0 + ", " + t1 + "] queried at t=" + r);
      }
      // Plain loops: m is usually 1, where System.arraycopy's call costs more than the copy.
      if (r == lastR && (lastHasQ || !withQ)) {
        for (int j = 0; j < m; j++) {
          wOut[off + j] = lastW[j];
          qOut[off + j] = lastQ[j];
        }
        return;
      }
      resolve(r, wOut, qOut, off, withQ);
      lastR = r;
      lastHasQ = withQ;
      for (int j = 0; j < m; j++) {
        lastW[j] = wOut[off + j];
        lastQ[j] = qOut[off + j];
      }
    }

    /** Walks up the cached branch to the node holding r, then bisects down to r. */
    private void resolve(double r, double[] wOut, double[] qOut, int off, boolean withQ) {
      int lev = depth;
      while (lev > 0 && !(a[lev] <= r && r <= b[lev])) {
        lev--;
      }
      while (true) {
        int o = lev * m;
        double al = a[lev];
        double bl = b[lev];
        if (r == al) {
          for (int j = 0; j < m; j++) {
            wOut[off + j] = wa[o + j];
            qOut[off + j] = qa[o + j];
          }
          break;
        }
        double len = bl - al;
        if (r == bl) {
          for (int j = 0; j < m; j++) {
            double w0 = wa[o + j];
            wOut[off + j] = w0 + w[o + j];
            qOut[off + j] = qa[o + j] + len * (w0 + 0.5 * w[o + j] + hh[o + j]);
          }
          break;
        }
        double mid = al + 0.5 * len;
        if (len <= tol || lev == MAX_DEPTH || !(mid > al && mid < bl)) {
          long leafKey = mix(key[lev] ^ Double.doubleToLongBits(r) * GOLDEN);
          double h1 = r - al;
          // The bridge of the class comment with x = h1/h, y = h2/h: coefficients shared by all components.
          double inv = 1.0 / len;
          double x = h1 * inv;
          double y = (bl - r) * inv;
          double meanWH = 6.0 * x * y;
          double meanHH = x * x;
          double l11 = Math.sqrt(Math.max(len * x * y * (1.0 - 3.0 * x * y), 0.0));
          if (!withQ) {
            for (int j = 0; j < m; j++) {
              double w1 = x * w[o + j] + meanWH * hh[o + j] + l11 * CounterNormal.normal(leafKey, 2 * j);
              wOut[off + j] = wa[o + j] + w1;
              qOut[off + j] = Double.NaN;
            }
            break;
          }
          double cov = -0.5 * len * x * x * x * y;
          double l21 = l11 > 0 ? cov / l11 : 0.0;
          double l22 = Math.sqrt(Math.max(len * x * (1.0 - x * x * x) / 12.0 - l21 * l21, 0.0));
          for (int j = 0; j < m; j++) {
            double wp = w[o + j];
            double hp = hh[o + j];
            double z1 = CounterNormal.normal(leafKey, 2 * j);
            double z2 = CounterNormal.normal(leafKey, 2 * j + 1);
            double w1 = x * wp + meanWH * hp + l11 * z1;
            double a1 = meanHH * hp + l21 * z1 + l22 * z2;
            double w0 = wa[o + j];
            wOut[off + j] = w0 + w1;
            qOut[off + j] = qa[o + j] + h1 * (w0 + 0.5 * w1 + a1);
          }
          break;
        }
        makeChild(lev, mid, r <= mid);
        lev++;
      }
      depth = lev;
    }

    /**
     * The child of node {@code lev} on its left or right half: the bridge formulas of the class
     * comment at h1 = h2 = h/2, W1 = w/2 + 3H/2 + sqrt(h)/4 Z1, H1 = H/4 - sqrt(h)/8 Z1
     * + sqrt(h/48) Z2, and W2 = w - W1, H2 = 2H - W1/2 - H1 + W2/2 (Foster's split).
     */
    private void makeChild(int lev, double mid, boolean left) {
      int o = lev * m;
      int c = o + m;
      double al = a[lev];
      double h1 = mid - al;
      double sq = sqrtLen[lev];
      double sdW = 0.25 * sq;
      double covH = -0.125 * sq;
      double sdH = sq * INV_SQRT48;
      long k = key[lev];
      for (int j = 0; j < m; j++) {
        double wp = w[o + j];
        double hp = hh[o + j];
        double z1 = CounterNormal.normal(k, 2 * j);
        double z2 = CounterNormal.normal(k, 2 * j + 1);
        double w1 = 0.5 * wp + 1.5 * hp + sdW * z1;
        double a1 = 0.25 * hp + covH * z1 + sdH * z2;
        if (left) {
          wa[c + j] = wa[o + j];
          qa[c + j] = qa[o + j];
          w[c + j] = w1;
          hh[c + j] = a1;
        } else {
          double w2 = wp - w1;
          double w0 = wa[o + j];
          wa[c + j] = w0 + w1;
          qa[c + j] = qa[o + j] + h1 * (w0 + 0.5 * w1 + a1);
          w[c + j] = w2;
          hh[c + j] = 2.0 * hp - 0.5 * w1 - a1 + 0.5 * w2;
        }
      }
      if (left) {
        a[lev + 1] = al;
        b[lev + 1] = mid;
        key[lev + 1] = mix(k + 0x632BE59BD9B4E019L);
      } else {
        a[lev + 1] = mid;
        b[lev + 1] = b[lev];
        key[lev + 1] = mix(k + 0x85157AF5D2B6E3C1L);
      }
    }

    @Override
    public void increment(double s, double t, double[] dw, int off) {
      point(s, ws, qs, 0, false);
      point(t, wt, qt, 0, false);
      for (int j = 0; j < m; j++) {
        dw[off + j] = wt[j] - ws[j];
      }
    }

    @Override
    public void increment(double s, double t, double[] dw, double[] iw, int off) {
      value(s, ws, qs, 0);
      value(t, wt, qt, 0);
      double h = t - s;
      for (int j = 0; j < m; j++) {
        dw[off + j] = wt[j] - ws[j];
        iw[off + j] = qt[j] - qs[j] - h * ws[j];
      }
    }
  }
}
