package org.diffusion4j.nn.forecast;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.diffusion4j.array.Batch;
import org.diffusion4j.forecast.DifferentiableDenoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;

/**
 * A trained unconditional network as a {@link DifferentiableDenoiser}: prediction
 * c_skip x + c_out F(c_in x, c_noise) ({@link Parameterisation}) and its vector-Jacobian product
 * by DJL autograd, c_skip v + c_in c_out J_F^T v, in the same forward pass. Holds native memory:
 * {@link #close()} it.
 */
public final class NetworkDenoiser implements DifferentiableDenoiser, AutoCloseable {
  private static final int CHUNK = 1024;

  private final TrainConfig config;
  private final GaussianPath path;
  private final Network net;
  private final NDManager manager;
  private final ParamSet params;

  private NetworkDenoiser(TrainConfig config, float[][] weights) {
    this.config = config;
    this.path = config.gaussianPath();
    this.net = config.network().build();
    this.manager = DjlRuntime.newManager();
    this.params = ParamSet.of(manager, net.specs(), weights, false);
  }

  /** The EMA weights of a checkpoint. */
  public static NetworkDenoiser from(Checkpoint c) {
    if (c.config().network().classes() > 0) {
      throw new IllegalArgumentException("TSDiff guidance needs an unconditional model; this one has "
          + c.config().network().classes() + " classes");
    }
    c.requireSpecs(c.config().network().build().specs());
    return new NetworkDenoiser(c.config(), c.ema());
  }

  /** The path the model was trained on. */
  public GaussianPath path() {
    return path;
  }

  @Override
  public int dim() {
    return config.network().dim();
  }

  @Override
  public Prediction prediction() {
    return config.objective().prediction();
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    run(x, t, out, null, null);
  }

  @Override
  public void predictWithPullback(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad) {
    run(x, t, out, cotangent, grad);
  }

  private void run(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad) {
    x.requireSameShape(out);
    int d = dim();
    if (x.d() != d) {
      throw new IllegalArgumentException("model expects dimension " + d + ", got " + x.d());
    }
    Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t);
    double[] xs = x.data();
    double[] os = out.data();
    float[] f = new float[x.size()];
    try (NDManager sm = manager.newSubManager()) {
      // Forward every chunk (with the graph kept when a pullback is asked for), then call the
      // cotangent once on the whole prediction, then pull back.
      GradientCollector gc = cotangent == null ? null : DjlRuntime.engine().newGradientCollector();
      try {
        NDArray[] inputs = new NDArray[(x.n() + CHUNK - 1) / CHUNK];
        NDArray[] outputs = new NDArray[inputs.length];
        for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
          int rows = Math.min(CHUNK, x.n() - from);
          float[] in = new float[rows * d];
          for (int j = 0; j < in.length; j++) {
            in[j] = (float) (p.cIn() * xs[from * d + j]);
          }
          NDArray z = sm.create(in, net.batchShape(rows));
          if (gc != null) {
            z.setRequiresGradient(true);
          }
          float[] cs = new float[rows];
          Arrays.fill(cs, (float) p.cNoise());
          NDArray fo = net.forward(params, z, sm.create(cs, new Shape(rows, 1)), Condition.NONE);
          inputs[ci] = z;
          outputs[ci] = fo;
          System.arraycopy(fo.toFloatArray(), 0, f, from * d, rows * d);
        }
        for (int j = 0; j < os.length; j++) {
          os[j] = p.cSkip() * xs[j] + p.cOut() * f[j];
        }
        if (gc == null) {
          return;
        }
        Batch v = x.zerosLike();
        cotangent.accept(out, v);
        double[] vs = v.data();
        float[] all = new float[x.size()];
        NDArray total = null;
        for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
          int rows = Math.min(CHUNK, x.n() - from);
          float[] w = new float[rows * d];
          for (int j = 0; j < w.length; j++) {
            w[j] = (float) (p.cOut() * vs[from * d + j]);
          }
          NDArray term = outputs[ci].mul(sm.create(w, net.batchShape(rows))).sum();
          total = total == null ? term : total.add(term);
        }
        gc.backward(total);
        for (int ci = 0, from = 0; from < x.n(); ci++, from += CHUNK) {
          int rows = Math.min(CHUNK, x.n() - from);
          NDArray g = inputs[ci].getGradient();
          g.attach(sm);
          System.arraycopy(g.toFloatArray(), 0, all, from * d, rows * d);
        }
        double[] gs = grad.data();
        for (int j = 0; j < gs.length; j++) {
          gs[j] = p.cSkip() * vs[j] + p.cIn() * all[j];
        }
      } finally {
        if (gc != null) {
          gc.close();
        }
      }
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
