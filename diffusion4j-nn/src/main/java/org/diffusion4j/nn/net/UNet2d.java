package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The DDPM / ADM image U-Net (Ho et al. 2020, Appendix B; Nichol &amp; Dhariwal 2021, "Improved
 * DDPM"; Dhariwal &amp; Nichol 2021, "Diffusion Models Beat GANs", Sec. 3), following
 * {@code improved_diffusion/unet.py} ({@code UNetModel}, {@code ResBlock}, {@code AttentionBlock})
 * of openai/improved-diffusion at commit 6051920c with {@code use_scale_shift_norm=True} and
 * {@code conv_resample=True}:
 * <pre>
 *   emb = W2 silu(W1 sinusoidal(c) + b1) + b2  [+ E onehot(y)]        (4 x base features)
 *   h   = conv3x3([x, observed, mask])                                  (base channels)
 *   down: per level, numResBlocks x (ResBlock [+ Attention]), then a stride-2 conv3x3
 *         (not after the last level); every output is kept for a skip connection
 *   middle: ResBlock, Attention, ResBlock
 *   up: per level (deepest first), numResBlocks + 1 x (concat(h, skip) -&gt; ResBlock [+ Attention]),
 *       then nearest 2x upsampling + conv3x3 (not after level 0)
 *   F   = conv3x3(silu(GroupNorm(h)))                                   (zero-initialised)
 *
 *   ResBlock(h) = skip(h) + conv3x3'(dropout(silu(GroupNorm(u) (1 + scale) + shift)))
 *       u = conv3x3(silu(GroupNorm(h))),  [scale, shift] = W_e silu(emb) + b_e,
 *       conv3x3' zero-initialised, skip a 1x1 conv when the channel count changes
 *   Attention(h) = h + P MHA(Q, K, V),  [Q, K, V] = W_qkv GroupNorm(h) over the H W positions,
 *       P zero-initialised
 * </pre>
 * Differences from that file, none changing the function class or the parameter count: the
 * sinusoidal embedding is {@link Layers#sinusoidalEmbedding} of the continuous noise input c
 * (ADM embeds an integer step as [cos, sin]); attention heads split Q, K and V each into
 * contiguous channel blocks (guided-diffusion's {@code QKVAttention} order rather than
 * improved-diffusion's interleaved legacy order); the qkv and output 1x1 convolutions are stored
 * as (out, in) matrices; the class embedding is a one-hot (n, classes + 1) times a matrix, with the
 * extra null class of classifier-free guidance, initialised U(+-1/sqrt(classes + 1)) rather than
 * N(0, 1); GroupNorm uses {@link UNet2dConfig#groups()} groups instead of ADM's fixed 32;
 * attention is placed by feature-map height rather than downsampling rate. Other initial values
 * follow PyTorch's defaults as ADM does: U(+-1/sqrt(fan_in)) for convolutions and linear maps
 * (weights and biases), ones / zeros for the GroupNorm scale / shift, and zeros for every
 * {@code zero_module} layer.
 */
public final class UNet2d implements Network {
  private final UNet2dConfig config;
  private final List<ParamSpec> specs = new ArrayList<>();
  private final List<ParamInit.Kind> kinds = new ArrayList<>();
  private final List<String> fanInOf = new ArrayList<>();
  private final int embDim;
  private final int timeW1;
  private final int classW;
  private final int inConv;
  private final List<Step> down = new ArrayList<>();
  private final List<Step> middle = new ArrayList<>();
  private final List<Step> up = new ArrayList<>();
  private final int outNorm;
  private final int outConv;

  /** One stage of the plan; indices point into {@link #specs}. */
  private sealed interface Step permits Res, Attn, Down, Up, Push, Pop {}

  /** ResBlock: norm1 (gamma, beta), conv1 (w, b), emb (w, b), norm2 (gamma, beta), conv2 (w, b), skip (w, b) or -1. */
  private record Res(int first, int skip) implements Step {}

  /** Attention: norm (gamma, beta), qkv (w, b), proj (w, b). */
  private record Attn(int first) implements Step {}

  /** Stride-2 conv (w, b). */
  private record Down(int first) implements Step {}

  /** Nearest 2x upsampling + conv (w, b). */
  private record Up(int first) implements Step {}

  /** Keep the current activation for a skip connection. */
  private record Push() implements Step {}

  /** Concatenate the latest kept activation to the current one along the channels. */
  private record Pop() implements Step {}

  public UNet2d(UNet2dConfig config) {
    this.config = config;
    int base = config.baseChannels();
    this.embDim = 4 * base;
    this.timeW1 = add("time.0.weight", ParamInit.Kind.FAN_IN, null, embDim, base);
    add("time.0.bias", ParamInit.Kind.FAN_IN, "time.0.weight", embDim);
    add("time.2.weight", ParamInit.Kind.FAN_IN, null, embDim, embDim);
    add("time.2.bias", ParamInit.Kind.FAN_IN, "time.2.weight", embDim);
    this.classW = config.classes() > 0
        ? add("class.weight", ParamInit.Kind.FAN_IN, null, embDim, config.classes() + 1) : -1;
    this.inConv = add("in.weight", ParamInit.Kind.FAN_IN, null, base, config.channels() + config.condChannels(), 3, 3);
    add("in.bias", ParamInit.Kind.FAN_IN, "in.weight", base);

    int[] mult = config.channelMult();
    List<Integer> skipChannels = new ArrayList<>();
    skipChannels.add(base);
    int ch = base;
    int h = config.height();
    for (int level = 0; level < mult.length; level++) {
      for (int r = 0; r < config.numResBlocks(); r++) {
        String name = "down." + level + "." + r;
        down.add(res(name, ch, base * mult[level]));
        ch = base * mult[level];
        if (config.attentionAt(h)) {
          down.add(attn(name + ".attn", ch));
        }
        down.add(new Push());
        skipChannels.add(ch);
      }
      if (level < mult.length - 1) {
        String name = "down." + level + ".downsample";
        int w = add(name + ".weight", ParamInit.Kind.FAN_IN, null, ch, ch, 3, 3);
        add(name + ".bias", ParamInit.Kind.FAN_IN, name + ".weight", ch);
        down.add(new Down(w));
        down.add(new Push());
        skipChannels.add(ch);
        h /= 2;
      }
    }
    middle.add(res("mid.0", ch, ch));
    middle.add(attn("mid.attn", ch));
    middle.add(res("mid.1", ch, ch));
    for (int level = mult.length - 1; level >= 0; level--) {
      for (int i = 0; i <= config.numResBlocks(); i++) {
        String name = "up." + level + "." + i;
        up.add(new Pop());
        int in = ch + skipChannels.remove(skipChannels.size() - 1);
        up.add(res(name, in, base * mult[level]));
        ch = base * mult[level];
        if (config.attentionAt(h)) {
          up.add(attn(name + ".attn", ch));
        }
        if (level > 0 && i == config.numResBlocks()) {
          String un = "up." + level + ".upsample";
          int w = add(un + ".weight", ParamInit.Kind.FAN_IN, null, ch, ch, 3, 3);
          add(un + ".bias", ParamInit.Kind.FAN_IN, un + ".weight", ch);
          up.add(new Up(w));
          h *= 2;
        }
      }
    }
    this.outNorm = add("out.norm.gamma", ParamInit.Kind.ONES, null, ch);
    add("out.norm.beta", ParamInit.Kind.ZEROS, null, ch);
    this.outConv = add("out.weight", ParamInit.Kind.ZEROS, null, config.channels(), ch, 3, 3);
    add("out.bias", ParamInit.Kind.ZEROS, null, config.channels());
  }

  private int add(String name, ParamInit.Kind kind, String fanIn, long... shape) {
    specs.add(new ParamSpec(name, shape));
    kinds.add(kind);
    fanInOf.add(fanIn);
    return specs.size() - 1;
  }

  private Res res(String name, int in, int out) {
    int first = add(name + ".norm1.gamma", ParamInit.Kind.ONES, null, in);
    add(name + ".norm1.beta", ParamInit.Kind.ZEROS, null, in);
    add(name + ".conv1.weight", ParamInit.Kind.FAN_IN, null, out, in, 3, 3);
    add(name + ".conv1.bias", ParamInit.Kind.FAN_IN, name + ".conv1.weight", out);
    add(name + ".emb.weight", ParamInit.Kind.FAN_IN, null, 2L * out, embDim);
    add(name + ".emb.bias", ParamInit.Kind.FAN_IN, name + ".emb.weight", 2L * out);
    add(name + ".norm2.gamma", ParamInit.Kind.ONES, null, out);
    add(name + ".norm2.beta", ParamInit.Kind.ZEROS, null, out);
    add(name + ".conv2.weight", ParamInit.Kind.ZEROS, null, out, out, 3, 3);
    add(name + ".conv2.bias", ParamInit.Kind.ZEROS, null, out);
    int skip = -1;
    if (in != out) {
      skip = add(name + ".skip.weight", ParamInit.Kind.FAN_IN, null, out, in, 1, 1);
      add(name + ".skip.bias", ParamInit.Kind.FAN_IN, name + ".skip.weight", out);
    }
    return new Res(first, skip);
  }

  private Attn attn(String name, int ch) {
    int first = add(name + ".norm.gamma", ParamInit.Kind.ONES, null, ch);
    add(name + ".norm.beta", ParamInit.Kind.ZEROS, null, ch);
    add(name + ".qkv.weight", ParamInit.Kind.FAN_IN, null, 3L * ch, ch);
    add(name + ".qkv.bias", ParamInit.Kind.FAN_IN, name + ".qkv.weight", 3L * ch);
    add(name + ".proj.weight", ParamInit.Kind.ZEROS, null, ch, ch);
    add(name + ".proj.bias", ParamInit.Kind.ZEROS, null, ch);
    return new Attn(first);
  }

  @Override
  public UNet2dConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return List.copyOf(specs);
  }

  /** Index of the parameter tensor called {@code name} in {@link #specs()}. */
  public int indexOf(String name) {
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unet2d has no parameter '" + name + "'");
  }

  /** Seeded initial values (see the class comment); stream i of {@code Rng.of(initSeed)} for tensor i. */
  @Override
  public float[][] initialValues() {
    return ParamInit.values(config.initSeed(), specs, kinds.toArray(new ParamInit.Kind[0]),
        fanInOf.toArray(new String[0]));
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    Shape xs = x.getShape();
    long n = xs.get(0);
    if (xs.dimension() != 4 || xs.get(1) != config.channels() || xs.get(2) != config.height()
        || xs.get(3) != config.width()) {
      throw new IllegalArgumentException("unet2d expects x of shape (n, " + config.channels() + ", " + config.height()
          + ", " + config.width() + "), got " + xs);
    }
    List<NDArray> p = params.arrays();
    DataType type = x.getDataType();

    NDArray emb = Layers.sinusoidalEmbedding(c, config.baseChannels());
    emb = Layers.linear(Layers.silu(Layers.linear(emb, p.get(timeW1), p.get(timeW1 + 1))), p.get(timeW1 + 2),
        p.get(timeW1 + 3));
    if (classW >= 0) {
      NDArray oneHot = condition.requireClassOneHot();
      if (oneHot.getShape().dimension() != 2 || oneHot.getShape().get(0) != n
          || oneHot.getShape().get(1) != config.classes() + 1) {
        throw new IllegalArgumentException("unet2d: class one-hot must have shape (" + n + ", " + (config.classes() + 1)
            + "), got " + oneHot.getShape());
      }
      emb = emb.add(Layers.linear(oneHot.toType(type, false), p.get(classW), null));
    }
    // Every ResBlock starts its embedding projection with SiLU (ADM emb_layers); compute it once.
    NDArray embAct = Layers.silu(emb);

    NDArray h = config.condChannels() > 0 ? NDArrays.concat(new NDList(conditioningInputs(x, condition)), 1) : x;
    h = Layers.conv2d(h, p.get(inConv), p.get(inConv + 1), 1, 1);
    Deque<NDArray> skips = new ArrayDeque<>();
    skips.push(h);
    boolean training = condition.training();
    for (Step s : down) {
      h = apply(s, h, embAct, p, skips, training);
    }
    for (Step s : middle) {
      h = apply(s, h, embAct, p, skips, training);
    }
    for (Step s : up) {
      h = apply(s, h, embAct, p, skips, training);
    }
    h = Layers.silu(Layers.groupNorm(h, config.groups(), p.get(outNorm), p.get(outNorm + 1)));
    return Layers.conv2d(h, p.get(outConv), p.get(outConv + 1), 1, 1);
  }

  /** [x, observed, mask] for the condChannels inputs, each (n, k, H, W); a mask (n, H, W) counts as one channel. */
  private NDArray[] conditioningInputs(NDArray x, Condition condition) {
    List<NDArray> parts = new ArrayList<>();
    parts.add(x);
    long extra = 0;
    for (NDArray a : new NDArray[] {condition.observed(), condition.mask()}) {
      if (a == null) {
        continue;
      }
      NDArray b = a.getShape().dimension() == 3 ? a.expandDims(1) : a;
      Shape s = b.getShape();
      if (s.dimension() != 4 || s.get(0) != x.getShape().get(0) || s.get(2) != config.height()
          || s.get(3) != config.width()) {
        throw new IllegalArgumentException("unet2d: conditioning input must have shape (n, k, " + config.height() + ", "
            + config.width() + ") with n = " + x.getShape().get(0) + ", got " + a.getShape());
      }
      extra += s.get(1);
      parts.add(b.toType(x.getDataType(), false));
    }
    if (extra != config.condChannels()) {
      throw new IllegalArgumentException("unet2d was built for condChannels = " + config.condChannels()
          + " extra input channels (observed then mask), got " + extra);
    }
    return parts.toArray(new NDArray[0]);
  }

  private NDArray apply(Step s, NDArray h, NDArray embAct, List<NDArray> p, Deque<NDArray> skips, boolean training) {
    if (s instanceof Res r) {
      return resBlock(r, h, embAct, p, training);
    } else if (s instanceof Attn a) {
      return attention(a.first(), h, p);
    } else if (s instanceof Down d) {
      return Layers.conv2d(h, p.get(d.first()), p.get(d.first() + 1), 2, 1);
    } else if (s instanceof Up u) {
      return Layers.conv2d(Layers.upsample2x(h), p.get(u.first()), p.get(u.first() + 1), 1, 1);
    } else if (s instanceof Push) {
      skips.push(h);
      return h;
    } else {
      return h.concat(skips.pop(), 1);
    }
  }

  private NDArray resBlock(Res r, NDArray x, NDArray embAct, List<NDArray> p, boolean training) {
    int i = r.first();
    int groups = config.groups();
    NDArray h = Layers.silu(Layers.groupNorm(x, groups, p.get(i), p.get(i + 1)));
    h = Layers.conv2d(h, p.get(i + 2), p.get(i + 3), 1, 1);
    long out = h.getShape().get(1);
    NDArray ss = Layers.linear(embAct, p.get(i + 4), p.get(i + 5)).reshape(-1, 2 * out, 1, 1);
    NDList scaleShift = ss.split(2, 1);
    h = Layers.groupNorm(h, groups, p.get(i + 6), p.get(i + 7));
    h = h.mul(scaleShift.get(0).add(1)).add(scaleShift.get(1)); // (1 + scale) on the small (n, C, 1, 1) array
    h = Layers.dropout(Layers.silu(h), config.dropout(), training);
    h = Layers.conv2d(h, p.get(i + 8), p.get(i + 9), 1, 1);
    NDArray skip = r.skip() < 0 ? x : Layers.conv2d(x, p.get(r.skip()), p.get(r.skip() + 1), 1, 0);
    return skip.add(h);
  }

  private NDArray attention(int i, NDArray x, List<NDArray> p) {
    Shape s = x.getShape();
    long n = s.get(0);
    long ch = s.get(1);
    long l = s.get(2) * s.get(3);
    NDArray tokens = Layers.groupNorm(x, config.groups(), p.get(i), p.get(i + 1)).reshape(n, ch, l).transpose(0, 2, 1);
    NDList qkv = Layers.linear(tokens, p.get(i + 2), p.get(i + 3)).split(3, 2);
    NDArray a = Layers.attention(qkv.get(0), qkv.get(1), qkv.get(2), config.heads(), null);
    NDArray out = Layers.linear(a, p.get(i + 4), p.get(i + 5)).transpose(0, 2, 1).reshape(s);
    return x.add(out);
  }

  /** Number of parameter tensors. */
  public int tensorCount() {
    return specs.size();
  }
}
