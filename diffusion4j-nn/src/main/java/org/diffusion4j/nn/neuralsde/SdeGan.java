package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.irregular.LinearPath;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.ParamLayout;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.random.Rng;

/**
 * SDE-GAN (Kidger, Foster, Li, Oberhauser &amp; Lyons 2021, "Neural SDEs as Infinite-Dimensional
 * GANs"), following torchsde's {@code examples/sde_gan.py}: the generator is a Stratonovich
 * neural SDE with general noise, x0 = MLP(V), V ~ N(0, I_initialNoise), drift and diffusion MLPs
 * of (t, x) with a final tanh, LipSwish activations (0.909 silu), a linear readout y = l(x); the
 * discriminator is a neural CDE on the linear interpolation of (t, y): h0 = MLP(Y_0), dh =
 * tanh-MLP(t, h) dY, score = mean over the batch of a linear readout of h_T. Both are solved with
 * reversible Heun (Kidger et al. 2021, "Efficient and Accurate Gradients for Neural SDEs", Alg. 1)
 * on the observation grid with dt = 1, as in the example.
 *
 * <p>Loss as in the example: L = D(generated) - D(real); the discriminator descends L and the
 * generator ascends it (the example negates the generator's gradients). Lipschitz constraint:
 * weight clipping as in the example, every discriminator linear weight clamped to
 * [-1/out_features, 1/out_features] after each step (no gradient penalty). Initialisation as the
 * example: generator initial-MLP parameters times {@code initMult1} = 3, drift/diffusion
 * parameters times {@code initMult2} = 0.5.
 *
 * <p>Differences from the example, for a CPU budget: gradients by backpropagation through the
 * reversible Heun steps (not its algebraic adjoint), Adam instead of Adadelta, no stochastic
 * weight averaging, fewer steps and smaller batches.
 */
public final class SdeGan {
  private SdeGan() {}

  /** Sizes and training settings; defaults as the example except the training budget and optimiser. */
  public record Options(int initialNoise, int noise, int hidden, int mlp, int layers, int steps, int batch,
      double generatorLr, double discriminatorLr, long seed) {
    public Options {
      if (initialNoise < 1 || noise < 1 || hidden < 1 || mlp < 1 || layers < 1 || steps < 0 || batch < 1) {
        throw new IllegalArgumentException("SDE-GAN sizes must be >= 1 and steps >= 0");
      }
      if (!(generatorLr > 0) || !(discriminatorLr > 0)) {
        throw new IllegalArgumentException("learning rates must be > 0, got " + generatorLr + " and "
            + discriminatorLr);
      }
    }

    /** initial noise 5, noise 3, hidden 16, mlp 16, 1 layer (the example's), 300 steps, batch 128, lr 1e-3 / 1e-3. */
    public static Options defaults() {
      return new Options(5, 3, 16, 16, 1, 300, 128, 1e-3, 1e-3, 0);
    }

    public Options withSteps(int s) {
      return new Options(initialNoise, noise, hidden, mlp, layers, s, batch, generatorLr, discriminatorLr, seed);
    }
  }

  /** Parameter layout of a stack of MLPs, each Linear(in, mlp) [Linear(mlp, mlp)]* Linear(mlp, out). */
  static final class Mlps {
    private final ParamLayout layout = new ParamLayout();
    List<ParamSpec> specs;
    private final Map<String, Integer> indexOf = new HashMap<>();

    void mlp(String name, int in, int out, int width, int layers) {
      layout.linear(name + ".0", in, width, true);
      for (int k = 1; k < layers; k++) {
        layout.linear(name + "." + k, width, width, true);
      }
      layout.linear(name + ".out", width, out, true);
    }

    void linear(String name, int out, int in) {
      layout.linear(name, in, out, true);
    }

    /** Freezes the layout: the spec list and the name index. */
    void done() {
      specs = layout.specs();
      for (int i = 0; i < specs.size(); i++) {
        indexOf.put(specs.get(i).name(), i);
      }
    }

    float[][] init(long seed) {
      return layout.initialValues(seed);
    }

    int index(String name) {
      Integer i = indexOf.get(name);
      if (i == null) {
        throw new IllegalArgumentException("no parameter " + name);
      }
      return i;
    }
  }

  /** The two networks' layouts for {@code o} and {@code dataSize} channels. */
  static final class Nets {
    final Options o;
    final Mlps gen = new Mlps();
    final Mlps disc = new Mlps();

    Nets(Options o) {
      this.o = o;
      gen.mlp("initial", o.initialNoise(), o.hidden(), o.mlp(), o.layers());
      gen.mlp("drift", 1 + o.hidden(), o.hidden(), o.mlp(), o.layers());
      gen.mlp("diffusion", 1 + o.hidden(), o.hidden() * o.noise(), o.mlp(), o.layers());
      gen.linear("readout", 1, o.hidden());
      disc.mlp("initial", 2, o.hidden(), o.mlp(), o.layers());
      disc.mlp("func", 1 + o.hidden(), o.hidden() * 2, o.mlp(), o.layers());
      disc.linear("readout", 1, o.hidden());
      gen.done();
      disc.done();
    }

    float[][] generatorInit(long seed) {
      float[][] w = gen.init(seed);
      for (int i = 0; i < w.length; i++) {
        String name = gen.specs.get(i).name();
        float mult = name.startsWith("initial") ? 3f : name.startsWith("readout") ? 1f : 0.5f;
        for (int j = 0; j < w[i].length; j++) {
          w[i][j] *= mult;
        }
      }
      return w;
    }

    NDArray mlp(Mlps layout, ParamSet p, String name, NDArray x, boolean tanh) {
      NDArray lip = IrregularNet.constant(x.getManager(), 0.909, x.getDataType());
      NDArray h = Layers.silu(lin(layout, p, name + ".0", x)).mul(lip);
      for (int k = 1; k < o.layers(); k++) {
        h = Layers.silu(lin(layout, p, name + "." + k, h)).mul(lip);
      }
      h = lin(layout, p, name + ".out", h);
      return tanh ? h.tanh() : h;
    }

    NDArray lin(Mlps layout, ParamSet p, String name, NDArray x) {
      return Layers.linear(x, p.get(layout.index(name + ".weight")), p.get(layout.index(name + ".bias")));
    }

    /** Generated paths y on {@code times}, (L, b, 1), from V and the Brownian increments in {@code rng}. */
    NDArray generate(ParamSet g, NDManager m, double[] times, int b, Rng rng) {
      int h = o.hidden();
      int q = o.noise();
      float[] v = new float[b * o.initialNoise()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) rng.nextGaussian();
      }
      NDArray x0 = mlp(gen, g, "initial", m.create(v, new Shape(b, o.initialNoise())), false);
      NDArray z = x0;
      NDArray y = x0;
      NDArray[] fg = fieldsAt(g, m, times[0], z, b);
      List<NDArray> ys = new ArrayList<>();
      ys.add(y);
      NDArray half = IrregularNet.constant(m, 0.5, z.getDataType());
      NDArray two = IrregularNet.constant(m, 2.0, z.getDataType());
      for (int n = 0; n + 1 < times.length; n++) {
        double dt = times[n + 1] - times[n];
        float[] w = new float[b * q];
        for (int i = 0; i < w.length; i++) {
          w[i] = (float) (Math.sqrt(dt) * rng.nextGaussian());
        }
        NDArray dw = m.create(w, new Shape(b, q, 1));
        NDArray dtA = IrregularNet.constant(m, dt, z.getDataType());
        NDArray z1 = y.mul(two).sub(z).add(fg[0].mul(dtA)).add(fg[1].matMul(dw).squeeze(2));
        NDArray[] fg1 = fieldsAt(g, m, times[n + 1], z1, b);
        NDArray y1 = y.add(fg1[0].add(fg[0]).mul(half).mul(dtA))
            .add(fg1[1].add(fg[1]).matMul(dw).squeeze(2).mul(half));
        z = z1;
        y = y1;
        fg = fg1;
        ys.add(y);
      }
      return lin(gen, g, "readout", NDArrays.stack(new NDList(ys), 0));
    }

    private NDArray[] fieldsAt(ParamSet g, NDManager m, double t, NDArray z, int b) {
      NDArray tz = timeColumn(m, t, b, z).concat(z, 1);
      return new NDArray[] {mlp(gen, g, "drift", tz, true),
          mlp(gen, g, "diffusion", tz, true).reshape(b, o.hidden(), o.noise())};
    }

    /** Discriminator score: mean over the batch of readout(h_T), for controls (L, b, 2) = (t, y). */
    NDArray score(ParamSet d, NDArray control, double[] times) {
      NDManager m = control.getManager();
      int b = (int) control.getShape().get(1);
      int h = o.hidden();
      NDArray z = mlp(disc, d, "initial", control.get(0), false);
      NDArray y = z;
      NDArray f = discField(d, m, times[0], z, b, h);
      NDArray half = IrregularNet.constant(m, 0.5, z.getDataType());
      NDArray two = IrregularNet.constant(m, 2.0, z.getDataType());
      for (int n = 0; n + 1 < times.length; n++) {
        NDArray dy = control.get(n + 1).sub(control.get(n)).expandDims(2);
        NDArray z1 = y.mul(two).sub(z).add(f.matMul(dy).squeeze(2));
        NDArray f1 = discField(d, m, times[n + 1], z1, b, h);
        y = y.add(f1.add(f).matMul(dy).squeeze(2).mul(half));
        z = z1;
        f = f1;
      }
      return lin(disc, d, "readout", y).mean();
    }

    private NDArray discField(ParamSet d, NDManager m, double t, NDArray z, int b, int h) {
      return mlp(disc, d, "func", timeColumn(m, t, b, z).concat(z, 1), true).reshape(b, h, 2);
    }

    private static NDArray timeColumn(NDManager m, double t, int b, NDArray like) {
      float[] c = new float[b];
      java.util.Arrays.fill(c, (float) t);
      return m.create(c, new Shape(b, 1)).toType(like.getDataType(), false);
    }

    /** Clamps every discriminator linear weight to [-1/out, 1/out] (biases are not clipped, as in the example). */
    void clip(ParamSet d) {
      for (int i = 0; i < disc.specs.size(); i++) {
        ParamSpec s = disc.specs.get(i);
        if (!s.name().endsWith(".weight")) {
          continue;
        }
        float lim = 1f / s.shape()[0];
        float[] w = d.get(i).toFloatArray();
        for (int j = 0; j < w.length; j++) {
          w[j] = Math.max(-lim, Math.min(lim, w[j]));
        }
        d.get(i).set(w);
      }
    }
  }

  /** A trained SDE-GAN: weights and the per-step loss D(generated) - D(real). */
  public record Trained(Options options, float[][] generator, float[][] discriminator, double[] losses,
      double[] times) {
    /** {@code n} generated paths on the training times, row-major (n, L), from {@code seed}. */
    public double[] sample(int n, long seed) {
      Nets nets = new Nets(options);
      try (NDManager m = DjlRuntime.newManager()) {
        ParamSet g = ParamSet.of(m, nets.gen.specs, generator, false);
        float[] y = nets.generate(g, m, times, n, Rng.of(seed)).toFloatArray(); // (L, n, 1)
        int length = times.length;
        double[] out = new double[n * length];
        for (int k = 0; k < length; k++) {
          for (int i = 0; i < n; i++) {
            out[i * length + k] = y[k * n + i];
          }
        }
        return out;
      }
    }
  }

  /**
   * The example's dataset: time-dependent OU dy = (mu t - theta y) dt + sigma (2 t / L) dW with
   * mu = 0.02, theta = 0.1, sigma = 0.4, y0 ~ U(-1, 1), on times 0 .. L - 1 (Euler-Maruyama with
   * dt = 0.1, as the example's sdeint), 30% of all values dropped (NaN), then normalised with the
   * mean and sd of the observed initial values.
   */
  public static IrregularBatch ouData(int n, int length, long seed) {
    double mu = 0.02;
    double theta = 0.1;
    double sigma = 0.4;
    int sub = 10;
    double dt = 1.0 / sub;
    double[] v = new double[n * length];
    Rng root = Rng.of(seed);
    for (int i = 0; i < n; i++) {
      Rng r = root.stream(i);
      double y = 2 * r.nextDouble() - 1;
      v[i * length] = y;
      for (int k = 1; k < length; k++) {
        for (int s = 0; s < sub; s++) {
          double t = (k - 1) + s * dt;
          y += (mu * t - theta * y) * dt + sigma * (2 * t / length) * Math.sqrt(dt) * r.nextGaussian();
        }
        v[i * length + k] = y;
      }
    }
    Rng drop = root.stream(n + 1L);
    for (int q = 0; q < v.length; q++) {
      if (drop.nextDouble() < 0.3) {
        v[q] = Double.NaN;
      }
    }
    double mean = 0;
    int count = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(v[i * length])) {
        mean += v[i * length];
        count++;
      }
    }
    mean /= count;
    double var = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(v[i * length])) {
        var += (v[i * length] - mean) * (v[i * length] - mean);
      }
    }
    double sd = Math.sqrt(var / (count - 1));
    for (int q = 0; q < v.length; q++) {
      v[q] = (v[q] - mean) / sd;
    }
    double[] times = new double[length];
    for (int k = 0; k < length; k++) {
      times[k] = k;
    }
    return new IrregularBatch(times, v, n, 1);
  }

  /** Real controls (t, y) for rows {@code rows} of the linearly filled data, (L, b, 2). */
  static NDArray realControl(NDManager m, double[] filled, double[] times, int[] rows) {
    int length = times.length;
    float[] c = new float[length * rows.length * 2];
    for (int k = 0; k < length; k++) {
      for (int i = 0; i < rows.length; i++) {
        c[(k * rows.length + i) * 2] = (float) times[k];
        c[(k * rows.length + i) * 2 + 1] = (float) filled[rows[i] * length + k];
      }
    }
    return m.create(c, new Shape(length, rows.length, 2));
  }

  /** Generated controls: (t, y) with y (L, b, 1). */
  static NDArray withTime(NDManager m, NDArray y, double[] times) {
    int length = times.length;
    int b = (int) y.getShape().get(1);
    float[] t = new float[length * b];
    for (int k = 0; k < length; k++) {
      java.util.Arrays.fill(t, k * b, (k + 1) * b, (float) times[k]);
    }
    return m.create(t, new Shape(length, b, 1)).concat(y, 2);
  }

  /** Trains generator and discriminator on {@code data} (one channel, NaN = missing). */
  public static Trained fit(IrregularBatch data, Options o) {
    if (data.channels() != 1) {
      throw new IllegalArgumentException("the SDE-GAN models one channel, got " + data.channels());
    }
    Nets nets = new Nets(o);
    double[] times = data.times();
    double[] filled = LinearPath.fill(data);
    int n = data.series();
    int b = Math.min(o.batch(), n);
    Rng root = Rng.of(o.seed());
    float[][] gw = nets.generatorInit(root.stream(0).nextLong());
    float[][] dw = nets.disc.init(root.stream(1).nextLong());
    double[] losses = new double[o.steps()];
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet g = ParamSet.of(manager, nets.gen.specs, gw, true);
      ParamSet d = ParamSet.of(manager, nets.disc.specs, dw, true);
      Adam ga = new Adam(manager, g, o.generatorLr());
      Adam da = new Adam(manager, d, o.discriminatorLr());
      nets.clip(d);
      Rng batches = root.stream(2);
      int[] rows = new int[b];
      for (int k = 0; k < o.steps(); k++) {
        for (int i = 0; i < b; i++) {
          rows[i] = batches.nextInt(n);
        }
        try (NDManager sm = manager.newSubManager()) {
          NDArray loss;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            loss = lossOn(nets, g, d, sm, filled, times, rows, root.stream(3, k));
            gc.backward(loss);
          }
          losses[k] = loss.getFloat();
          ga.step(sm, -1); // the generator ascends D(generated) - D(real)
          da.step(sm, 1);
          ga.zeroGrads();
          da.zeroGrads();
          nets.clip(d);
        }
      }
      gw = g.toFloats();
      dw = d.toFloats();
    }
    return new Trained(o, gw, dw, losses, times);
  }

  /** L = D(generated) - D(real) on the real rows {@code rows}, generator noise from {@code rng}. */
  static NDArray lossOn(Nets nets, ParamSet g, ParamSet d, NDManager sm, double[] filled, double[] times, int[] rows,
      Rng rng) {
    NDArray generated = withTime(sm, nets.generate(g, sm, times, rows.length, rng), times);
    NDArray real = realControl(sm, filled, times, rows);
    return nets.score(d, generated, times).sub(nets.score(d, real, times));
  }
}
