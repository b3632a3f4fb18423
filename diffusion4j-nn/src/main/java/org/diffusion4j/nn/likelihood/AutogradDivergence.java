package org.diffusion4j.nn.likelihood;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.model.VectorField;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Rng;

/**
 * The divergence of a trained network's prediction by reverse-mode autodiff (DJL autograd):
 * vector-Jacobian products w^T J instead of finite differences, which a float32 network could not
 * support. With the parameterisation p(x, t) = c_skip x + c_out F(c_in x, c_noise) of
 * {@link Parameterisation},
 * <pre>
 *   div p = c_skip d + c_out c_in tr(dF/dx'),   x' = c_in x.
 * </pre>
 * The trace is either exact, from d vector-Jacobian products with the basis vectors (the d copies
 * of every row are stacked into one batch, so one forward and one backward pass give all of them),
 * or Hutchinson's estimate (Grathwohl et al. 2019, "FFJORD", Eq. 7) with {@code probes}
 * Rademacher probes per row from {@code Rng.of(seed).stream(1, row)}.
 *
 * <p>This estimator evaluates its own copy of the network: the {@code field} argument of
 * {@link #evaluate} is not called, and the value written is this network's prediction, so pair it
 * with a {@link org.diffusion4j.nn.NeuralDenoiser} built from the same weights. Unconditional
 * networks only (class-conditional ones use the null class). Holds native memory: close it.
 */
public final class AutogradDivergence implements DivergenceEstimator, AutoCloseable {
  /** Stacked rows per forward/backward pass. */
  private static final int MAX_STACKED_ROWS = 1 << 14;

  private final TrainConfig config;
  private final Network net;
  private final NDManager manager;
  private final ParamSet params;
  private final int probes;
  private final long seed;

  private AutogradDivergence(TrainConfig config, float[][] weights, int probes, long seed) {
    if (probes < 0) {
      throw new IllegalArgumentException("probes must be >= 1 for Hutchinson (or 0 for the exact trace), got " + probes);
    }
    this.config = config;
    this.net = config.network().build();
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, net.specs(), weights, false);
    this.probes = probes;
    this.seed = seed;
  }

  /** Exact trace (d vector-Jacobian products per row). */
  public static AutogradDivergence exact(TrainConfig config, float[][] weights) {
    return new AutogradDivergence(config, weights, 0, 0);
  }

  /** Hutchinson estimate with {@code probes} Rademacher probes per row (probes &gt;= 1). */
  public static AutogradDivergence hutchinson(TrainConfig config, float[][] weights, int probes, long seed) {
    if (probes < 1) {
      throw new IllegalArgumentException("Hutchinson estimator needs at least 1 probe, got " + probes);
    }
    return new AutogradDivergence(config, weights, probes, seed);
  }

  /** The EMA weights of the latest checkpoint in {@code runDir}; {@code probes} = 0 for the exact trace. */
  public static AutogradDivergence load(Path runDir, int probes, long seed) throws IOException {
    Checkpoint c = Checkpoint.readLatest(runDir);
    c.requireSpecs(c.config().network().build().specs());
    return new AutogradDivergence(c.config(), c.ema(), probes, seed);
  }

  @Override
  public void evaluate(VectorField field, Batch x, double t, long firstRow, Batch value, double[] div) {
    int d = x.d();
    if (d != config.network().dim()) {
      throw new IllegalArgumentException("network expects dimension " + config.network().dim() + ", got " + d);
    }
    Parameterisation p = Parameterisation.of(config.objective(), config.gaussianPath(), config.sigmaData(), t);
    int copies = probes == 0 ? d : probes;
    int rowsPerPass = Math.max(1, MAX_STACKED_ROWS / copies);
    double[] xs = x.data();
    double[] vs = value.data();
    for (int from = 0; from < x.n(); from += rowsPerPass) {
      int m = Math.min(rowsPerPass, x.n() - from);
      float[] in = new float[m * copies * d];
      float[] cot = new float[m * copies * d];
      for (int i = 0; i < m; i++) {
        Rng rng = probes == 0 ? null : Rng.of(seed).stream(1, firstRow + from + i);
        for (int k = 0; k < copies; k++) {
          int base = (i * copies + k) * d;
          for (int j = 0; j < d; j++) {
            in[base + j] = (float) (p.cIn() * xs[(from + i) * d + j]);
            cot[base + j] = probes == 0 ? (j == k ? 1f : 0f) : (float) rng.nextRademacher();
          }
        }
      }
      float[][] fg = forwardAndVjp(in, cot, m * copies, d, (float) p.cNoise());
      float[] f = fg[0];
      float[] g = fg[1];
      for (int i = 0; i < m; i++) {
        int row = from + i;
        int base0 = i * copies * d;
        for (int j = 0; j < d; j++) {
          vs[row * d + j] = p.cSkip() * xs[row * d + j] + p.cOut() * f[base0 + j];
        }
        double trace = 0;
        for (int k = 0; k < copies; k++) {
          int base = (i * copies + k) * d;
          for (int j = 0; j < d; j++) {
            trace += (double) cot[base + j] * g[base + j];
          }
        }
        if (probes > 0) {
          trace /= probes;
        }
        div[row] = p.cSkip() * d + p.cOut() * p.cIn() * trace;
      }
    }
  }

  /** F(in) and the gradient of sum(F * cot) with respect to in (row-wise w^T J). */
  private float[][] forwardAndVjp(float[] in, float[] cot, int rows, int d, float cNoise) {
    int classes = config.network().classes();
    try (NDManager sm = manager.newSubManager();
        GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      NDArray x = sm.create(in, net.batchShape(rows));
      x.setRequiresGradient(true);
      float[] cs = new float[rows];
      Arrays.fill(cs, cNoise);
      NDArray c = sm.create(cs, new Shape(rows, 1));
      NDArray onehot = null;
      if (classes > 0) {
        int[] labels = new int[rows];
        Arrays.fill(labels, classes);
        onehot = sm.create(Condition.oneHot(labels, classes), new Shape(rows, classes + 1));
      }
      NDArray f = net.forward(params, x, c, onehot == null ? Condition.NONE : Condition.ofClasses(onehot));
      NDArray w = sm.create(cot, net.batchShape(rows));
      gc.backward(f.mul(w).sum());
      return new float[][] {f.toFloatArray(), x.getGradient().toFloatArray()};
    }
  }

  @Override
  public int evaluationsPerRow(int dim) {
    return probes == 0 ? dim : probes;
  }

  @Override
  public String describe() {
    return probes == 0 ? "exact (autograd, d vector-Jacobian products)"
        : "hutchinson (autograd, " + probes + " rademacher probes, seed " + seed + ")";
  }

  @Override
  public void close() {
    manager.close();
  }
}
