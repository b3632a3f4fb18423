package org.diffusion4j.sde.grad;

import java.util.Arrays;
import org.diffusion4j.sde.BrownianPath;
import org.diffusion4j.sde.BrownianTree;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.SdeSolve;

/**
 * Gradients of a loss of an SDE solve with respect to the term's parameters and the initial
 * state, by one of three {@link GradientRoute}s behind one API (torchsde's {@code sdeint} /
 * {@code sdeint_adjoint}, diffrax's {@code adjoint=...}):
 * <pre>
 *   SdeGradient.Result r = SdeGradient.of(term).route(GradientRoute.REVERSIBLE_HEUN)
 *       .t1(1).dt(0.01).y0(y0).paths(64).seed(3).saveAt(0.5, 1).run(loss);
 *   r.loss(); r.paramGradient(); r.y0Gradient(); r.saved();
 * </pre>
 * All paths are solved as one batch (row p uses path p of a {@link BrownianTree}, so a backward
 * pass can re-query any increment), on the fixed grid of {@link SdeSolve#grid}. Single-threaded:
 * the term's {@code drift}/{@code diffusion}/{@code vjp} see all rows at once, which is what a
 * network term wants.
 *
 * <p>Backward passes, with a = dL/dy:
 * <ul>
 *   <li>BACKPROP: y_{k+1} = y_k + f h + g dW, so a_k = a_{k+1} + vjp(y_k; a h, a dW), theta-bar
 *       accumulates the parameter part; states y_k come from a tape (n d (steps+1) doubles);</li>
 *   <li>ADJOINT: the augmented reverse-time SDE of Li et al. 2020 (eq. 8, Stratonovich),
 *       d(y, a, theta-bar) = (-f, a df/dy, a df/dtheta) dt + (-g, a dg/dy, a dg/dtheta) o dW run from
 *       t1 to t0 with stochastic Heun, y reconstructed on the way (backsolve);</li>
 *   <li>REVERSIBLE_HEUN: the reversible Heun step (y, z, mu, sigma) -> (y', z', mu', sigma') is
 *       inverted exactly (Kidger et al. 2021, Algorithm 2) and its adjoint is taken through the
 *       reconstructed step: one drift/diffusion evaluation and one VJP per step, no tape.</li>
 * </ul>
 * At a save time the loss gradient of the saved state is added to a. Diffusion layouts: d per
 * row (DIAGONAL, ADDITIVE, SCALAR).
 */
public final class SdeGradient {
  private final DifferentiableSdeTerm term;
  private GradientRoute route = GradientRoute.BACKPROP;
  private double t0 = 0.0;
  private double t1 = Double.NaN;
  private double dt = Double.NaN;
  private double[] y0;
  private int paths = 1;
  private long seed;
  private BrownianTree brownian;
  private double[] saveAt;

  private SdeGradient(DifferentiableSdeTerm term) {
    if (term == null) {
      throw new IllegalArgumentException("SDE term must not be null");
    }
    if (term.noiseType() == NoiseType.GENERAL) {
      throw new IllegalArgumentException("gradient routes support DIAGONAL, ADDITIVE or SCALAR noise, got GENERAL");
    }
    this.term = term;
  }

  public static SdeGradient of(DifferentiableSdeTerm term) {
    return new SdeGradient(term);
  }

  public SdeGradient route(GradientRoute r) {
    if (r == null) {
      throw new IllegalArgumentException("gradient route must not be null");
    }
    this.route = r;
    return this;
  }

  public SdeGradient t0(double t) {
    this.t0 = t;
    return this;
  }

  public SdeGradient t1(double t) {
    this.t1 = t;
    return this;
  }

  public SdeGradient dt(double h) {
    this.dt = h;
    return this;
  }

  /** Initial state: d values shared by all paths, or paths * d values. */
  public SdeGradient y0(double... y) {
    this.y0 = y.clone();
    return this;
  }

  public SdeGradient paths(int n) {
    this.paths = n;
    return this;
  }

  /** Seed of the default Brownian tree ({@code BrownianTree.forSpacing(seed, m, t0, t1, dt)}). */
  public SdeGradient seed(long s) {
    this.seed = s;
    return this;
  }

  /** An explicit Brownian tree on [t0, t1] (row p uses its path p). */
  public SdeGradient brownian(BrownianTree b) {
    this.brownian = b;
    return this;
  }

  /** Save times (strictly increasing, within [t0, t1]); default {t1}. */
  public SdeGradient saveAt(double... ts) {
    this.saveAt = ts.clone();
    return this;
  }

  /** The loss, its gradients and the saved states of one solve. */
  public static final class Result {
    private final double loss;
    private final double[] paramGradient;
    private final double[] y0Gradient;
    private final double[] saved;
    private final double[] saveTimes;
    private final long tapeDoubles;

    Result(double loss, double[] paramGradient, double[] y0Gradient, double[] saved, double[] saveTimes, long tapeDoubles) {
      this.loss = loss;
      this.paramGradient = paramGradient;
      this.y0Gradient = y0Gradient;
      this.saved = saved;
      this.saveTimes = saveTimes;
      this.tapeDoubles = tapeDoubles;
    }

    public double loss() {
      return loss;
    }

    /** dL/dtheta (P values). */
    public double[] paramGradient() {
      return paramGradient.clone();
    }

    /** dL/dy0 (paths * d values). */
    public double[] y0Gradient() {
      return y0Gradient.clone();
    }

    /** The saved states, paths x saves x d. */
    public double[] saved() {
      return saved.clone();
    }

    public double[] saveTimes() {
      return saveTimes.clone();
    }

    /** Doubles kept from the forward pass for the backward one (the tape): n d (steps+1) for BACKPROP, 0 otherwise. */
    public long tapeDoubles() {
      return tapeDoubles;
    }
  }

  /** Runs the forward solve, evaluates {@code loss} on the saved states and runs the backward pass. */
  public Result run(PathLoss loss) {
    if (loss == null) {
      throw new IllegalArgumentException("loss must not be null");
    }
    final int d = term.dim();
    if (!Double.isFinite(t0) || !Double.isFinite(t1) || !(t1 > t0)) {
      throw new IllegalArgumentException("need finite t0 < t1, got t0=" + t0 + ", t1=" + t1);
    }
    if (!(dt > 0) || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("dt must be positive and finite, got " + dt);
    }
    if (paths < 1) {
      throw new IllegalArgumentException("paths must be >= 1, got " + paths);
    }
    SdeSolve.checkInitialState(y0, d, paths);
    checkCalculus();
    double[] saves = saveAt == null ? new double[] {t1} : saveAt.clone();
    SdeSolve.checkSaveTimes(saves, t0, t1);
    int m = term.noiseDim();
    BrownianTree tree = brownian != null ? brownian : BrownianTree.forSpacing(seed, m, t0, t1, dt);
    if (tree.dim() != m) {
      throw new IllegalArgumentException("Brownian tree has " + tree.dim() + " components but the term needs " + m);
    }
    if (tree.t0() > t0 || tree.t1() < t1) {
      throw new IllegalArgumentException("Brownian tree covers [" + tree.t0() + ", " + tree.t1() + "], the solve needs [" + t0 + ", " + t1 + "]");
    }
    double[] grid = SdeSolve.grid(t0, t1, dt, saves);
    int[] slot = slots(grid, saves);
    Pass pass = new Pass(tree, grid, slot, saves.length);
    switch (route) {
      case BACKPROP:
        return pass.backprop(loss, saves);
      case ADJOINT:
        return pass.adjoint(loss, saves);
      default:
        return pass.reversible(loss, saves);
    }
  }

  private void checkCalculus() {
    boolean additive = term.noiseType() == NoiseType.ADDITIVE;
    if (additive) {
      return;
    }
    Calculus need = route == GradientRoute.BACKPROP ? Calculus.ITO : Calculus.STRATONOVICH;
    if (term.calculus() != need) {
      throw new IllegalArgumentException("gradient route " + route.cliName() + " solves " + need + " SDEs (or additive noise), but the term is "
          + term.calculus() + " with " + term.noiseType() + " noise; use " + (need == Calculus.ITO ? "adjoint or reversible-heun" : "backprop"));
    }
  }

  private static int[] slots(double[] grid, double[] saves) {
    int[] slot = new int[grid.length];
    Arrays.fill(slot, -1);
    for (int s = 0, k = 0; s < saves.length; s++) {
      while (k < grid.length && grid[k] < saves[s]) {
        k++;
      }
      slot[k < grid.length && grid[k] == saves[s] ? k : 0] = s;
    }
    return slot;
  }

  /** One run's working arrays (all O(n d) except the BACKPROP tape). */
  private final class Pass {
    final int d = term.dim();
    final int n = paths;
    final int nd = n * d;
    final int m = term.noiseDim();
    final boolean scalar = term.noiseType() == NoiseType.SCALAR;
    final int p = term.paramCount();
    final double[] grid;
    final int[] slot;
    final int nSaves;
    final BrownianPath[] bp;
    final double[] dw;
    final double[] saved;
    final double[] savedGrad;

    Pass(BrownianTree tree, double[] grid, int[] slot, int nSaves) {
      this.grid = grid;
      this.slot = slot;
      this.nSaves = nSaves;
      bp = new BrownianPath[n];
      for (int r = 0; r < n; r++) {
        bp[r] = tree.path(r);
      }
      dw = new double[n * m];
      saved = new double[nd * nSaves];
      savedGrad = new double[nd * nSaves];
    }

    void increments(int k) {
      for (int r = 0; r < n; r++) {
        bp[r].increment(grid[k], grid[k + 1], dw, r * m);
      }
    }

    /** The noise value that multiplies state element k = r d + i. */
    double dW(int k) {
      return scalar ? dw[k / d] : dw[k];
    }

    void initial(double[] y) {
      if (y0.length == d) {
        for (int r = 0; r < n; r++) {
          System.arraycopy(y0, 0, y, r * d, d);
        }
      } else {
        System.arraycopy(y0, 0, y, 0, nd);
      }
    }

    void save(double[] y, int k) {
      int s = slot[k];
      if (s >= 0) {
        for (int r = 0; r < n; r++) {
          System.arraycopy(y, r * d, saved, (r * nSaves + s) * d, d);
        }
      }
    }

    /** a += dL/dy at grid point k if it is a save time. */
    void inject(double[] a, int k) {
      int s = slot[k];
      if (s >= 0) {
        for (int r = 0; r < n; r++) {
          for (int i = 0; i < d; i++) {
            a[r * d + i] += savedGrad[(r * nSaves + s) * d + i];
          }
        }
      }
    }

    double evaluate(PathLoss loss) {
      double v = loss.evaluate(saved.clone(), savedGrad);
      if (!Double.isFinite(v)) {
        throw new IllegalStateException("loss is not finite: " + v);
      }
      return v;
    }

    /** The y0 gradient is per path (paths * d) even when y0 is shared; the shared one is the sum over paths. */
    Result result(double value, double[] pBar, double[] a, double[] saves, long tape) {
      return new Result(value, pBar, a, saved, saves, tape);
    }

    Result backprop(PathLoss loss, double[] saves) {
      int steps = grid.length - 1;
      double[] tape = new double[(steps + 1) * nd];
      double[] y = new double[nd];
      double[] f = new double[nd];
      double[] g = new double[nd];
      initial(y);
      save(y, 0);
      System.arraycopy(y, 0, tape, 0, nd);
      for (int k = 0; k < steps; k++) {
        double t = grid[k];
        double h = grid[k + 1] - t;
        increments(k);
        term.drift(t, y, f, n);
        term.diffusion(t, y, g, n);
        for (int q = 0; q < nd; q++) {
          y[q] += f[q] * h + g[q] * dW(q);
        }
        checkFinite(y, grid[k + 1]);
        System.arraycopy(y, 0, tape, (k + 1) * nd, nd);
        save(y, k + 1);
      }
      double value = evaluate(loss);
      double[] a = new double[nd];
      double[] pBar = new double[p];
      double[] fc = f;
      double[] gc = g;
      double[] yBar = new double[nd];
      inject(a, steps);
      term.beginBackward();
      for (int k = steps - 1; k >= 0; k--) {
        double t = grid[k];
        double h = grid[k + 1] - t;
        increments(k);
        for (int q = 0; q < nd; q++) {
          fc[q] = a[q] * h;
          gc[q] = a[q] * dW(q);
        }
        System.arraycopy(tape, k * nd, y, 0, nd);
        term.vjp(t, y, fc, gc, yBar, pBar, n);
        for (int q = 0; q < nd; q++) {
          a[q] += yBar[q];
        }
        inject(a, k);
      }
      term.endBackward(pBar);
      return result(value, pBar, a, saves, tape.length);
    }

    Result adjoint(PathLoss loss, double[] saves) {
      int steps = grid.length - 1;
      double[] y = new double[nd];
      double[] f = new double[nd];
      double[] g = new double[nd];
      initial(y);
      save(y, 0);
      // Forward: reversible Heun is not needed here; any Stratonovich scheme converging to the
      // same solution would do. Stochastic Heun is used, as in the backward pass.
      double[] y1 = new double[nd];
      double[] f1 = new double[nd];
      double[] g1 = new double[nd];
      for (int k = 0; k < steps; k++) {
        double t = grid[k];
        double h = grid[k + 1] - t;
        increments(k);
        term.drift(t, y, f, n);
        term.diffusion(t, y, g, n);
        for (int q = 0; q < nd; q++) {
          y1[q] = y[q] + f[q] * h + g[q] * dW(q);
        }
        term.drift(t + h, y1, f1, n);
        term.diffusion(t + h, y1, g1, n);
        for (int q = 0; q < nd; q++) {
          y[q] += 0.5 * ((f[q] + f1[q]) * h + (g[q] + g1[q]) * dW(q));
        }
        checkFinite(y, grid[k + 1]);
        save(y, k + 1);
      }
      double value = evaluate(loss);
      // Backward: X = (y, a, pBar) in reverse time, Heun on Phi(t, X) = (-f h - g dW, vjp(a h, a dW)).
      double[] a = new double[nd];
      double[] pBar = new double[p];
      double[] dy0 = new double[nd];
      double[] da0 = new double[nd];
      double[] dp0 = new double[p];
      double[] a1 = new double[nd];
      double[] fc = new double[nd];
      double[] gc = new double[nd];
      double[] dp1 = new double[p];
      double[] dy1 = new double[nd];
      double[] da1 = new double[nd];
      inject(a, steps);
      term.beginBackward();
      for (int k = steps - 1; k >= 0; k--) {
        double t = grid[k + 1];
        double h = t - grid[k];
        increments(k);
        Arrays.fill(dp0, 0.0);
        phi(t, h, y, a, f, g, fc, gc, dy0, da0, dp0);
        for (int q = 0; q < nd; q++) {
          y1[q] = y[q] + dy0[q];
          a1[q] = a[q] + da0[q];
        }
        Arrays.fill(dp1, 0.0);
        phi(t - h, h, y1, a1, f1, g1, fc, gc, dy1, da1, dp1);
        for (int q = 0; q < nd; q++) {
          y[q] += 0.5 * (dy0[q] + dy1[q]);
          a[q] += 0.5 * (da0[q] + da1[q]);
        }
        for (int j = 0; j < p; j++) {
          pBar[j] += 0.5 * (dp0[j] + dp1[j]);
        }
        inject(a, k);
      }
      term.endBackward(pBar);
      return result(value, pBar, a, saves, 0);
    }

    /**
     * The reverse-time increment at (t, y, a): dy = -f h - g dW, da = vjp_y(a h, a dW),
     * dp += vjp_theta(a h, a dW).
     */
    private void phi(double t, double h, double[] y, double[] a, double[] f, double[] g, double[] fc, double[] gc,
        double[] dy, double[] da, double[] dp) {
      term.drift(t, y, f, n);
      term.diffusion(t, y, g, n);
      for (int q = 0; q < nd; q++) {
        double w = dW(q);
        dy[q] = -f[q] * h - g[q] * w;
        fc[q] = a[q] * h;
        gc[q] = a[q] * w;
      }
      term.vjp(t, y, fc, gc, da, dp, n);
    }

    Result reversible(PathLoss loss, double[] saves) {
      int steps = grid.length - 1;
      double[] y = new double[nd];
      double[] z = new double[nd];
      double[] mu = new double[nd];
      double[] sg = new double[nd];
      double[] mu1 = new double[nd];
      double[] sg1 = new double[nd];
      initial(y);
      save(y, 0);
      System.arraycopy(y, 0, z, 0, nd);
      term.drift(grid[0], z, mu, n);
      term.diffusion(grid[0], z, sg, n);
      for (int k = 0; k < steps; k++) {
        double t = grid[k];
        double h = grid[k + 1] - t;
        increments(k);
        for (int q = 0; q < nd; q++) {
          z[q] = 2.0 * y[q] - z[q] + mu[q] * h + sg[q] * dW(q);
        }
        term.drift(t + h, z, mu1, n);
        term.diffusion(t + h, z, sg1, n);
        for (int q = 0; q < nd; q++) {
          y[q] += 0.5 * ((mu[q] + mu1[q]) * h + (sg[q] + sg1[q]) * dW(q));
        }
        double[] x = mu;
        mu = mu1;
        mu1 = x;
        x = sg;
        sg = sg1;
        sg1 = x;
        checkFinite(y, grid[k + 1]);
        save(y, k + 1);
      }
      double value = evaluate(loss);
      // Cotangents of (y, z, mu, sigma) after step k+1; Kidger et al. 2021, Algorithm 2.
      double[] yb = new double[nd];
      double[] zb = new double[nd];
      double[] mub = new double[nd];
      double[] sgb = new double[nd];
      double[] mc = new double[nd];
      double[] sc = new double[nd];
      double[] zx = new double[nd];
      double[] pBar = new double[p];
      inject(yb, steps);
      term.beginBackward();
      for (int k = steps - 1; k >= 0; k--) {
        double t1k = grid[k + 1];
        double h = t1k - grid[k];
        increments(k);
        // Adjoint of y' = y + (mu + mu') h/2 + (sigma + sigma') dW/2 and of (mu', sigma') = (f, g)(t', z').
        for (int q = 0; q < nd; q++) {
          mc[q] = mub[q] + 0.5 * h * yb[q];
          sc[q] = sgb[q] + 0.5 * dW(q) * yb[q];
        }
        term.vjp(t1k, z, mc, sc, zx, pBar, n);
        // Invert the step: z = 2y' - z' - mu' h - sigma' dW, (mu, sigma) = (f, g)(t, z), y = y' - ...
        for (int q = 0; q < nd; q++) {
          z[q] = 2.0 * y[q] - z[q] - mu[q] * h - sg[q] * dW(q);
        }
        term.drift(grid[k], z, mu1, n);
        term.diffusion(grid[k], z, sg1, n);
        for (int q = 0; q < nd; q++) {
          y[q] -= 0.5 * ((mu[q] + mu1[q]) * h + (sg[q] + sg1[q]) * dW(q));
        }
        double[] x = mu;
        mu = mu1;
        mu1 = x;
        x = sg;
        sg = sg1;
        sg1 = x;
        // Adjoint of z' = 2y - z + mu h + sigma dW with Z = zBar' + the VJP above.
        for (int q = 0; q < nd; q++) {
          double zz = zb[q] + zx[q];
          double w = dW(q);
          mub[q] = 0.5 * h * yb[q] + h * zz;
          sgb[q] = 0.5 * w * yb[q] + w * zz;
          yb[q] += 2.0 * zz;
          zb[q] = -zz;
        }
        inject(yb, k);
      }
      // (mu0, sigma0) = (f, g)(t0, z0) with z0 = y0.
      term.vjp(grid[0], z, mub, sgb, zx, pBar, n);
      term.endBackward(pBar);
      for (int q = 0; q < nd; q++) {
        yb[q] += zb[q] + zx[q];
      }
      return result(value, pBar, yb, saves, 0);
    }

    private void checkFinite(double[] y, double t) {
      for (int q = 0; q < nd; q++) {
        if (!Double.isFinite(y[q])) {
          throw new IllegalStateException("state became non-finite at t=" + t + " (path " + q / d + ", component " + q % d + ")");
        }
      }
    }
  }
}
