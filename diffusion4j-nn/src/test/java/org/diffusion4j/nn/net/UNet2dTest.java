package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UNet2dTest {

  /** 1 x 8 x 8, base 8, levels (8, 4) with multipliers {1, 2}, attention at 4, 2 heads, 2 groups. */
  static UNet2dConfig tiny(int classes, int condChannels) {
    return new UNet2dConfig(1, 8, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 2, 0.0, 2, classes, condChannels, 3);
  }

  /** Random values for every tensor (the default init zeroes whole layers, which would hide errors). */
  static double[][] randomWeights(UNet2d net, long seed) {
    List<ParamSpec> specs = net.specs();
    double[][] w = new double[specs.size()][];
    Rng r = Rng.of(seed);
    for (int i = 0; i < w.length; i++) {
      ParamSpec s = specs.get(i);
      long fanIn = s.shape().length > 1 ? s.size() / s.shape()[0] : 4;
      double scale = 1 / Math.sqrt(fanIn);
      boolean gamma = s.name().endsWith("gamma");
      w[i] = new double[s.size()];
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = (gamma ? 1 : 0) + (gamma ? 0.3 : scale) * r.nextGaussian();
      }
    }
    return w;
  }

  static float[] toFloat(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }

  static float[][] toFloat(double[][] a) {
    float[][] f = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      f[i] = toFloat(a[i]);
    }
    return f;
  }

  static double[] gaussian(long seed, int n, double scale) {
    Rng r = Rng.of(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  @Test
  void defaultMnistParameterCount() {
    UNet2d net = UNet2dConfig.defaults(1, 28, 28).build();
    assertEquals(UNet2dConfig.MNIST_PARAMETERS, net.parameterCount());
    long fromValues = 0;
    for (float[] v : net.initialValues()) {
      fromValues += v.length;
    }
    assertEquals(net.parameterCount(), fromValues);
  }

  @Test
  void outputShapes() {
    try (NDManager m = DjlRuntime.newManager()) {
      int n = 3;
      NDArray c = m.create(new float[] {0.1f, 0.5f, 0.9f}, new Shape(n, 1));
      // unconditional default MNIST net
      UNet2d plain = UNet2dConfig.defaults(1, 28, 28).build();
      ParamSet p = ParamSet.of(m, plain.specs(), plain.initialValues(), false);
      NDArray x = m.randomNormal(new Shape(n, 1, 28, 28));
      NDArray y = plain.forward(p, x, c, Condition.NONE);
      assertEquals(new Shape(n, 1, 28, 28), y.getShape());
      // ADM's zero_module output convolution: the initial network is exactly the zero function
      assertEquals(0f, y.abs().max().getFloat());
      // class-conditional, 3 channels, non-square, random weights so the output is not all zero
      UNet2dConfig cc = new UNet2dConfig(3, 8, 12, 8, new int[] {1, 2}, 1, new int[] {4}, 2, 0.1, 4, 5, 0, 0);
      UNet2d cnet = cc.build();
      ParamSet cp = ParamSet.of(m, cnet.specs(), toFloat(randomWeights(cnet, 1)), false);
      NDArray oneHot = m.create(Condition.oneHot(new int[] {0, 4, 5}, 5), new Shape(n, 6));
      NDArray xc = m.randomNormal(new Shape(n, 3, 8, 12));
      NDArray yc = cnet.forward(cp, xc, c, Condition.ofClasses(oneHot));
      assertEquals(new Shape(n, 3, 8, 12), yc.getShape());
      // the class changes the output
      NDArray other = m.create(Condition.oneHot(new int[] {1, 4, 5}, 5), new Shape(n, 6));
      NDArray yo = cnet.forward(cp, xc, c, Condition.ofClasses(other));
      assertTrue(yc.get(0).sub(yo.get(0)).abs().max().getFloat() > 1e-4);
      assertEquals(0f, yc.get(1).sub(yo.get(1)).abs().max().getFloat());
      // inpainting-style conditioning: observed (n, 1, H, W) and mask (n, H, W) -> 2 extra channels
      UNet2d inp = tiny(0, 2).build();
      ParamSet ip = ParamSet.of(m, inp.specs(), toFloat(randomWeights(inp, 2)), false);
      NDArray xi = m.randomNormal(new Shape(n, 1, 8, 8));
      NDArray mask = m.randomUniform(0, 1, new Shape(n, 8, 8)).gt(0.5).toType(DataType.FLOAT32, false);
      Condition cond = Condition.NONE.withObserved(xi.mul(mask.expandDims(1))).withMask(mask);
      NDArray yi = inp.forward(ip, xi, c, cond);
      assertEquals(new Shape(n, 1, 8, 8), yi.getShape());
      NDArray yi2 = inp.forward(ip, xi, c, cond.withMask(mask.mul(0)));
      assertTrue(yi.sub(yi2).abs().max().getFloat() > 1e-4, "the mask channel must reach the output");
    }
  }

  /**
   * Float64 reverse-mode gradients of sum(F r) (random r) with respect to several parameter
   * tensors and the input, against central finite differences with h = 1e-6 (truncation error
   * O(h^2) ~ 1e-12, rounding ~ 1e-16 |F| / h ~ 1e-10), to 1e-6 relative.
   */
  @Test
  void gradientsMatchFiniteDifferences() {
    UNet2dConfig cfg = tiny(3, 0);
    UNet2d net = cfg.build();
    double[][] w = randomWeights(net, 5);
    int n = 2;
    double[] x = gaussian(6, n * 64, 1);
    double[] r = gaussian(7, n * 64, 1);
    double[] cs = {0.003, 0.007};
    int[] labels = {1, 3};
    String[] checked = {"in.weight", "down.0.0.norm1.gamma", "down.0.0.conv1.weight", "down.0.0.emb.weight",
        "down.0.0.conv2.weight", "down.0.downsample.weight", "down.1.0.attn.qkv.weight", "mid.attn.qkv.weight",
        "mid.attn.proj.weight", "mid.1.norm2.beta", "up.1.0.skip.weight", "up.1.upsample.weight",
        "up.0.1.conv2.bias", "out.norm.gamma", "out.weight", "time.0.weight", "class.weight"};
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, true);
      NDArray xa = m.create(x, new Shape(n, 1, 8, 8));
      xa.setRequiresGradient(true);
      NDArray c = m.create(cs, new Shape(n, 1));
      NDArray oneHot = m.create(Condition.oneHot(labels, 3), new Shape(n, 4));
      NDArray ra = m.create(r, new Shape(n, 1, 8, 8));
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray f = net.forward(p, xa, c, Condition.ofClasses(oneHot));
        assertEquals(DataType.FLOAT64, f.getDataType());
        gc.backward(f.mul(ra).sum());
      }
      Rng pick = Rng.of(8);
      int compared = 0;
      for (String name : checked) {
        int t = net.indexOf(name);
        double[] g = p.get(t).getGradient().toDoubleArray();
        for (int k = 0; k < 3; k++) {
          int j = pick.nextInt(g.length);
          double saved = w[t][j];
          w[t][j] = saved + 1e-6;
          double plus = projected(m, net, w, x, cs, labels, r);
          w[t][j] = saved - 1e-6;
          double minus = projected(m, net, w, x, cs, labels, r);
          w[t][j] = saved;
          double fd = (plus - minus) / 2e-6;
          assertEquals(fd, g[j], 1e-6 * Math.max(1, Math.abs(fd)), name + "[" + j + "]");
          compared++;
        }
      }
      double[] gx = xa.getGradient().toDoubleArray();
      for (int k = 0; k < 6; k++) {
        int j = pick.nextInt(x.length);
        double saved = x[j];
        x[j] = saved + 1e-6;
        double plus = projected(m, net, w, x, cs, labels, r);
        x[j] = saved - 1e-6;
        double minus = projected(m, net, w, x, cs, labels, r);
        x[j] = saved;
        assertEquals((plus - minus) / 2e-6, gx[j], 1e-6 * Math.max(1, Math.abs(gx[j])), "x[" + j + "]");
        compared++;
      }
      assertEquals(checked.length * 3 + 6, compared);
    }
  }

  private static double projected(NDManager parent, UNet2d net, double[][] w, double[] x, double[] cs, int[] labels,
      double[] r) {
    try (NDManager m = parent.newSubManager()) {
      int n = cs.length;
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, false);
      NDArray oneHot = m.create(Condition.oneHot(labels, net.config().classes()),
          new Shape(n, net.config().classes() + 1));
      NDArray f = net.forward(p, m.create(x, new Shape(n, 1, 8, 8)), m.create(cs, new Shape(n, 1)),
          Condition.ofClasses(oneHot));
      return f.mul(m.create(r, new Shape(n, 1, 8, 8))).sum().getDouble();
    }
  }

  /** Layers.groupNorm against the Wu &amp; He (2018) formula computed here in plain Java. */
  @Test
  void groupNormMatchesFormula() {
    int n = 2;
    int ch = 6;
    int groups = 3;
    int hw = 5;
    double[] x = gaussian(21, n * ch * hw, 2);
    for (int i = 0; i < x.length; i++) {
      x[i] += i % 7; // a different mean per group
    }
    double[] gamma = gaussian(22, ch, 1);
    double[] beta = gaussian(23, ch, 1);
    double[] expected = new double[x.length];
    int per = ch / groups;
    for (int b = 0; b < n; b++) {
      for (int g = 0; g < groups; g++) {
        int from = (b * ch + g * per) * hw;
        int to = from + per * hw;
        double mean = 0;
        for (int i = from; i < to; i++) {
          mean += x[i];
        }
        mean /= to - from;
        double var = 0;
        for (int i = from; i < to; i++) {
          var += (x[i] - mean) * (x[i] - mean);
        }
        var /= to - from;
        for (int i = from; i < to; i++) {
          int channel = (i / hw) % ch;
          expected[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * gamma[channel] + beta[channel];
        }
      }
    }
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray out = Layers.groupNorm(m.create(x, new Shape(n, ch, 1, hw)), groups, m.create(gamma), m.create(beta));
      assertEquals(DataType.FLOAT64, out.getDataType());
      assertArrayEquals(expected, out.toDoubleArray(), 1e-6);
    }
  }

  @Test
  void configJsonAndCheckpointRoundTrip(@TempDir Path dir) throws IOException {
    UNet2dConfig cfg = tiny(2, 0).withInitSeed(17);
    String json = Networks.toJson(cfg);
    NetworkConfig back = Networks.fromJson(json);
    assertEquals(json, Networks.toJson(back));
    assertEquals(cfg, back);
    assertTrue(json.contains("\"type\": \"unet2d\""), json);
    assertTrue(json.contains("\"channelMult\": [1, 2]"), json);

    TrainConfig tc = TrainConfig.builder(64).network(cfg).objective(Objective.FLOW).steps(3).batch(4)
        .warmupSteps(1).seed(4).build();
    Dataset data = new Dataset("noise", new Batch(12, 64, gaussian(30, 12 * 64, 1)), new int[12], 2);
    float[][] weights;
    try (Trainer tr = Trainer.create(tc, data)) {
      for (int i = 0; i < 3; i++) {
        tr.trainStep();
      }
      tr.checkpoint().write(dir, 1, Checkpoint.WriteHook.NONE);
      weights = tr.weights();
    }
    Checkpoint read = Checkpoint.readLatest(dir);
    assertEquals(TrainConfig.fromJson(tc.toJson()).toJson(), read.config().toJson());
    assertEquals(cfg, read.config().network());
    float[][] readWeights = read.weights();
    for (int i = 0; i < weights.length; i++) {
      assertArrayEquals(weights[i], readWeights[i], "tensor " + i);
    }
    // the zero-initialised layers moved, so the output check below is not on a zero function
    UNet2d net = cfg.build();
    assertNotEquals(0f, weights[net.indexOf("out.weight")][0]);
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray x = m.create(toFloat(gaussian(31, 2 * 64, 1)), new Shape(2, 1, 8, 8));
      NDArray c = m.create(new float[] {0.2f, 0.7f}, new Shape(2, 1));
      Condition cond = Condition.ofClasses(m.create(Condition.oneHot(new int[] {0, 2}, 2), new Shape(2, 3)));
      float[] a = net.forward(ParamSet.of(m, net.specs(), weights, false), x, c, cond).toFloatArray();
      UNet2d net2 = (UNet2d) read.config().network().build();
      float[] b = net2.forward(ParamSet.of(m, net2.specs(), readWeights, false), x, c, cond).toFloatArray();
      assertArrayEquals(a, b);
      assertTrue(Math.abs(a[0]) > 0);
    }
  }

  /**
   * UNet2d on a constant image predicts a constant field after training on constant images. The
   * data are 8 x 8 images with one value v ~ U(-1, 1) per image; for them the Bayes-optimal x0
   * prediction E[x0 | x_t] is exactly a constant image (a function of the pixel mean of x_t),
   * whose irreducible error at t = 0.5 on the cond-OT path is about 2 (sigma / 8) = 0.125 in std
   * (about 0.1 in mean |error|). A model that denoised pixel by pixel would keep spatial structure
   * of the order of the noise, sigma / alpha = 1 (the spatial std of x_t / alpha). After 60
   * steps the prediction must have: pixel-mean error below 0.2 (the zero function of the
   * zero-initialised output layer has about 0.41 on these targets, so the test cannot pass untrained);
   * spatial std below a tenth of the input's and below the pixel-mean error itself, i.e. the
   * non-constant part is smaller than the error the data leave anyway.
   */
  @Test
  void constantImagesGiveConstantPrediction() {
    UNet2dConfig cfg = tiny(0, 0);
    int nData = 512;
    double[] values = new double[nData * 64];
    Rng r = Rng.of(40);
    for (int i = 0; i < nData; i++) {
      double v = 2 * r.nextDouble() - 1;
      java.util.Arrays.fill(values, i * 64, i * 64 + 64, v);
    }
    TrainConfig tc = TrainConfig.builder(64).network(cfg).objective(Objective.X0).steps(STEPS).batch(64).lr(1e-2)
        .warmupSteps(10).seed(1).build();
    try (Trainer tr = Trainer.create(tc, Dataset.of("constant", new Batch(nData, 64, values)));
        NeuralDenoiser model = tr.denoiserAfter()) {
      GaussianPath path = model.path();
      double t = 0.5;
      int rows = 32;
      Batch x0 = new Batch(rows, 64);
      Batch xt = new Batch(rows, 64);
      Rng e = Rng.of(41);
      for (int i = 0; i < rows; i++) {
        double v = -0.8 + 1.6 * i / (rows - 1);
        for (int j = 0; j < 64; j++) {
          x0.set(i, j, v);
          xt.set(i, j, path.alpha(t) * v + path.sigma(t) * e.nextGaussian());
        }
      }
      Batch pred = new Batch(rows, 64);
      model.predict(xt, t, pred);
      double spatial = 0;
      double meanError = 0;
      double inputSpatial = 0;
      for (int i = 0; i < rows; i++) {
        spatial += spatialStd(pred.row(i)) / rows;
        inputSpatial += spatialStd(xt.row(i)) / path.alpha(t) / rows;
        double m = 0;
        for (double p : pred.row(i)) {
          m += p / 64;
        }
        meanError += Math.abs(m - x0.get(i, 0)) / rows;
      }
      System.out.printf("constant-image UNet: spatial std %.4f, |mean error| %.4f, input spatial std %.3f%n",
          spatial, meanError, inputSpatial);
      assertTrue(meanError < 0.2, "mean error " + meanError);
      assertTrue(spatial < 0.1 * inputSpatial, "spatial std " + spatial + " vs input " + inputSpatial);
      assertTrue(spatial < meanError, "spatial std " + spatial + " vs mean error " + meanError);
    }
  }

  static final int STEPS = 60;

  static double spatialStd(double[] row) {
    double m = 0;
    for (double v : row) {
      m += v / row.length;
    }
    double s = 0;
    for (double v : row) {
      s += (v - m) * (v - m) / row.length;
    }
    return Math.sqrt(s);
  }

  @Test
  void badConfigsGetClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new UNet2dConfig(1, 30, 28, 32, new int[] {1, 2, 2}, 2, new int[] {7}, 4, 0.1, 8, 0, 0, 0));
    assertTrue(e.getMessage().contains("multiples of 2^(levels-1) = 4") && e.getMessage().contains("30x28"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new UNet2dConfig(1, 28, 28, 30, new int[] {1, 2, 2}, 2, new int[] {7}, 3, 0.1, 8, 0, 0, 0));
    assertTrue(e.getMessage().contains("not divisible by groups = 8"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new UNet2dConfig(1, 28, 28, 32, new int[] {1, 2, 2}, 2, new int[] {8}, 4, 0.1, 8, 0, 0, 0));
    assertTrue(e.getMessage().contains("attention resolution 8") && e.getMessage().contains("[28, 14, 7]"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new UNet2dConfig(1, 28, 28, 32, new int[] {1, 2, 2}, 2, new int[] {7}, 5, 0.1, 8, 0, 0, 0));
    assertTrue(e.getMessage().contains("heads = 5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> UNet2dConfig.defaults(1, 28, 28).withDropout(1.0));
    assertTrue(e.getMessage().contains("dropout must be in [0, 1), got 1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new UNet2dConfig(1, 28, 28, 32, new int[] {}, 2, new int[] {}, 4, 0.1, 8, 0, 0, 0));
    assertTrue(e.getMessage().contains("channelMult needs 1 to 8 levels, got 0"), e.getMessage());
    // the same validation runs when a config is read from JSON
    String bad = Networks.toJson(UNet2dConfig.defaults(1, 28, 28)).replace("\"groups\": 8", "\"groups\": 7");
    e = assertThrows(IllegalArgumentException.class, () -> Networks.fromJson(bad));
    assertTrue(e.getMessage().contains("groups = 7"), e.getMessage());
  }

  @Test
  void missingConditioningGetsClearErrors() {
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray c = m.zeros(new Shape(2, 1));
      UNet2d cond = tiny(3, 0).build();
      ParamSet p = ParamSet.of(m, cond.specs(), cond.initialValues(), false);
      NDArray x = m.zeros(new Shape(2, 1, 8, 8));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> cond.forward(p, x, c, Condition.NONE));
      assertTrue(e.getMessage().contains("class-conditional"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> cond.forward(p, x, c, Condition.ofClasses(m.zeros(new Shape(2, 3)))));
      assertTrue(e.getMessage().contains("must have shape (2, 4)"), e.getMessage());
      UNet2d inp = tiny(0, 2).build();
      ParamSet ip = ParamSet.of(m, inp.specs(), inp.initialValues(), false);
      e = assertThrows(IllegalArgumentException.class,
          () -> inp.forward(ip, x, c, Condition.NONE.withObserved(x)));
      assertTrue(e.getMessage().contains("condChannels = 2") && e.getMessage().contains("got 1"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> inp.forward(ip, m.zeros(new Shape(2, 1, 8, 9)), c, Condition.NONE));
      assertTrue(e.getMessage().contains("(n, 1, 8, 8)"), e.getMessage());
    }
  }
}
