package org.diffusion4j.nn.pde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamFiles;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.neuralsde.Adam;
import org.diffusion4j.pde.LaplacePosterior;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;

/**
 * A physics- and data-informed latent neural process over the solutions u(x; theta) of a
 * parametric PDE whose collocation grid is a random variable, marginalised by drawing a new grid
 * at every training step, after "Random Grid Neural Processes for Parametric Partial Differential
 * Equations" (Vadeboncoeur et al., ICML 2023). No official code of that paper could be found, so
 * this is a documented simplification (docs/random-grid-np.md):
 * <ul>
 *   <li><b>Encoder</b> (in place of the paper's GICNet): a continuous-kernel convolution of the input
 *       function f (Poisson source or Burgers initial condition) read out at J fixed anchors,
 *       sum_i w_i K(t_j - x_i) f(x_i) with w the grid's Voronoi cell weights
 *       ({@link RandomGrid#cellWeights}) and K a small MLP: a quadrature estimate of the integral
 *       (K * f)(t_j), hence invariant to the order of the points and consistent as the grid is
 *       refined. An MLP maps the readout to q(z | f) = N(mean, diag std^2).</li>
 *   <li><b>Decoder</b>: an MLP from z to the coefficients of a sine basis in x (times Legendre
 *       polynomials in t for Burgers), so boundary conditions hold exactly and u, u_x, u_xx, u_t are
 *       exact at any point without differentiating the network in x.</li>
 *   <li><b>Objective</b>: the negative evidence lower bound with the physics likelihood
 *       N(0 | r(x_i), physicsStd^2) of the residual r at the random collocation points (a
 *       quadrature over the random grid), Gaussian data likelihoods at reference observations, and
 *       KL(q(z | f) || N(0, I)) ({@link RandomGridNpNet#loss}).</li>
 *   <li><b>Forward problems</b>: encode f on any grid, sample z (and optionally grids), decode:
 *       predictive mean and quantile bands ({@link #predict}, {@link #predictParameters}).</li>
 *   <li><b>Inverse problems</b>: noisy observations of u at arbitrary points; a Laplace posterior over
 *       theta with the trained process as the forward map, pushed through the process
 *       ({@link #inverse}).</li>
 * </ul>
 * With {@link RandomGridNpConfig#fixedGrid} it is the fixed-grid physics-informed baseline: the same
 * network trained on the cell centres every step. Inference runs in float64; training in float32.
 */
public final class RandomGridNp {
  /** Files of a saved model directory. */
  public static final String CONFIG_FILE = "np.json";

  public static final String WEIGHTS_FILE = "weights.npz";

  public static final String SUMMARY_FILE = "training.json";

  private final RandomGridNpConfig config;
  private final RandomGridNpNet net;
  private final float[][] weights;
  private final TrainingSummary summary;

  /**
   * What training measured.
   *
   * @param seconds wall time of the optimiser steps (pool generation excluded)
   * @param poolSeconds wall time of the reference solves for the training pool
   * @param finalLoss mean loss over the last tenth of the steps
   * @param finalPhysics mean physics term over the last tenth
   * @param finalData mean data term over the last tenth
   * @param finalKl mean KL over the last tenth
   * @param parameters number of trainable scalars
   */
  public record TrainingSummary(double seconds, double poolSeconds, double finalLoss, double finalPhysics,
      double finalData, double finalKl, long parameters) {}

  private RandomGridNp(RandomGridNpConfig config, float[][] weights, TrainingSummary summary) {
    this.config = config;
    this.net = new RandomGridNpNet(config);
    this.weights = weights;
    this.summary = summary;
  }

  public RandomGridNpConfig config() {
    return config;
  }

  public TrainingSummary summary() {
    return summary;
  }

  public ParametricPde family() {
    return net.family;
  }

  /** Number of trainable scalars. */
  public long parameterCount() {
    long c = 0;
    for (float[] w : weights) {
      c += w.length;
    }
    return c;
  }

  /** An untrained process (seeded initial weights), for tests. */
  public static RandomGridNp initial(RandomGridNpConfig config) {
    RandomGridNpNet net = new RandomGridNpNet(config);
    return new RandomGridNp(config, net.initialValues(Rng.of(config.seed()).stream(0).nextLong()), null);
  }

  /**
   * Trains on a pool of {@code trainProblems} parameters theta ~ N(0, I) whose reference solutions
   * give the data term; each step draws a batch of them, a grid (a fresh stratified random grid, or
   * the cell centres for the fixed-grid baseline) and one latent draw per problem, then takes an
   * Adam step on the negative ELBO (step size on a cosine decay to 5%). Seeded: the same config gives bitwise-identical weights.
   */
  public static RandomGridNp train(RandomGridNpConfig config, ProgressListener progress) {
    RandomGridNpNet net = new RandomGridNpNet(config);
    ParametricPde family = net.family;
    Rng root = Rng.of(config.seed());
    long poolStart = System.nanoTime();
    Pool pool = Pool.build(family, config.trainProblems(), root.stream(4));
    double poolSeconds = (System.nanoTime() - poolStart) / 1e9;
    float[][] init = net.initialValues(root.stream(0).nextLong());
    int steps = config.iterations();
    double[][] history = new double[steps][4];
    long begin = System.nanoTime();
    float[][] trained;
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet params = ParamSet.of(manager, net.specs(), init, true);
      Adam adam = new Adam(manager, params, config.learningRate());
      double[] fixedTimes = family.timeDependent() ? fixedTimes(config.gridSize(), family.endTime(), root.stream(5)) : null;
      for (int k = 0; k < steps; k++) {
        RandomGridNpNet.Step step = step(config, family, pool, root, k, fixedTimes);
        adam.setLearningRate(learningRateAt(config, k));
        try (NDManager sm = manager.newSubManager()) {
          double[] eps = new double[config.batch() * config.latent()];
          root.stream(3, k).fillGaussian(eps, 0, eps.length);
          NDArray noise = RandomGridNpNet.constant(sm, eps, new Shape(config.batch(), config.latent()), DataType.FLOAT32);
          RandomGridNpNet.Terms terms;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            terms = net.loss(params, step, noise);
            gc.backward(terms.loss());
          }
          history[k][0] = terms.loss().getFloat();
          history[k][1] = terms.physics().getFloat();
          history[k][2] = terms.data().getFloat();
          history[k][3] = terms.kl().getFloat();
          adam.step(sm, 1);
          adam.zeroGrads();
        }
        if (progress != null && (k % 50 == 0 || k == steps - 1)) {
          progress.onProgress(k + 1, steps, String.format("loss %.4g", history[k][0]));
        }
      }
      trained = params.toFloats();
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    double[] tail = new double[4];
    int from = steps - Math.max(1, steps / 10);
    for (int k = Math.max(0, from); k < steps; k++) {
      for (int i = 0; i < 4; i++) {
        tail[i] += history[k][i] / (steps - Math.max(0, from));
      }
    }
    long count = 0;
    for (float[] w : trained) {
      count += w.length;
    }
    return new RandomGridNp(config, trained,
        new TrainingSummary(seconds, poolSeconds, tail[0], tail[1], tail[2], tail[3], count));
  }

  /** Cosine decay from the configured rate to 5% of it over the run (Loshchilov &amp; Hutter 2017, SGDR, without restarts). */
  static double learningRateAt(RandomGridNpConfig config, int step) {
    double progress = config.iterations() <= 1 ? 0 : step / (config.iterations() - 1.0);
    return config.learningRate() * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  /** Training parameters with their reference solutions on a fine uniform grid (Burgers: at t = T). */
  private record Pool(double[][] thetas, double[] gridX, double[][] reference) {
    static Pool build(ParametricPde family, int size, Rng rng) {
      double[] gridX = new double[513];
      for (int i = 0; i < gridX.length; i++) {
        gridX[i] = family.lower() + (family.upper() - family.lower()) * i / 512.0;
      }
      double[] gridT = new double[gridX.length];
      Arrays.fill(gridT, family.endTime());
      double[][] thetas = new double[size][];
      double[][] reference = new double[size][];
      for (int p = 0; p < size; p++) {
        thetas[p] = family.sampleParameters(rng.stream(p));
        reference[p] = family.reference(thetas[p], gridX, gridT);
      }
      return new Pool(thetas, gridX, reference);
    }

    double observe(int problem, double x) {
      return ParametricPde.interpolateUniform(gridX, reference[problem], x);
    }
  }

  /** The fixed baseline's times: cell centres in (0, T) paired with the x cell centres by one seeded permutation. */
  private static double[] fixedTimes(int n, double endTime, Rng rng) {
    return RandomGrid.shuffle(RandomGrid.cellCentres(n, 0, endTime), rng);
  }

  private static RandomGridNpNet.Step step(RandomGridNpConfig config, ParametricPde family, Pool pool, Rng root, int k,
      double[] fixedTimes) {
    int n = config.gridSize();
    Rng gridRng = root.stream(1, k);
    double[] x = config.fixedGrid() ? RandomGrid.cellCentres(n, family.lower(), family.upper())
        : RandomGrid.stratified(gridRng, n, family.lower(), family.upper());
    double[] t = null;
    if (family.timeDependent()) {
      t = config.fixedGrid() ? fixedTimes : RandomGrid.stratified(gridRng, n, 0, family.endTime());
    }
    double[] w = RandomGrid.cellWeights(x, family.lower(), family.upper());
    Rng batchRng = root.stream(2, k);
    int b = config.batch();
    int[] rows = new int[b];
    double[][] values = new double[b][];
    for (int i = 0; i < b; i++) {
      rows[i] = batchRng.nextInt(pool.thetas().length);
      values[i] = family.inputFunction(pool.thetas()[rows[i]], x);
    }
    int obs = config.observations();
    double[] obsX = null;
    double[] obsT = null;
    double[][] obsY = null;
    if (obs > 0) {
      obsX = config.fixedGrid() ? RandomGrid.cellCentres(obs, family.lower(), family.upper())
          : RandomGrid.uniform(batchRng, obs, family.lower(), family.upper());
      if (family.timeDependent()) {
        obsT = new double[obs];
        Arrays.fill(obsT, family.endTime());
      }
      obsY = new double[b][obs];
      for (int i = 0; i < b; i++) {
        for (int j = 0; j < obs; j++) {
          obsY[i][j] = pool.observe(rows[i], obsX[j]);
        }
      }
    }
    return new RandomGridNpNet.Step(x, w, t, values, obsX, obsT, obsY);
  }

  // ---------------------------------------------------------------- inference (float64)

  private interface Body<T> {
    T apply(NDManager m, ParamSet p);
  }

  private <T> T withParams(Body<T> body) {
    double[][] values = new double[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      values[i] = new double[weights[i].length];
      for (int j = 0; j < values[i].length; j++) {
        values[i][j] = weights[i][j];
      }
    }
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), values, false);
      return body.apply(m, p);
    }
  }

  /**
   * q(z | f) for input functions given on the grid {@code gridX}: {mean, std}, each (functions, latent).
   *
   * @throws IllegalArgumentException if a point lies outside the domain or a row's length differs from the grid's
   */
  public double[][][] latent(double[] gridX, double[][] values) {
    checkGrid(gridX, values);
    double[] w = RandomGrid.cellWeights(gridX, net.family.lower(), net.family.upper());
    return withParams((m, p) -> {
      int n = gridX.length;
      RandomGridNpNet.Latent q = net.encode(p, m.create(gridX, new Shape(n)), m.create(w, new Shape(n)),
          m.create(RandomGridNpNet.flatten(values), new Shape(values.length, n)));
      return new double[][][] {rows(q.mean()), rows(q.std())};
    });
  }

  /** u at the query points (qx, qt) for latent codes z (rows): (codes, points). */
  public double[][] decode(double[][] z, double[] qx, double[] qt) {
    checkQueries(qx, qt);
    return withParams((m, p) -> {
      NDArray zs = m.create(RandomGridNpNet.flatten(z), new Shape(z.length, config.latent()));
      NDArray c = net.coefficients(p, zs);
      return rows(RandomGridNpNet.evaluate(c, net.basisTensor(m, qx, qt, 0, 0, DataType.FLOAT64)));
    });
  }

  /**
   * Predictive mean, standard deviation and central 95% band (2.5% and 97.5% sample quantiles) at the
   * query points.
   */
  public record Prediction(double[] x, double[] t, double[] mean, double[] std, double[] lower, double[] upper) {}

  /**
   * Forward problem from an input function observed on any grid: {@code samples} draws of
   * z ~ q(z | f), decoded at (qx, qt) ({@code qt} null for Poisson).
   */
  public Prediction predict(double[] gridX, double[] inputValues, double[] qx, double[] qt, int samples, long seed) {
    checkSamples(samples);
    double[][][] q = latent(gridX, new double[][] {inputValues});
    return summarise(qx, qt, decode(drawLatents(q[0][0], q[1][0], samples, Rng.of(seed)), qx, qt));
  }

  /**
   * Forward problem for parameters theta with the grid marginalised too: {@code grids} fresh stratified
   * grids of {@code gridSize} points, {@code samplesPerGrid} latent draws on each.
   */
  public Prediction predictParameters(double[] theta, int gridSize, int grids, int samplesPerGrid, double[] qx,
      double[] qt, long seed) {
    checkSamples(grids);
    checkSamples(samplesPerGrid);
    net.family.checkParameters(theta);
    Rng rng = Rng.of(seed);
    double[][] all = new double[grids * samplesPerGrid][];
    for (int g = 0; g < grids; g++) {
      double[] x = RandomGrid.stratified(rng.stream(0, g), gridSize, net.family.lower(), net.family.upper());
      double[][][] q = latent(x, new double[][] {net.family.inputFunction(theta, x)});
      double[][] u = decode(drawLatents(q[0][0], q[1][0], samplesPerGrid, rng.stream(1, g)), qx, qt);
      System.arraycopy(u, 0, all, g * samplesPerGrid, samplesPerGrid);
    }
    return summarise(qx, qt, all);
  }

  /** The latent mean's solution for parameters theta with the input function on {@code gridX}: one row per theta. */
  public double[][] meanSolution(double[][] thetas, double[] gridX, double[] qx, double[] qt) {
    double[][] values = new double[thetas.length][];
    for (int i = 0; i < thetas.length; i++) {
      values[i] = net.family.inputFunction(thetas[i], gridX);
    }
    return decode(latent(gridX, values)[0], qx, qt);
  }

  /**
   * Inverse problem result: the Laplace posterior over theta, and the solution's predictive at the
   * query points (posterior theta draws, each with one latent draw).
   */
  public record Inverse(LaplacePosterior posterior, Prediction solution) {}

  /**
   * Posterior over theta and u from noisy observations y_k = u(obsX_k, obsT_k) + N(0, noiseStd^2):
   * the forward map theta -&gt; u(obs) is the trained process's latent mean with f(theta) on one
   * stratified grid of {@code gridSize} points (seeded), the prior is theta ~ N(0, I), and the
   * posterior is its Laplace approximation ({@link LaplacePosterior}); the bands push
   * {@code samples} posterior draws of theta, each with a latent draw, through the decoder.
   */
  public Inverse inverse(double[] obsX, double[] obsT, double[] y, double noiseStd, int gridSize, int samples,
      double[] qx, double[] qt, long seed) {
    checkQueries(obsX, obsT);
    if (y.length != obsX.length) {
      throw new IllegalArgumentException("need one observation per point: " + y.length + " values for " + obsX.length + " points");
    }
    checkSamples(samples);
    if (gridSize < 2) {
      throw new IllegalArgumentException("grid size must be >= 2, got " + gridSize);
    }
    Rng rng = Rng.of(seed);
    double[] grid = RandomGrid.stratified(rng.stream(0), gridSize, net.family.lower(), net.family.upper());
    LaplacePosterior post = LaplacePosterior.fit(theta -> meanSolution(new double[][] {theta}, grid, obsX, obsT)[0],
        net.family.parameters(), y, noiseStd, 1, 50);
    double[][] thetas = post.sample(rng.stream(1), samples);
    double[][] values = new double[samples][];
    for (int s = 0; s < samples; s++) {
      values[s] = net.family.inputFunction(thetas[s], grid);
    }
    double[][][] q = latent(grid, values);
    Rng noise = rng.stream(2);
    double[][] z = new double[samples][config.latent()];
    for (int s = 0; s < samples; s++) {
      for (int l = 0; l < config.latent(); l++) {
        z[s][l] = q[0][s][l] + q[1][s][l] * noise.nextGaussian();
      }
    }
    return new Inverse(post, summarise(qx, qt, decode(z, qx, qt)));
  }

  /**
   * Mean over problems of the relative L2 error ||u - u_ref|| / ||u_ref|| of the latent-mean
   * solution at the evaluation points (qx, qt), the input function given on {@code gridX}.
   */
  public double relativeError(double[][] thetas, double[] gridX, double[] qx, double[] qt) {
    double[][] u = meanSolution(thetas, gridX, qx, qt);
    double sum = 0;
    for (int i = 0; i < thetas.length; i++) {
      double[] ref = net.family.reference(thetas[i], qx, qt);
      double num = 0;
      double den = 0;
      for (int j = 0; j < ref.length; j++) {
        num += (u[i][j] - ref[j]) * (u[i][j] - ref[j]);
        den += ref[j] * ref[j];
      }
      sum += Math.sqrt(num / Math.max(den, 1e-300));
    }
    return sum / thetas.length;
  }

  private double[][] drawLatents(double[] mean, double[] std, int samples, Rng rng) {
    double[][] z = new double[samples][mean.length];
    for (int s = 0; s < samples; s++) {
      for (int l = 0; l < mean.length; l++) {
        z[s][l] = mean[l] + std[l] * rng.nextGaussian();
      }
    }
    return z;
  }

  private static Prediction summarise(double[] qx, double[] qt, double[][] u) {
    int q = qx.length;
    int s = u.length;
    double[] mean = new double[q];
    double[] std = new double[q];
    double[] lower = new double[q];
    double[] upper = new double[q];
    double[] column = new double[s];
    for (int j = 0; j < q; j++) {
      double sum = 0;
      for (int i = 0; i < s; i++) {
        column[i] = u[i][j];
        sum += column[i];
      }
      mean[j] = sum / s;
      double var = 0;
      for (int i = 0; i < s; i++) {
        var += (column[i] - mean[j]) * (column[i] - mean[j]);
      }
      std[j] = Math.sqrt(var / Math.max(1, s - 1));
      Arrays.sort(column);
      lower[j] = quantile(column, 0.025);
      upper[j] = quantile(column, 0.975);
    }
    return new Prediction(qx.clone(), qt == null ? null : qt.clone(), mean, std, lower, upper);
  }

  /** Linear-interpolation quantile of sorted values (type 7 of Hyndman &amp; Fan 1996). */
  private static double quantile(double[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static double[][] rows(NDArray a) {
    int r = (int) a.getShape().get(0);
    int c = (int) a.getShape().get(1);
    double[] flat = a.toDoubleArray();
    double[][] out = new double[r][c];
    for (int i = 0; i < r; i++) {
      System.arraycopy(flat, i * c, out[i], 0, c);
    }
    return out;
  }

  private void checkGrid(double[] gridX, double[][] values) {
    if (gridX.length < 1) {
      throw new IllegalArgumentException("the grid needs at least one point, got none");
    }
    if (values.length < 1) {
      throw new IllegalArgumentException("need at least one input function, got none");
    }
    for (double[] v : values) {
      if (v.length != gridX.length) {
        throw new IllegalArgumentException("input function has " + v.length + " values for " + gridX.length + " grid points");
      }
      for (double e : v) {
        if (!Double.isFinite(e)) {
          throw new IllegalArgumentException("input function value is not finite: " + e);
        }
      }
    }
  }

  private void checkQueries(double[] qx, double[] qt) {
    ParametricPde f = net.family;
    if (qx.length < 1) {
      throw new IllegalArgumentException("need at least one query point, got none");
    }
    for (double x : qx) {
      if (!(x >= f.lower() && x <= f.upper())) {
        throw new IllegalArgumentException("query point " + x + " is outside [" + f.lower() + ", " + f.upper() + "]");
      }
    }
    if (f.timeDependent()) {
      if (qt == null || qt.length != qx.length) {
        throw new IllegalArgumentException(f.name() + " needs one query time per point, got "
            + (qt == null ? "none" : qt.length + " for " + qx.length));
      }
      for (double t : qt) {
        if (!(t >= 0 && t <= f.endTime())) {
          throw new IllegalArgumentException("query time " + t + " is outside [0, " + f.endTime() + "]");
        }
      }
    }
  }

  private static void checkSamples(int samples) {
    if (samples < 1) {
      throw new IllegalArgumentException("sample count must be >= 1, got " + samples);
    }
  }

  // ---------------------------------------------------------------- files

  /** Writes weights, then config, then the training summary (each atomically) into {@code dir}. */
  public void save(Path dir) throws IOException {
    ParamFiles.writeModel(dir, WEIGHTS_FILE, net.specs(), weights, CONFIG_FILE, config);
    if (summary != null) {
      AtomicFiles.writeString(dir.resolve(SUMMARY_FILE), JsonRecords.toJson(summary) + "\n");
    }
  }

  /** Reads a directory written by {@link #save}. */
  public static RandomGridNp load(Path dir) throws IOException {
    if (!Files.isRegularFile(dir.resolve(CONFIG_FILE))) {
      throw new IllegalArgumentException(dir + " is not a random-grid NP model directory (no " + CONFIG_FILE + ")");
    }
    RandomGridNpConfig config = ParamFiles.readModelConfig(dir, CONFIG_FILE, RandomGridNpConfig.class, "random-grid NP config");
    RandomGridNpNet net = new RandomGridNpNet(config);
    float[][] w = ParamFiles.read(dir.resolve(WEIGHTS_FILE), net.specs());
    TrainingSummary summary = null;
    Path s = dir.resolve(SUMMARY_FILE);
    if (Files.isRegularFile(s) && org.diffusion4j.io.Json.parse(Files.readString(s)) instanceof java.util.Map<?, ?> json) {
      summary = JsonRecords.fromJson(TrainingSummary.class, json, "training summary");
    }
    return new RandomGridNp(config, w, summary);
  }
}
