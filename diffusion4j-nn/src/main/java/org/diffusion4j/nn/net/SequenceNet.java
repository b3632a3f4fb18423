package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;

/**
 * Time-conditioned denoiser for series x of shape (n, L, C), with one of three backbones (see
 * {@link SequenceNetConfig} for the shape and the conditioning contract).
 *
 * <p>Shared parts. Noise level: e = sinusoidal(c) ({@link Layers#sinusoidalEmbedding}, size W),
 * t = silu(W2 silu(W1 e + b1 [+ Wy onehot(y)]) + b2), the two-layer SiLU MLP of DiffWave's
 * DiffusionEmbedding and TSDiff's {@code time_init}. Input: x, with [observed, mask] appended
 * along channels when {@code condChannels} &gt; 0.
 *
 * <p>{@code DILATED_CONV} (DiffWave, lmnt-com/diffwave src/diffwave/model.py): h = relu(conv1x1(x));
 * layer i (dilation 2^(i mod cycle), cycle = min(10, ceil(log2 L)) so the dilations span the
 * series; DiffWave's dilation_cycle_length is 10): y = dilatedConv_k3(h + W_i t) [+ conv1x1(cond)],
 * y = sigmoid(gate) tanh(filter) on its two halves, (residual, skip) = conv1x1(y),
 * h = (h + residual)/sqrt(2); out = conv1x1(relu(conv1x1(sum skip / sqrt(depth)))), the last
 * convolution zero-initialised as in DiffWave. Weights use PyTorch's default uniform fan-in init
 * rather than DiffWave's Kaiming normal. Causal: the dilated convolutions are padded on the left only.
 *
 * <p>{@code TRANSFORMER}: h = W_in x + b + P + t (P a learned (L, W) position embedding); each of
 * {@code depth} pre-norm blocks h += attn(LN(h)), h += W2 gelu(W1 LN(h)) (MLP ratio 4);
 * out = W_out LN(h), zero-initialised. Causal: causal self-attention.
 *
 * <p>{@code S4} (TSDiff, amazon-science/unconditional-time-series-diffusion
 * src/uncond_ts_diff/arch/backbones.py, BackboneModel with S4Block): h = relu(W_in x); block b:
 * z = h + W_b t; z = z + dropout(S4(LN(z))) (S4Layer: pre-norm over channels, residual);
 * [z += conv1x1(cond)]; g = tanh(z) sigmoid(z); h = conv1x1(g) + h (not for the last block, whose
 * residual output TSDiff computes but never uses); skip += conv1x1(g);
 * out = W2 relu(W1 sum skip) (TSDiff's out_linear). S4(u) = conv1x1(dropout(gelu(K * u + D u)))
 * with the S4D kernel of {@link S4D} (TSDiff uses the full NPLR S4 with HiPPO-LegS; this is its
 * diagonal S4D variant with the S4D-Inv/Lin initialisation, state size N, bidirectional unless
 * causal). TSDiff's {@code init_skip} (adding the input to the output) is left out: the objective's
 * parameterisation decides what the network predicts.
 */
public final class SequenceNet implements Network {
  private final SequenceNetConfig config;
  private final List<ParamSpec> specs;
  private final List<ParamSpec> building = new ArrayList<>();
  private final List<ParamInit.Kind> kinds = new ArrayList<>();
  private final List<String> fanInOf = new ArrayList<>();
  /** First tensor index of each S4 block's six S4D tensors (logDt ... D), for the custom init. */
  private final List<Integer> s4Starts = new ArrayList<>();
  private final int dilationCycle;

  public SequenceNet(SequenceNetConfig config) {
    this.config = config;
    this.dilationCycle = Math.max(1, Math.min(10, 32 - Integer.numberOfLeadingZeros(config.length() - 1)));
    int w = config.width();
    int cin = config.channels() + config.condChannels();
    add("time.fc1.weight", ParamInit.Kind.FAN_IN, null, w, w);
    add("time.fc1.bias", ParamInit.Kind.FAN_IN, "time.fc1.weight", w);
    if (config.classes() > 0) {
      add("class.weight", ParamInit.Kind.FAN_IN, null, w, config.classes() + 1);
    }
    add("time.fc2.weight", ParamInit.Kind.FAN_IN, null, w, w);
    add("time.fc2.bias", ParamInit.Kind.FAN_IN, "time.fc2.weight", w);
    switch (config.backbone()) {
      case DILATED_CONV -> specsDilatedConv(w, cin);
      case TRANSFORMER -> specsTransformer(w, cin);
      case S4 -> specsS4(w, cin);
      default -> throw new IllegalStateException();
    }
    this.specs = List.copyOf(building);
  }

  private void specsDilatedConv(int w, int cin) {
    conv("in", w, cin, 1);
    for (int i = 0; i < config.depth(); i++) {
      String p = "layer" + i;
      linear(p + ".diffusion", w, w);
      conv(p + ".dilated", 2 * w, w, 3);
      if (config.condChannels() > 0) {
        conv(p + ".cond", 2 * w, config.condChannels(), 1);
      }
      conv(p + ".out", 2 * w, w, 1);
    }
    conv("skip", w, w, 1);
    add("out.weight", ParamInit.Kind.ZEROS, null, config.channels(), w, 1);
    add("out.bias", ParamInit.Kind.ZEROS, null, config.channels());
  }

  private void specsTransformer(int w, int cin) {
    linear("in", w, cin);
    add("pos", ParamInit.Kind.FAN_IN, null, config.length(), w);
    for (int i = 0; i < config.depth(); i++) {
      String p = "block" + i;
      norm(p + ".ln1", w);
      linear(p + ".qkv", 3 * w, w);
      linear(p + ".proj", w, w);
      norm(p + ".ln2", w);
      linear(p + ".fc1", 4 * w, w);
      linear(p + ".fc2", w, 4 * w);
    }
    norm("lnf", w);
    add("out.weight", ParamInit.Kind.ZEROS, null, config.channels(), w);
    add("out.bias", ParamInit.Kind.ZEROS, null, config.channels());
  }

  private void specsS4(int w, int cin) {
    linear("in", w, cin);
    int modes = config.stateSize() / 2;
    int kernels = config.causal() ? 1 : 2;
    for (int i = 0; i < config.depth(); i++) {
      String p = "block" + i;
      linear(p + ".time", w, w);
      norm(p + ".norm", w);
      s4Starts.add(building.size());
      add(p + ".s4.logDt", ParamInit.Kind.ZEROS, null, w);
      add(p + ".s4.logNegAReal", ParamInit.Kind.ZEROS, null, w, modes);
      add(p + ".s4.aImag", ParamInit.Kind.ZEROS, null, w, modes);
      add(p + ".s4.cRe", ParamInit.Kind.ZEROS, null, kernels, w, modes);
      add(p + ".s4.cIm", ParamInit.Kind.ZEROS, null, kernels, w, modes);
      add(p + ".s4.d", ParamInit.Kind.ZEROS, null, w);
      conv(p + ".s4.out", w, w, 1);
      if (config.condChannels() > 0) {
        conv(p + ".features", w, config.condChannels(), 1);
      }
      if (i < config.depth() - 1) { // the last block's residual output is unused (TSDiff discards it)
        conv(p + ".res", w, w, 1);
      }
      conv(p + ".skip", w, w, 1);
    }
    linear("out.fc1", w, w);
    linear("out.fc2", config.channels(), w);
  }

  private void add(String name, ParamInit.Kind kind, String fanIn, long... shape) {
    building.add(new ParamSpec(name, shape));
    kinds.add(kind);
    fanInOf.add(fanIn);
  }

  private void linear(String name, int out, int in) {
    add(name + ".weight", ParamInit.Kind.FAN_IN, null, out, in);
    add(name + ".bias", ParamInit.Kind.FAN_IN, name + ".weight", out);
  }

  private void conv(String name, int out, int in, int k) {
    add(name + ".weight", ParamInit.Kind.FAN_IN, null, out, in, k);
    add(name + ".bias", ParamInit.Kind.FAN_IN, name + ".weight", out);
  }

  private void norm(String name, int w) {
    add(name + ".gamma", ParamInit.Kind.ONES, null, w);
    add(name + ".beta", ParamInit.Kind.ZEROS, null, w);
  }

  @Override
  public SequenceNetConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /** The dilation cycle of the DILATED_CONV backbone: layer i has dilation 2^(i mod cycle). */
  public int dilationCycle() {
    return dilationCycle;
  }

  /**
   * Seeded initial values: uniform +-1/sqrt(fan_in) for weights and biases (PyTorch's default),
   * ones/zeros for norms, zeros for the zero-initialised outputs, and {@link S4D#initialValues}
   * for the S4D tensors (from stream i of the seed for the block whose first S4D tensor is i).
   */
  @Override
  public float[][] initialValues() {
    float[][] out = ParamInit.values(config.initSeed(), specs, kinds.toArray(new ParamInit.Kind[0]),
        fanInOf.toArray(new String[0]));
    int kernels = config.causal() ? 1 : 2;
    for (int start : s4Starts) {
      float[][] s4 = S4D.initialValues(Rng.of(config.initSeed()).stream(start), config.width(), config.stateSize(),
          kernels);
      System.arraycopy(s4, 0, out, start, s4.length);
    }
    return out;
  }

  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    long n = x.getShape().get(0);
    if (x.getShape().dimension() != 3 || x.getShape().get(1) != config.length()
        || x.getShape().get(2) != config.channels()) {
      throw new IllegalArgumentException("sequence net expects x of shape (n, " + config.length() + ", "
          + config.channels() + "), got " + x.getShape());
    }
    if (params.size() != specs.size()) {
      throw new IllegalArgumentException("sequence net needs " + specs.size() + " parameter tensors, got "
          + params.size() + ": the parameters do not belong to this configuration");
    }
    Cursor p = new Cursor(params.arrays());
    NDArray cond = conditionChannels(x, condition);
    NDArray input = cond == null ? x : x.concat(cond, 2);
    NDArray temb = timeEmbedding(p, c.toType(x.getDataType(), false), condition);
    boolean training = condition != null && condition.training();
    NDArray out = switch (config.backbone()) {
      case DILATED_CONV -> dilatedConv(p, input, cond, temb, training);
      case TRANSFORMER -> transformer(p, input, temb, training);
      case S4 -> s4(p, input, cond, temb, training);
    };
    if (p.used() != params.size()) {
      throw new IllegalStateException("sequence net used " + p.used() + " of " + params.size() + " parameter tensors");
    }
    return out;
  }

  private NDArray conditionChannels(NDArray x, Condition condition) {
    if (config.condChannels() == 0) {
      return null;
    }
    NDArray obs = condition == null ? null : condition.observed();
    NDArray mask = condition == null ? null : condition.mask();
    if (obs == null || mask == null) {
      throw new IllegalArgumentException("this sequence net is observation-conditioned (cond-channels "
          + config.condChannels() + "): pass condition.observed and condition.mask of shape " + x.getShape());
    }
    if (!obs.getShape().equals(x.getShape()) || !mask.getShape().equals(x.getShape())) {
      throw new IllegalArgumentException("condition.observed " + obs.getShape() + " and condition.mask "
          + mask.getShape() + " must both have the shape of x " + x.getShape());
    }
    return obs.toType(x.getDataType(), false).concat(mask.toType(x.getDataType(), false), 2);
  }

  private NDArray timeEmbedding(Cursor p, NDArray c, Condition condition) {
    NDArray e = Layers.sinusoidalEmbedding(c, config.width());
    NDArray h = Layers.linear(e, p.next(), p.next());
    if (config.classes() > 0) {
      if (condition == null) {
        throw new IllegalArgumentException("this network is class-conditional: pass class labels (or the null class)");
      }
      h = h.add(Layers.linear(condition.requireClassOneHot().toType(e.getDataType(), false), p.next(), null));
    }
    return Layers.silu(Layers.linear(Layers.silu(h), p.next(), p.next()));
  }

  /** (n, L, C) to the convolution layout (n, C, L) and back. */
  private static NDArray channelsFirst(NDArray a) {
    return a.transpose(0, 2, 1);
  }

  private NDArray dilatedConv(Cursor p, NDArray input, NDArray cond, NDArray temb, boolean training) {
    int l = config.length();
    NDArray h = Layers.relu(Layers.conv1d(channelsFirst(input), p.next(), p.next(), 0, 1));
    NDArray condT = cond == null ? null : channelsFirst(cond);
    NDArray skips = null;
    for (int i = 0; i < config.depth(); i++) {
      int dilation = 1 << (i % dilationCycle);
      NDArray y = h.add(Layers.linear(temb, p.next(), p.next()).expandDims(2));
      NDArray dw = p.next();
      NDArray db = p.next();
      if (config.causal()) {
        // Pad 2 d on both sides and keep the first L outputs: output l sees inputs l - 2d .. l.
        y = Layers.conv1d(y, dw, db, 2 * dilation, dilation).get(":, :, 0:" + l);
      } else {
        y = Layers.conv1d(y, dw, db, dilation, dilation);
      }
      if (condT != null) {
        y = y.add(Layers.conv1d(condT, p.next(), p.next(), 0, 1));
      }
      NDList gateFilter = y.split(2, 1);
      y = Layers.dropout(Layers.gatedTanh(gateFilter.get(1), gateFilter.get(0)), config.dropout(), training);
      NDList residualSkip = Layers.conv1d(y, p.next(), p.next(), 0, 1).split(2, 1);
      h = h.add(residualSkip.get(0)).div(Layers.scalar(h, Math.sqrt(2.0)));
      skips = skips == null ? residualSkip.get(1) : skips.add(residualSkip.get(1));
    }
    NDArray s = Layers.relu(Layers.conv1d(skips.div(Layers.scalar(skips, Math.sqrt(config.depth()))), p.next(), p.next(), 0, 1));
    NDArray out = Layers.conv1d(s, p.next(), p.next(), 0, 1);
    return channelsFirst(out);
  }

  private NDArray transformer(Cursor p, NDArray input, NDArray temb, boolean training) {
    double rate = config.dropout();
    NDArray h = Layers.linear(input, p.next(), p.next()).add(p.next().expandDims(0)).add(temb.expandDims(1));
    for (int i = 0; i < config.depth(); i++) {
      NDArray a = Layers.layerNorm(h, p.next(), p.next());
      NDList qkv = Layers.linear(a, p.next(), p.next()).split(3, 2);
      NDArray att = Layers.attention(qkv.get(0), qkv.get(1), qkv.get(2), config.heads(), null, config.causal());
      h = h.add(Layers.dropout(Layers.linear(att, p.next(), p.next()), rate, training));
      NDArray b = Layers.layerNorm(h, p.next(), p.next());
      NDArray mlp = Layers.linear(Layers.gelu(Layers.linear(b, p.next(), p.next())), p.next(), p.next());
      h = h.add(Layers.dropout(mlp, rate, training));
    }
    NDArray f = Layers.layerNorm(h, p.next(), p.next());
    return Layers.linear(f, p.next(), p.next());
  }

  private NDArray s4(Cursor p, NDArray input, NDArray cond, NDArray temb, boolean training) {
    double rate = config.dropout();
    int l = config.length();
    NDArray h = channelsFirst(Layers.relu(Layers.linear(input, p.next(), p.next()))); // (n, W, L)
    NDArray condT = cond == null ? null : channelsFirst(cond);
    NDArray skips = null;
    for (int i = 0; i < config.depth(); i++) {
      NDArray z = h.add(Layers.linear(temb, p.next(), p.next()).expandDims(2));
      NDArray u = channelsFirst(Layers.layerNorm(channelsFirst(z), p.next(), p.next()));
      NDArray kernels = S4D.kernel(p.next(), p.next(), p.next(), p.next(), p.next(), l);
      NDArray y = Layers.gelu(S4D.convolve(u, kernels, p.next()));
      y = Layers.conv1d(Layers.dropout(y, rate, training), p.next(), p.next(), 0, 1);
      z = z.add(Layers.dropout(y, rate, training));
      if (condT != null) {
        z = z.add(Layers.conv1d(condT, p.next(), p.next(), 0, 1));
      }
      NDArray g = Layers.gatedTanh(z, z);
      if (i < config.depth() - 1) {
        h = Layers.conv1d(g, p.next(), p.next(), 0, 1).add(h);
      }
      NDArray skip = Layers.conv1d(g, p.next(), p.next(), 0, 1);
      skips = skips == null ? skip : skips.add(skip);
    }
    NDArray s = Layers.relu(Layers.linear(channelsFirst(skips), p.next(), p.next()));
    return Layers.linear(s, p.next(), p.next());
  }

  /** Walks the parameter list in {@link #specs()} order. */
  private static final class Cursor {
    private final List<NDArray> arrays;
    private int i;

    Cursor(List<NDArray> arrays) {
      this.arrays = arrays;
    }

    NDArray next() {
      return arrays.get(i++);
    }

    int used() {
      return i;
    }
  }
}
