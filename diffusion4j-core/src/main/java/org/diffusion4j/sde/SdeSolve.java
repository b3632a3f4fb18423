package org.diffusion4j.sde;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.progress.ProgressListener;

/**
 * Monte Carlo solve of an SDE over many paths, diffrax style: a term ({@link SdeTerm}), a solver
 * ({@link Solver}), a Brownian source, a step-size rule (fixed dt or {@link PidController}) and
 * save-at times. Paths are processed in blocks on all cores; path p always uses Brownian path p
 * of the source, so the result is bitwise identical for a seed at any thread count.
 *
 * <pre>
 *   SdeSolution s = SdeSolve.of(term).solver(Solver.MILSTEIN).t1(1).dt(1e-3)
 *       .y0(1.0).paths(100_000).seed(1).saveAt(0.25, 0.5, 1).run();
 * </pre>
 */
public final class SdeSolve {
  private static final double INV_SQRT12 = 1.0 / Math.sqrt(12.0);
  private final SdeTerm term;
  private Solver solver;
  private double t0 = 0.0;
  private double t1 = Double.NaN;
  private double dt = Double.NaN;
  private PidController controller;
  private double[] y0;
  private int paths = 1;
  private long seed;
  private BrownianSource brownian;
  private double[] saveAt;
  private ProgressListener progress = ProgressListener.NONE;
  private int blockRows = 0; // 0: about 4096 state values per block, 4..64 paths

  private SdeSolve(SdeTerm term) {
    if (term == null) {
      throw new IllegalArgumentException("SDE term must not be null");
    }
    this.term = term;
  }

  /** Starts a solve of {@code term}. */
  public static SdeSolve of(SdeTerm term) {
    return new SdeSolve(term);
  }

  /** The scheme (default: {@link Solver#defaultFor(SdeTerm, boolean)}). */
  public SdeSolve solver(Solver s) {
    this.solver = s;
    return this;
  }

  public SdeSolve t0(double t) {
    this.t0 = t;
    return this;
  }

  public SdeSolve t1(double t) {
    this.t1 = t;
    return this;
  }

  /** Fixed step size (the last step and steps ending at save times are shortened to land on them). */
  public SdeSolve dt(double h) {
    this.dt = h;
    return this;
  }

  /** Adaptive steps with this controller (needs a reproducible Brownian source; the default is a tree). */
  public SdeSolve controller(PidController c) {
    this.controller = c;
    return this;
  }

  /** Initial state: d values shared by all paths, or paths * d values (one row per path). */
  public SdeSolve y0(double... y) {
    this.y0 = y.clone();
    return this;
  }

  public SdeSolve paths(int n) {
    this.paths = n;
    return this;
  }

  /** Seed of the default Brownian source. */
  public SdeSolve seed(long s) {
    this.seed = s;
    return this;
  }

  /** An explicit Brownian source (e.g. a shared {@link BrownianTree} to compare solvers on one path). */
  public SdeSolve brownian(BrownianSource b) {
    this.brownian = b;
    return this;
  }

  /** Times at which to save the state (sorted, within [t0, t1]); default {t1}. */
  public SdeSolve saveAt(double... ts) {
    this.saveAt = ts.clone();
    return this;
  }

  public SdeSolve progress(ProgressListener l) {
    this.progress = l == null ? ProgressListener.NONE : l;
    return this;
  }

  /** Paths per block (default: about 4096 state values, between 4 and 64 paths, so the working set stays in cache). */
  public SdeSolve blockRows(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("blockRows must be >= 1, got " + n);
    }
    this.blockRows = n;
    return this;
  }

  /** Validates the set-up and runs it on the current fork-join pool (or the common pool). */
  public SdeSolution run() {
    final int d = term.dim();
    final int m = term.noiseDim();
    if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException("t0 and t1 must be finite, got t0=" + t0 + ", t1=" + t1);
    }
    if (!(t1 > t0)) {
      throw new IllegalArgumentException("t1 must be greater than t0, got t0=" + t0 + ", t1=" + t1);
    }
    if (controller == null) {
      if (Double.isNaN(dt)) {
        throw new IllegalArgumentException("set a fixed step dt or an adaptive controller");
      }
      if (!(dt > 0) || !Double.isFinite(dt)) {
        throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
      }
    }
    if (paths < 1) {
      throw new IllegalArgumentException("paths must be >= 1, got " + paths);
    }
    checkInitialState(y0, d, paths);
    final Solver s = solver != null ? solver : Solver.defaultFor(term, controller != null);
    s.check(term);
    final double[] saves = saveAt == null ? new double[] {t1} : saveAt.clone();
    checkSaveTimes(saves, t0, t1);
    BrownianSource src = brownian;
    if (src == null) {
      src = controller != null ? BrownianTree.of(seed, m, t0, t1) : BrownianIncrements.of(seed, m);
    }
    if (src.dim() != m) {
      throw new IllegalArgumentException("Brownian source has " + src.dim() + " components but the term needs " + m);
    }
    if (controller != null) {
      if (!src.reproducible()) {
        throw new IllegalArgumentException("adaptive stepping needs a reproducible Brownian source "
            + "(a BrownianTree): rejected steps must re-query the same path");
      }
      s.checkAdaptive(term);
    }
    final BrownianSource source = src;
    final double[] values = new double[Math.multiplyExact(Math.multiplyExact(paths, saves.length), d)];
    final AtomicLong done = new AtomicLong();
    final AtomicLong steps = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final Object progressLock = new Object();
    final int total = paths;
    final int block = blockRows > 0 ? blockRows : Math.max(4, Math.min(64, 4096 / d));
    final double[] grid = controller == null ? grid(t0, t1, dt, saves) : null;
    final int[] slot = grid == null ? null : slots(grid, saves);
    Parallel.forRows(paths, block, (from, to) -> {
      for (int b = from; b < to; b += block) {
        int n = Math.min(block, to - b);
        if (grid != null) {
          runFixed(s, source, grid, slot, saves.length, b, n, values);
          steps.addAndGet((long) n * (grid.length - 1));
        } else {
          runAdaptive(s, source, saves, b, n, values, steps, rejected);
        }
        long now = done.addAndGet(n);
        synchronized (progressLock) {
          progress.onProgress(now, total, "paths " + now + "/" + total);
        }
      }
    });
    return new SdeSolution(saves, paths, d, values, steps.get(), rejected.get());
  }

  /**
   * Throws IllegalArgumentException unless {@code y0} has d values (shared by all paths) or
   * paths * d values, all finite (also used by {@code sde.grad.SdeGradient}).
   */
  public static void checkInitialState(double[] y0, int d, int paths) {
    if (y0 == null || (y0.length != d && y0.length != (long) paths * d)) {
      throw new IllegalArgumentException("y0 must have " + d + " values (or paths*d = " + ((long) paths * d)
          + "), got " + (y0 == null ? "none" : y0.length));
    }
    for (int i = 0; i < y0.length; i++) {
      if (!Double.isFinite(y0[i])) {
        throw new IllegalArgumentException("y0[" + i + "] is not finite: " + y0[i]);
      }
    }
  }

  /** Throws IllegalArgumentException unless the save times are non-empty, strictly increasing and within [t0, t1]. */
  public static void checkSaveTimes(double[] saves, double t0, double t1) {
    if (saves.length == 0) {
      throw new IllegalArgumentException("save-at needs at least one time");
    }
    for (int i = 0; i < saves.length; i++) {
      if (!(saves[i] >= t0 && saves[i] <= t1)) {
        throw new IllegalArgumentException("save time " + saves[i] + " is outside [t0, t1] = [" + t0 + ", " + t1 + "]");
      }
      if (i > 0 && !(saves[i] > saves[i - 1])) {
        throw new IllegalArgumentException("save times must be strictly increasing, got " + saves[i - 1] + " then " + saves[i]);
      }
    }
  }

  /** The fixed-step grid: t0 + k dt, with the save times inserted and t1 last (also used by {@code sde.grad}). */
  public static double[] grid(double t0, double t1, double dt, double[] saves) {
    long k = (long) Math.ceil((t1 - t0) / dt * (1 - 1e-12));
    if (k > 500_000_000L) {
      throw new IllegalArgumentException("dt=" + dt + " gives " + k + " steps over [" + t0 + ", " + t1 + "]: too many");
    }
    double[] g = new double[(int) k + 1 + saves.length];
    int c = 0;
    for (long i = 0; i < k; i++) {
      g[c++] = t0 + i * dt;
    }
    g[c++] = t1;
    for (double sv : saves) {
      g[c++] = sv;
    }
    Arrays.sort(g, 0, c);
    // Merge points closer than a relative 1e-9 of dt (the save time wins: it is what the user asked for).
    double[] out = new double[c];
    int o = 0;
    double eps = dt * 1e-9;
    for (int i = 0; i < c; i++) {
      if (o > 0 && g[i] - out[o - 1] <= eps) {
        if (Arrays.binarySearch(saves, g[i]) >= 0 || g[i] == t1) {
          out[o - 1] = g[i];
        }
        continue;
      }
      out[o++] = g[i];
    }
    if (out[0] != t0) {
      // t0 merged into a save time just above it: keep t0 as the start.
      out[0] = t0;
    }
    return Arrays.copyOf(out, o);
  }

  private static int[] slots(double[] grid, double[] saves) {
    int[] slot = new int[grid.length];
    Arrays.fill(slot, -1);
    for (int s = 0, k = 0; s < saves.length; s++) {
      while (k < grid.length && grid[k] < saves[s]) {
        k++;
      }
      if (k < grid.length && grid[k] == saves[s]) {
        slot[k] = s;
      } else {
        // saves[s] == t0 merged with the start.
        slot[0] = s;
      }
    }
    return slot;
  }

  private void initRows(double[] y, int first, int n, int d) {
    if (y0.length == d) {
      for (int r = 0; r < n; r++) {
        System.arraycopy(y0, 0, y, r * d, d);
      }
    } else {
      System.arraycopy(y0, first * d, y, 0, n * d);
    }
  }

  private void runFixed(Solver s, BrownianSource source, double[] grid, int[] slot, int nSaves,
      int first, int n, double[] values) {
    int d = term.dim();
    int m = term.noiseDim();
    Stepper stepper = s.stepper(term, n);
    double[] y = new double[n * d];
    double[] dw = new double[n * m];
    double[] iw = s.needsTimeIntegral() ? new double[n * m] : null;
    BrownianPath[] bp = new BrownianPath[n];
    long[] keys = source instanceof BrownianIncrements ? new long[n] : null;
    long[] pairHashes = keys != null && iw == null && m == 1 ? new long[n] : null;
    for (int r = 0; r < n; r++) {
      if (keys != null) {
        keys[r] = ((BrownianIncrements) source).key(first + r);
      } else {
        bp[r] = source.path(first + r);
      }
    }
    initRows(y, first, n, d);
    stepper.start(grid[0], y, n);
    if (slot[0] >= 0) {
      save(y, first, n, d, slot[0], nSaves, values);
    }
    final int perStep = iw == null ? m : 2 * m;
    for (int k = 0; k + 1 < grid.length; k++) {
      double t = grid[k];
      double tn = grid[k + 1];
      if (keys != null) {
        // Plain increments: one sqrt per step for the block, the normals of every path's
        // counter-based stream at counters k*perStep + ... (the same numbers, in the same order,
        // as BrownianIncrements.Path gives), in one loop with no generator state.
        double h = tn - t;
        double sq = Math.sqrt(h);
        long c0 = (long) k * perStep;
        if (iw == null && m == 1) {
          // One normal per step: an even step hashes the pair (c0, c0 + 1) and keeps the hash, the
          // odd step after it takes the other half (CounterNormal.normal32's stream, one hash per two steps).
          if ((c0 & 1) == 0) {
            long pair = c0 >>> 1;
            for (int r = 0; r < n; r++) {
              long ph = CounterNormal.pairHash(keys[r], pair);
              pairHashes[r] = ph;
              dw[r] = sq * CounterNormal.low(ph);
            }
          } else {
            for (int r = 0; r < n; r++) {
              dw[r] = sq * CounterNormal.high(pairHashes[r]);
            }
          }
        } else if (iw == null) {
          for (int r = 0; r < n; r++) {
            long key = keys[r];
            for (int j = 0; j < m; j++) {
              dw[r * m + j] = sq * CounterNormal.normal32(key, c0 + j);
            }
          }
        } else {
          double sa = sq * INV_SQRT12;
          for (int r = 0; r < n; r++) {
            long key = keys[r];
            for (int j = 0; j < m; j++) {
              double w = sq * CounterNormal.normal32(key, c0 + 2 * j);
              double area = sa * CounterNormal.normal32(key, c0 + 2 * j + 1);
              dw[r * m + j] = w;
              iw[r * m + j] = h * (0.5 * w + area);
            }
          }
        }
      } else if (iw == null) {
        for (int r = 0; r < n; r++) {
          bp[r].increment(t, tn, dw, r * m);
        }
      } else {
        for (int r = 0; r < n; r++) {
          bp[r].increment(t, tn, dw, iw, r * m);
        }
      }
      stepper.step(t, tn - t, y, dw, iw, n);
      checkFinite(y, n * d, d, tn, k + 1, first);
      if (slot[k + 1] >= 0) {
        save(y, first, n, d, slot[k + 1], nSaves, values);
      }
    }
  }

  private static void save(double[] y, int first, int n, int d, int s, int nSaves, double[] values) {
    for (int r = 0; r < n; r++) {
      System.arraycopy(y, r * d, values, ((first + r) * nSaves + s) * d, d);
    }
  }

  private static void checkFinite(double[] y, int len, int d, double t, long step, int first) {
    // y * 0 is NaN iff y is NaN or infinite; four sums break the add-latency chain.
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int k = 0;
    for (; k + 3 < len; k += 4) {
      a0 += y[k] * 0.0;
      a1 += y[k + 1] * 0.0;
      a2 += y[k + 2] * 0.0;
      a3 += y[k + 3] * 0.0;
    }
    for (; k < len; k++) {
      a0 += y[k] * 0.0;
    }
    double acc = a0 + a1 + a2 + a3;
    if (acc != acc) {
      for (int i = 0; i < len; i++) {
        if (!Double.isFinite(y[i])) {
          throw new NonFiniteStateException(t, step, first + i / d, i % d);
        }
      }
    }
  }

  private void runAdaptive(Solver s, BrownianSource source, double[] saves, int first, int n,
      double[] values, AtomicLong steps, AtomicLong rejected) {
    int d = term.dim();
    int m = term.noiseDim();
    PidController c = controller;
    Stepper stepper = s.stepper(term, 1);
    double[] y = new double[d];
    double[] full = new double[d];
    double[] half = new double[d];
    double[] dw = new double[m];
    double[] iw = new double[m];
    double order = s.strongOrder(term);
    long acc = 0;
    long rej = 0;
    for (int r = 0; r < n; r++) {
      int p = first + r;
      BrownianPath bp = source.path(p);
      if (y0.length == d) {
        System.arraycopy(y0, 0, y, 0, d);
      } else {
        System.arraycopy(y0, p * d, y, 0, d);
      }
      double t = t0;
      double h = Math.min(c.dt0(), t1 - t0);
      double errPrev = 1.0;
      int next = 0;
      if (saves[0] == t0) {
        System.arraycopy(y, 0, values, (p * saves.length) * d, d);
        next = 1;
      }
      long k = 0;
      while (next < saves.length) {
        double stop = saves[next];
        double hh = Math.min(h, stop - t);
        boolean hits = hh >= stop - t || stop - (t + hh) < 1e-12 * (t1 - t0);
        double tn = hits ? stop : t + hh;
        hh = tn - t;
        double tm = t + 0.5 * hh;
        if (!(tm > t && tn > tm)) {
          throw new IllegalStateException("adaptive step size underflow at t=" + t + " on path " + p
              + " (step " + hh + "): the SDE is too stiff for rtol=" + c.rtol() + ", atol=" + c.atol());
        }
        System.arraycopy(y, 0, full, 0, d);
        bp.increment(t, tn, dw, iw, 0);
        stepper.step(t, hh, full, dw, iw, 1);
        System.arraycopy(y, 0, half, 0, d);
        bp.increment(t, tm, dw, iw, 0);
        stepper.step(t, tm - t, half, dw, iw, 1);
        bp.increment(tm, tn, dw, iw, 0);
        stepper.step(tm, tn - tm, half, dw, iw, 1);
        double sum = 0;
        for (int i = 0; i < d; i++) {
          double scale = c.atol() + c.rtol() * Math.max(Math.abs(y[i]), Math.abs(half[i]));
          double e = (full[i] - half[i]) / scale;
          sum += e * e;
        }
        double err = Math.sqrt(sum / d);
        if (err <= 1.0 || hh <= c.dtMin()) {
          k++;
          checkFinite(half, d, d, tn, k, p);
          System.arraycopy(half, 0, y, 0, d);
          t = tn;
          acc++;
          if (hits) {
            System.arraycopy(y, 0, values, (p * saves.length + next) * d, d);
            next++;
          }
          h = hh * c.factor(err, errPrev, order, true);
          errPrev = Math.max(err, 1e-4);
        } else {
          rej++;
          h = err == err ? hh * c.factor(err, errPrev, order, false) : hh * c.factorMin();
        }
        h = Math.max(c.dtMin(), Math.min(c.dtMax(), h));
      }
    }
    steps.addAndGet(acc);
    rejected.addAndGet(rej);
  }
}
