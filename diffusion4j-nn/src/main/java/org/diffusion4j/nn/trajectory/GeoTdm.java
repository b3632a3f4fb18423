package org.diffusion4j.nn.trajectory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.nbody.Trajectories;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.control.DdpmSchedule;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Egtn;
import org.diffusion4j.nn.net.EgtnConfig;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;

/**
 * GeoTDM, geometric trajectory diffusion (Han et al. 2024; official code hanjq17/GeoTDM,
 * diffusion/GeoTDM.py), a DDPM over trajectories x (n, F, N, 3) with an {@link Egtn} predicting
 * the noise (ModelMeanType.EPSILON, MSE loss), in one of three prior modes:
 * <ul>
 *   <li>{@link Prior#NONE}, unconditional: data, noise and the network output are projected onto
 *       the zero centre-of-mass subspace (mean over frames and particles removed,
 *       {@code project_to_subspace}), which makes the generated distribution E(3)-invariant;</li>
 *   <li>{@link Prior#LEARNED}, conditional on the first C frames: the learnable geometric prior
 *       x_ref = {@link Egtn#prior} shifts the diffusion, x_t = sqrt(abar) (x_0 - x_ref) +
 *       sqrt(1 - abar) eps + x_ref ({@code training_losses} in 'cond' mode); trained jointly by
 *       the same loss;</li>
 *   <li>{@link Prior#CENTER}, conditional with the fixed prior: x_ref = the centre of mass of the
 *       given frames (the official fallback without {@code learn_ref_frame}).</li>
 * </ul>
 * Sampling is ancestral in the x - x_ref coordinates with the official FIXED_LARGE variance
 * (sigma_i^2 = beta_i), no clipping, and returns x + x_ref. Holds native memory: {@link #close()}.
 */
public final class GeoTdm implements AutoCloseable {
  /** How the diffusion is centred; see the class comment. */
  public enum Prior {
    NONE, CENTER, LEARNED;

    /** The mode an EGTN config implies. */
    public static Prior of(EgtnConfig c) {
      return c.condFrames() == 0 ? NONE : c.learnsPrior() ? LEARNED : CENTER;
    }
  }

  private final EgtnConfig config;
  private final Egtn net;
  private final DdpmSchedule schedule;
  private final NDManager manager;
  private final ParamSet params;
  private long evaluations;

  public GeoTdm(EgtnConfig config, DdpmSchedule schedule, float[][] weights) {
    this.config = config;
    this.net = config.build();
    this.schedule = schedule;
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, net.specs(), weights, false);
  }

  public EgtnConfig config() {
    return config;
  }

  public DdpmSchedule schedule() {
    return schedule;
  }

  /** Network evaluations so far (one per batched denoising step). */
  public long evaluations() {
    return evaluations;
  }

  /**
   * The training loss on clean future frames {@code future} (n, F, N, 3) given the first frames
   * {@code given} (n, C, N, 3; null when unconditional); diffusion indices and noise from
   * {@code rng}.
   */
  public static NDArray loss(NDManager sm, Egtn net, ParamSet params, DdpmSchedule schedule, Trajectories future,
      Trajectories given, Rng rng) {
    EgtnConfig cfg = net.config();
    requireShapes(cfg, future, given);
    Prior prior = Prior.of(cfg);
    int n = future.count();
    int d = future.size();
    double[] x0 = future.positions().clone();
    double[] eps = new double[x0.length];
    rng.fillGaussian(eps, 0, eps.length);
    float[] a = new float[n];
    float[] s = new float[n];
    float[] c = new float[n];
    for (int r = 0; r < n; r++) {
      int i = rng.nextInt(schedule.steps());
      a[r] = (float) Math.sqrt(schedule.alphaBar(i));
      s[r] = (float) Math.sqrt(1 - schedule.alphaBar(i));
      c[r] = (float) schedule.noiseInput(i);
    }
    if (prior == Prior.NONE) {
      centre(x0, n, d);
      centre(eps, n, d);
    }
    Shape shape = net.batchShape(n);
    NDArray start = sm.create(toFloat(x0), shape);
    NDArray noise = sm.create(toFloat(eps), shape);
    Condition cond = condition(sm, cfg, future.charges(), given, DataType.FLOAT32);
    NDArray ref = reference(sm, net, params, cond, given, n, DataType.FLOAT32);
    NDArray aa = sm.create(a, new Shape(n, 1, 1, 1));
    NDArray ss = sm.create(s, new Shape(n, 1, 1, 1));
    NDArray xt = ref == null ? start.mul(aa).add(noise.mul(ss))
        : start.sub(ref).mul(aa).add(noise.mul(ss)).add(ref);
    NDArray out = net.forward(params, xt, sm.create(c, new Shape(n, 1)), cond);
    if (prior == Prior.NONE) {
      // Mean over frames and particles (DJL's PyTorch mean takes one axis; sum takes several).
      out = out.sub(out.sum(new int[] {1, 2}, true).div(Layers.scalar(out, (double) cfg.frames() * cfg.particles())));
    }
    return out.sub(noise).square().mean();
  }

  /**
   * Ancestral sampling of one trajectory per row: {@code given} (n, C, N, 3) fixes the first
   * frames and the charges when conditional; when unconditional {@code given} is null and
   * {@code charges} (n N) sets the systems. Returns (n, F, N, 3) positions.
   */
  public Trajectories sample(Trajectories given, double[] charges, Rng rng) {
    Prior prior = Prior.of(config);
    int np = config.particles();
    if (prior == Prior.NONE ? given != null : given == null) {
      throw new IllegalArgumentException(prior == Prior.NONE ? "unconditional GeoTDM takes no given frames"
          : "conditional GeoTDM needs the first " + config.condFrames() + " frames");
    }
    double[] q = given != null ? given.charges() : charges;
    if (q == null || q.length == 0 || q.length % np != 0) {
      throw new IllegalArgumentException("charges must hold n * " + np + " values, got "
          + (q == null ? "none" : q.length));
    }
    int n = q.length / np;
    Trajectories futureShape = new Trajectories(n, config.frames(), np, new double[n * config.frames() * np * 3], q);
    requireShapes(config, futureShape, given);
    int d = futureShape.size();
    double[] x;
    try (NDManager outer = manager.newSubManager()) {
      NDArray refArray = reference(outer, net, params, condition(outer, config, q, given, DataType.FLOAT32), given, n,
          DataType.FLOAT32);
      double[] ref = refArray == null ? null : toDouble(refArray.toFloatArray());
      float[] c = new float[n];
      x = ancestral(schedule, n, d, prior == Prior.NONE, (xi, i) -> {
        java.util.Arrays.fill(c, (float) schedule.noiseInput(i));
        float[] in = new float[xi.length];
        for (int j = 0; j < xi.length; j++) {
          in[j] = (float) (ref == null ? xi[j] : xi[j] + ref[j]);
        }
        double[] e;
        try (NDManager sm = outer.newSubManager()) {
          // The condition is rebuilt in the step's manager: ops on a condition array attach their
          // results to its manager, which must not outlive the step.
          NDArray out = net.forward(params, sm.create(in, net.batchShape(n)), sm.create(c, new Shape(n, 1)),
              condition(sm, config, q, given, DataType.FLOAT32));
          e = toDouble(out.toFloatArray());
        }
        evaluations++;
        for (int j = 0; j < e.length; j++) {
          if (!Double.isFinite(e[j])) {
            throw new IllegalStateException("GeoTDM network output is " + e[j] + " at diffusion index " + i
                + " (entry " + j + ", input " + in[j] + ", input rms " + (float) rms(xi) + " where the training"
                + " inputs have rms ~1: the chain left the data scale, see docs/trajectories.md)");
          }
        }
        return e;
      }, rng);
      if (ref != null) {
        for (int j = 0; j < x.length; j++) {
          x[j] += ref[j];
        }
      }
    }
    return futureShape.withPositions(config.frames(), x);
  }

  /** A noise prediction eps(x_i, i) for a batch of flattened states (the network, or an exact score in tests). */
  @FunctionalInterface
  interface NoisePredictor {
    double[] predict(double[] x, int index);
  }

  /**
   * GeoTDM's ancestral sampler ({@code p_sample_loop} of diffusion/GeoTDM.py, guided-diffusion's
   * p_sample with EPSILON mean and FIXED_LARGE variance) over n rows of d values in the
   * diffusion's own coordinates (x - x_ref when conditional): x_T ~ N(0, I); for i = T-1 .. 0,
   * x0 = (x_i - sqrt(1 - abar_i) eps) / sqrt(abar_i), x_{i-1} = c1_i x0 + c2_i x_i + sqrt(beta_i) z
   * (no noise at i = 0, no clipping). When {@code centred} (unconditional), the start, every
   * prediction and every z are projected onto the zero centre-of-mass subspace
   * ({@code project_to_subspace}). Every prediction is checked finite by the caller.
   */
  static double[] ancestral(DdpmSchedule schedule, int n, int d, boolean centred, NoisePredictor eps, Rng rng) {
    double[] x = new double[n * d];
    rng.fillGaussian(x, 0, x.length);
    if (centred) {
      centre(x, n, d);
    }
    double[] z = new double[x.length];
    for (int i = schedule.steps() - 1; i >= 0; i--) {
      double[] e = eps.predict(x, i);
      if (centred) {
        centre(e, n, d);
      }
      double ab = schedule.alphaBar(i);
      double c1 = schedule.c1(i);
      double c2 = schedule.c2(i);
      double std = i > 0 ? Math.sqrt(schedule.beta(i)) : 0;
      if (i > 0) {
        rng.fillGaussian(z, 0, z.length);
        if (centred) {
          centre(z, n, d);
        }
      }
      for (int j = 0; j < x.length; j++) {
        double x0 = (x[j] - Math.sqrt(1 - ab) * e[j]) / Math.sqrt(ab);
        x[j] = c1 * x0 + c2 * x[j] + (i > 0 ? std * z[j] : 0);
      }
    }
    return x;
  }

  /** The prior mean x_ref (n, F, N, 3) of conditional sampling, or null when unconditional. */
  public double[] priorMean(Trajectories given) {
    if (Prior.of(config) == Prior.NONE) {
      return null;
    }
    try (NDManager sm = manager.newSubManager()) {
      Condition cond = condition(sm, config, given.charges(), given, DataType.FLOAT32);
      NDArray ref = reference(sm, net, params, cond, given, given.count(), DataType.FLOAT32);
      return toDouble(ref.toFloatArray());
    }
  }

  private static NDArray reference(NDManager sm, Egtn net, ParamSet params, Condition cond, Trajectories given, int n,
      DataType dt) {
    EgtnConfig cfg = net.config();
    return switch (Prior.of(cfg)) {
      case NONE -> null;
      case LEARNED -> net.prior(params, cond, n, dt);
      case CENTER -> {
        double[] com = new double[n * cfg.frames() * cfg.particles() * 3];
        int per = given.size();
        int np = cfg.particles();
        for (int r = 0; r < n; r++) {
          double[] m = new double[3];
          for (int k = 0; k < per; k++) {
            m[k % 3] += given.positions()[r * per + k] / (given.frames() * np);
          }
          int out = cfg.frames() * np * 3;
          for (int k = 0; k < out; k++) {
            com[r * out + k] = m[k % 3];
          }
        }
        yield sm.create(toFloat(com), net.batchShape(n)).toType(dt, false);
      }
    };
  }

  static Condition condition(NDManager sm, EgtnConfig cfg, double[] charges, Trajectories given, DataType dt) {
    int n = charges.length / cfg.particles();
    Condition cond = Condition.NONE;
    if (cfg.features() > 0) {
      cond = cond.withContext(sm.create(toFloat(charges), new Shape(n, cfg.particles(), 1)).toType(dt, false));
    }
    if (cfg.condFrames() > 0) {
      cond = cond.withObserved(sm.create(toFloat(given.positions()), new Shape(n, cfg.condFrames(), cfg.particles(),
          3)).toType(dt, false));
    }
    return cond;
  }

  private static void requireShapes(EgtnConfig cfg, Trajectories future, Trajectories given) {
    if (future.frames() != cfg.frames() || future.particles() != cfg.particles()) {
      throw new IllegalArgumentException("GeoTDM model takes " + cfg.frames() + " frames of " + cfg.particles()
          + " particles, got " + future.frames() + " frames of " + future.particles());
    }
    if (cfg.features() != 1) {
      throw new IllegalArgumentException("GeoTDM here uses the charges as the one node feature; features must be 1,"
          + " got " + cfg.features());
    }
    if (cfg.condFrames() > 0) {
      if (given == null || given.frames() != cfg.condFrames() || given.count() != future.count()
          || given.particles() != cfg.particles()) {
        throw new IllegalArgumentException("conditional GeoTDM needs " + cfg.condFrames() + " given frames for each"
            + " of the " + future.count() + " systems, got " + (given == null ? "none"
            : given.count() + " systems of " + given.frames() + " frames"));
      }
    }
  }

  /** Removes the mean over frames and particles of each row (the zero centre-of-mass subspace). */
  static void centre(double[] v, int n, int d) {
    for (int r = 0; r < n; r++) {
      double[] m = new double[3];
      for (int k = 0; k < d; k++) {
        m[k % 3] += v[r * d + k];
      }
      for (int k = 0; k < d; k++) {
        v[r * d + k] -= m[k % 3] / (d / 3);
      }
    }
  }

  private static double rms(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return Math.sqrt(s / a.length);
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  @Override
  public void close() {
    manager.close();
  }
}
