package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;

/**
 * Time-conditioned residual MLP for tabular and 2-D data:
 * <pre>
 *   e = embed(c)                                   (sinusoidal or random Fourier, size E)
 *   h = W_in x + b_in + silu(W_t e + b_t) [+ W_y onehot(y)]
 *   h = h + W_k silu(h) + b_k                      (k = 1..depth, pre-activation residual blocks,
 *                                                   He et al. 2016, "Identity Mappings", Eq. 3)
 *   F = W_out silu(h) + b_out
 * </pre>
 * SiLU is x sigmoid(x) (Elfwing et al. 2018). Class index {@code classes} is the null class of
 * classifier-free guidance (Ho &amp; Salimans 2022). Weights are initialised in plain Java from
 * {@code initSeed} (uniform +-1/sqrt(fan_in), PyTorch's nn.Linear default), so the same seed gives
 * the same network on every engine and thread count.
 */
public final class TimeMlp implements Network {
  private final MlpConfig config;
  private final float[] freqs;
  private final List<ParamSpec> specs;

  public TimeMlp(MlpConfig config) {
    this.config = config;
    int half = config.embedDim() / 2;
    this.freqs = new float[half];
    if (config.embedding() == TimeEmbedding.SINUSOIDAL) {
      for (int k = 0; k < half; k++) {
        freqs[k] = (float) (1000.0 * Math.exp(-Math.log(10000.0) * k / half));
      }
    } else {
      Rng rng = Rng.of(config.initSeed()).stream(1L << 40);
      for (int k = 0; k < half; k++) {
        freqs[k] = (float) (2 * Math.PI * config.fourierScale() * rng.nextGaussian());
      }
    }
    int w = config.width();
    List<ParamSpec> s = new ArrayList<>();
    s.add(new ParamSpec("time.weight", new long[] {w, config.embedDim()}));
    s.add(new ParamSpec("time.bias", new long[] {w}));
    s.add(new ParamSpec("in.weight", new long[] {w, config.dim()}));
    s.add(new ParamSpec("in.bias", new long[] {w}));
    if (config.classes() > 0) {
      s.add(new ParamSpec("class.weight", new long[] {w, config.classes() + 1}));
    }
    for (int k = 0; k < config.depth(); k++) {
      s.add(new ParamSpec("block" + k + ".weight", new long[] {w, w}));
      s.add(new ParamSpec("block" + k + ".bias", new long[] {w}));
    }
    s.add(new ParamSpec("out.weight", new long[] {config.dim(), w}));
    s.add(new ParamSpec("out.bias", new long[] {config.dim()}));
    this.specs = List.copyOf(s);
  }

  @Override
  public MlpConfig config() {
    return config;
  }

  /** The embedding frequencies w_k (a copy): the embedding of c is [sin(c w), cos(c w)]. */
  public float[] frequencies() {
    return freqs.clone();
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /** Seeded initial values: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases; stream per tensor. */
  @Override
  public float[][] initialValues() {
    Rng root = Rng.of(config.initSeed());
    float[][] out = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParamSpec p = specs.get(i);
      String owner = p.name().substring(0, p.name().indexOf('.'));
      long fanIn = specFor(owner + ".weight").shape()[1];
      double bound = 1 / Math.sqrt(fanIn);
      Rng r = root.stream(i);
      float[] v = new float[p.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = (float) ((2 * r.nextDouble() - 1) * bound);
      }
      out[i] = v;
    }
    return out;
  }

  private ParamSpec specFor(String name) {
    for (ParamSpec p : specs) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalStateException("no parameter " + name);
  }

  /**
   * F(x, c[, y]) for a batch: {@code x} (n, d), {@code c} (n, 1) noise-level input,
   * {@code classOneHot} (n, classes + 1) or null when unconditional. New arrays belong to the
   * manager of {@code x}.
   */
  public NDArray forward(ParamSet params, NDArray x, NDArray c, NDArray classOneHot) {
    List<NDArray> p = params.arrays();
    NDManager m = x.getManager();
    NDArray f = m.create(freqs, new Shape(1, freqs.length)).toType(x.getDataType(), false);
    NDArray arg = c.mul(f);
    NDArray emb = arg.sin().concat(arg.cos(), 1);
    int i = 0;
    NDArray temb = silu(Linear.linear(emb, p.get(i++), p.get(i++)).singletonOrThrow());
    NDArray h = Linear.linear(x, p.get(i++), p.get(i++)).singletonOrThrow().add(temb);
    if (config.classes() > 0) {
      if (classOneHot == null) {
        throw new IllegalArgumentException("this network is class-conditional: pass class labels (or the null class)");
      }
      h = h.add(Linear.linear(classOneHot, p.get(i++)).singletonOrThrow());
    }
    for (int k = 0; k < config.depth(); k++) {
      h = h.add(Linear.linear(silu(h), p.get(i++), p.get(i++)).singletonOrThrow());
    }
    return Linear.linear(silu(h), p.get(i++), p.get(i)).singletonOrThrow();
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    return forward(params, x, c, config.classes() > 0 ? condition.requireClassOneHot() : null);
  }

  /** One-hot rows for labels in [0, classes]; label {@code classes} is the null class. */
  public float[] oneHot(int[] labels) {
    return Condition.oneHot(labels, config.classes());
  }

  static NDArray silu(NDArray a) {
    return a.mul(a.getNDArrayInternal().sigmoid());
  }

  @SuppressWarnings("unused")
  private static NDList list(NDArray a) {
    return new NDList(a);
  }
}
