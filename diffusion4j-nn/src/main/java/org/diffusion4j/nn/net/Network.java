package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A time-conditioned network F(x, c | condition) as a pure function of its parameters: the
 * parameters live in a {@link ParamSet} that the caller owns (trainer, EMA copy, denoiser), so one
 * network object serves training, EMA evaluation and float64 gradient checks alike.
 *
 * <p>Contract of {@link #forward}:
 * <ul>
 *   <li>{@code x} has shape (n, sampleShape...) and the result the same shape;</li>
 *   <li>{@code c} is the (n, 1) noise-level input c_noise(t) of the objective's parameterisation;</li>
 *   <li>{@code condition} carries the optional inputs (class one-hot, masks, observed values,
 *       context, adjacency) — see {@link Condition}; a network rejects, with a clear message, a
 *       condition it needs but does not get;</li>
 *   <li>the computation runs in the data type of {@code x} (float32 in training, float64 in the
 *       gradient checks), and new arrays belong to the manager of {@code x}.</li>
 * </ul>
 * Initial values are computed in plain Java from {@link NetworkConfig#initSeed()}, one random
 * stream per tensor, so the same seed gives the same network on every engine and thread count.
 */
public interface Network {
  NetworkConfig config();

  /** Parameter names and shapes, in the order {@link #forward} expects them. */
  List<ParamSpec> specs();

  /** Seeded initial values, one flat row-major array per tensor of {@link #specs()}. */
  float[][] initialValues();

  /** F(x, c | condition); see the interface comment for shapes. */
  NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition);

  /** The DJL shape of a batch of {@code n} samples: (n, sampleShape...). */
  default ai.djl.ndarray.types.Shape batchShape(long n) {
    long[] s = config().sampleShape();
    long[] out = new long[s.length + 1];
    out[0] = n;
    System.arraycopy(s, 0, out, 1, s.length);
    return new ai.djl.ndarray.types.Shape(out);
  }

  /** Total number of scalar parameters. */
  default long parameterCount() {
    long s = 0;
    for (ParamSpec p : specs()) {
      s += p.size();
    }
    return s;
  }
}
