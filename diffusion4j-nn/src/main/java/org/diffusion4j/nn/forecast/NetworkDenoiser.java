package org.diffusion4j.nn.forecast;

import java.util.function.BiConsumer;
import org.diffusion4j.array.Batch;
import org.diffusion4j.forecast.DifferentiableDenoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.path.GaussianPath;

/**
 * A trained unconditional network as a {@link DifferentiableDenoiser} for TSDiff: a
 * {@link NeuralDenoiser} (prediction c_skip x + c_out F(c_in x, c_noise) and its autograd
 * vector-Jacobian product c_skip v + c_in c_out J_F^T v) restricted to unconditional models.
 * Holds native memory: {@link #close()} it.
 */
public final class NetworkDenoiser implements DifferentiableDenoiser, AutoCloseable {
  private final NeuralDenoiser model;

  private NetworkDenoiser(NeuralDenoiser model) {
    this.model = model;
  }

  /** The EMA weights of a checkpoint. */
  public static NetworkDenoiser from(Checkpoint c) {
    if (c.config().network().classes() > 0) {
      throw new IllegalArgumentException("TSDiff guidance needs an unconditional model; this one has "
          + c.config().network().classes() + " classes");
    }
    return new NetworkDenoiser(NeuralDenoiser.from(c));
  }

  /** The path the model was trained on. */
  public GaussianPath path() {
    return model.path();
  }

  @Override
  public int dim() {
    return model.dim();
  }

  @Override
  public Prediction prediction() {
    return model.prediction();
  }

  @Override
  public void predict(Batch x, double t, Batch out) {
    model.predict(x, t, out);
  }

  @Override
  public void predictWithPullback(Batch x, double t, Batch out, BiConsumer<Batch, Batch> cotangent, Batch grad) {
    model.predictWithPullback(x, t, out, cotangent, grad);
  }

  @Override
  public void close() {
    model.close();
  }
}
