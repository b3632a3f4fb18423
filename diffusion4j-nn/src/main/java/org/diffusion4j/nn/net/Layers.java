package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;

/**
 * Functional building blocks shared by the networks of this package: each takes its parameters
 * as arrays (so a {@link Network} stays a pure function of its {@link ParamSet}) and computes in
 * the data type of its input. Shapes follow PyTorch: images (n, C, H, W), sequences for
 * convolutions (n, C, L), sequences for attention (n, L, D).
 */
public final class Layers {
  private Layers() {}

  /**
   * The constant {@code value} as a scalar array in {@code like}'s type, owned by {@code like}'s
   * manager. Use it instead of {@code like.mul(Number)} / {@code div(Number)} / {@code pow(Number)}
   * inside an autograd graph: DJL's PyTorch engine builds such a scalar on an uncopied direct buffer
   * and closes it at once, so a garbage collection before the backward pass can free the memory
   * autograd still reads (a wrong gradient; {@code ScalarLifetimeTest}).
   */
  public static NDArray scalar(NDArray like, double value) {
    NDArray s = like.getManager().create(value);
    return s.getDataType() == like.getDataType() ? s : s.toType(like.getDataType(), false);
  }

  /** SiLU / swish: x sigmoid(x) (Elfwing et al. 2018). */
  public static NDArray silu(NDArray a) {
    return a.mul(a.getNDArrayInternal().sigmoid());
  }

  /** Logistic sigmoid 1 / (1 + exp(-x)) (the GRU's gates). */
  public static NDArray sigmoid(NDArray a) {
    return a.getNDArrayInternal().sigmoid();
  }

  /**
   * Sees (and may replace) the output of every {@link #linear}, {@link #conv2d} and {@link #conv1d}
   * computed on this thread while {@link #withOutputTap} runs: the hook of post-training
   * quantisation (activation ranges, fake-quantised activations; nn.compress). Layers are numbered
   * by call order within one forward pass, which the tap counts itself.
   */
  @FunctionalInterface
  public interface OutputTap {
    NDArray apply(NDArray layerOutput);
  }

  private static final ThreadLocal<OutputTap> TAP = new ThreadLocal<>();

  /** Runs {@code body} with {@code tap} applied to every weight layer's output on this thread (not nestable). */
  public static <T> T withOutputTap(OutputTap tap, java.util.function.Supplier<T> body) {
    if (TAP.get() != null) {
      throw new IllegalStateException("an output tap is already installed on this thread");
    }
    TAP.set(tap);
    try {
      return body.get();
    } finally {
      TAP.remove();
    }
  }

  private static NDArray tapped(NDArray out) {
    OutputTap tap = TAP.get();
    return tap == null ? out : tap.apply(out);
  }

  /** x W^T + b over the last axis; W (out, in), b (out) or null. */
  public static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return tapped((b == null ? Linear.linear(x, w) : Linear.linear(x, w, b)).singletonOrThrow());
  }

  /** 2-D convolution, stride {@code stride}, zero padding {@code pad}; W (out, in, k, k), b (out) or null. */
  public static NDArray conv2d(NDArray x, NDArray w, NDArray b, int stride, int pad) {
    return tapped(Conv2d.conv2d(x, w, b, new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1)
        .singletonOrThrow());
  }

  /** 1-D convolution over (n, C, L); W (out, in, k), b (out) or null. */
  public static NDArray conv1d(NDArray x, NDArray w, NDArray b, int pad, int dilation) {
    return tapped(Conv1d.conv1d(x, w, b, new Shape(1), new Shape(pad), new Shape(dilation), 1).singletonOrThrow());
  }

  /** GELU, x Phi(x) with the exact normal CDF (Hendrycks &amp; Gimpel 2016; torch.nn.GELU default). */
  public static NDArray gelu(NDArray a) {
    return a.getNDArrayInternal().gelu();
  }

  /** ReLU, max(x, 0). */
  public static NDArray relu(NDArray a) {
    return a.getNDArrayInternal().relu();
  }

  /**
   * Gated activation tanh(filter) sigmoid(gate) of WaveNet (van den Oord et al. 2016, Eq. 2), as
   * used by DiffWave's residual layers (lmnt-com/diffwave model.py) and TSDiff's S4 blocks.
   */
  public static NDArray gatedTanh(NDArray filter, NDArray gate) {
    return filter.tanh().mul(gate.getNDArrayInternal().sigmoid());
  }

  /**
   * Group normalisation (Wu &amp; He 2018, Eq. 1-3 with the group set of Eq. 7): x (n, C, ...)
   * is normalised over each group of C/G channels and all trailing axes (biased variance,
   * {@code eps} 1e-5 as torch.nn.GroupNorm), then scaled and shifted per channel by gamma, beta (C).
   * Computed by PyTorch's fused layer norm over the reshaped (n, G, rest) tensor.
   */
  public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    long c = s.get(1);
    if (c % groups != 0) {
      throw new IllegalArgumentException("group norm: " + c + " channels are not divisible into " + groups + " groups");
    }
    long rest = s.size() / (s.get(0) * groups);
    NDArray g = x.reshape(s.get(0), groups, rest);
    NDManager m = x.getManager();
    NDArray ones = m.ones(new Shape(rest), x.getDataType());
    NDArray zeros = m.zeros(new Shape(rest), x.getDataType());
    NDArray normed = LayerNorm.layerNorm(g, new Shape(rest), ones, zeros, 1e-5f).singletonOrThrow().reshape(s);
    long[] bshape = new long[s.dimension()];
    java.util.Arrays.fill(bshape, 1);
    bshape[1] = c;
    Shape bs = new Shape(bshape);
    return normed.mul(gamma.reshape(bs)).add(beta.reshape(bs));
  }

  /** Layer normalisation over the last axis (Ba et al. 2016), eps 1e-5; gamma, beta (D). */
  public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    return LayerNorm.layerNorm(x, new Shape(s.get(s.dimension() - 1)), gamma, beta, 1e-5f).singletonOrThrow();
  }

  /**
   * Inverted dropout with keep probability 1 - rate when {@code training}; identity otherwise.
   * The mask comes from PyTorch's generator, which the trainer seeds per step, so runs are
   * reproducible at a fixed thread count.
   */
  public static NDArray dropout(NDArray x, double rate, boolean training) {
    if (!training || rate == 0) {
      return x;
    }
    return Dropout.dropout(x, (float) rate, true).singletonOrThrow();
  }

  /**
   * Scaled dot-product attention (Vaswani et al. 2017, Eq. 1) with {@code heads} heads:
   * q, k, v (n, L, D) -&gt; (n, L, D). {@code keyMask} (n, L) or null: keys with mask 0 get
   * weight 0 (their scores are set to -1e9 before the softmax).
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray keyMask) {
    return attention(q, k, v, heads, keyMask, false);
  }

  /**
   * {@link #attention(NDArray, NDArray, NDArray, int, NDArray)}, optionally causal: with
   * {@code causal} query i attends only to keys j &lt;= i (scores above the diagonal set to -1e9,
   * the decoder mask of Vaswani et al. 2017, Sec. 3.2.3); needs as many keys as queries.
   */
  public static NDArray attention(NDArray q, NDArray k, NDArray v, int heads, NDArray keyMask, boolean causal) {
    Shape s = q.getShape();
    long n = s.get(0);
    long l = s.get(1);
    long d = s.get(2);
    if (d % heads != 0) {
      throw new IllegalArgumentException("attention: width " + d + " is not divisible by " + heads + " heads");
    }
    long dh = d / heads;
    NDArray qh = q.reshape(n, l, heads, dh).transpose(0, 2, 1, 3);
    NDArray kh = k.reshape(n, k.getShape().get(1), heads, dh).transpose(0, 2, 3, 1);
    NDArray vh = v.reshape(n, v.getShape().get(1), heads, dh).transpose(0, 2, 1, 3);
    NDArray scores = qh.matMul(kh).div(scalar(qh, Math.sqrt(dh)));
    if (keyMask != null) {
      NDArray km = keyMask.reshape(n, 1, 1, keyMask.getShape().get(1));
      scores = scores.add(km.sub(1).mul(scalar(km, 1e9)));
    }
    if (causal) {
      long lk = k.getShape().get(1);
      if (lk != l) {
        throw new IllegalArgumentException("causal attention needs as many keys as queries, got " + lk + " and " + l);
      }
      float[] future = new float[Math.toIntExact(l * l)];
      for (int i = 0; i < l; i++) {
        for (int j = i + 1; j < l; j++) {
          future[Math.toIntExact(i * l + j)] = -1e9f;
        }
      }
      scores = scores.add(q.getManager().create(future, new Shape(1, 1, l, l)).toType(scores.getDataType(), false));
    }
    NDArray att = scores.softmax(-1);
    return att.matMul(vh).transpose(0, 2, 1, 3).reshape(n, l, d);
  }

  /** Nearest-neighbour 2x upsampling of (n, C, H, W). */
  public static NDArray upsample2x(NDArray x) {
    return x.repeat(2, 2).repeat(3, 2);
  }

  /**
   * Sinusoidal embedding of the (n, 1) noise input c: [sin(1000 c w_k), cos(1000 c w_k)],
   * w_k = 10000^(-k/(E/2)) (Vaswani et al. 2017, Sec. 3.5, as used by Ho et al. 2020, scaled by
   * 1000 because c is in [0, 1] rather than an integer step). Result (n, E).
   */
  public static NDArray sinusoidalEmbedding(NDArray c, int dim) {
    int half = dim / 2;
    float[] f = new float[half];
    for (int k = 0; k < half; k++) {
      f[k] = (float) (1000.0 * Math.exp(-Math.log(10000.0) * k / half));
    }
    NDArray freqs = c.getManager().create(f, new Shape(1, half)).toType(c.getDataType(), false);
    NDArray arg = c.reshape(-1, 1).mul(freqs);
    return arg.sin().concat(arg.cos(), 1);
  }
  /** ELU with alpha 1 (Clevert et al. 2016): x for x &gt; 0, exp(x) - 1 otherwise (the activation of GDSS's MLPs). */
  public static NDArray elu(NDArray a) {
    return a.getNDArrayInternal().elu(1f);
  }

  /**
   * The GCN propagation matrix D^-1/2 (A with unit diagonal) D^-1/2 of a dense (weighted)
   * adjacency (..., N, N), the last two axes a graph: Kipf &amp; Welling (2017), Eq. 2, as
   * torch_geometric's DenseGCNConv copied into GDSS models/layers.py: the diagonal is set to 1
   * (not added), and degrees are clamped below at 1 before the inverse square root (so noisy or
   * negative weights never divide by zero). A layer is then P (x W) + b.
   */
  public static NDArray gcnPropagation(NDArray adj) {
    Shape s = adj.getShape();
    long n = s.get(s.dimension() - 1);
    NDArray eye = adj.getManager().eye((int) n).toType(adj.getDataType(), false);
    NDArray withLoops = adj.mul(eye.neg().add(1)).add(eye);
    NDArray degInvSqrt = withLoops.sum(new int[] {-1}).maximum(1).pow(scalar(withLoops, -0.5));
    return withLoops.mul(degInvSqrt.expandDims(-1)).mul(degInvSqrt.expandDims(-2));
  }

  /**
   * The first {@code k} matrix powers A, A^2, ..., A^k of a batch of adjacencies (n, N, N),
   * stacked as channels (n, k, N, N): GDSS's {@code pow_tensor} (utils/graph_utils.py), the
   * multi-hop input channels of its attention layers.
   */
  public static NDArray adjacencyPowers(NDArray adj, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("adjacency powers: need k >= 1, got " + k);
    }
    ai.djl.ndarray.NDList powers = new ai.djl.ndarray.NDList(k);
    NDArray p = adj;
    powers.add(p.expandDims(1));
    for (int i = 1; i < k; i++) {
      p = p.matMul(adj);
      powers.add(p.expandDims(1));
    }
    return k == 1 ? powers.get(0) : ai.djl.ndarray.NDArrays.concat(powers, 1);
  }
}
