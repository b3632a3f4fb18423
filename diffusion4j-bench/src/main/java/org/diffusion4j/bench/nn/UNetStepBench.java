package org.diffusion4j.bench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.random.Rng;

/**
 * Speed of the default MNIST {@link org.diffusion4j.nn.net.UNet2d} (a plain main, so that
 * {@code unet-vs-torch.sh} can alternate it with the PyTorch reference
 * {@code python/unet_step.py} on a shared machine).
 *
 * <pre>
 *   java -cp ... org.diffusion4j.bench.nn.UNetStepBench [warmup timed batch]          # step + sampling
 *   java -cp ... org.diffusion4j.bench.nn.UNetStepBench profile [warmup timed batch]  # step split in parts
 *   java -cp ... org.diffusion4j.bench.nn.UNetStepBench export DIR   # random weights, input, output for
 *   /usr/bin/python3 python/unet_step.py check DIR                    # the same-network check in torch
 * </pre>
 *
 * <p>Training step = {@link Trainer#trainStep()} with the flow objective on the cond-OT path,
 * AdamW, global-norm clipping 1 and EMA, on a data set of random 784-d rows. Sampling = one
 * {@link NeuralDenoiser#predict} of a batch (one no-grad forward pass) on the EMA weights,
 * reported as images/s. Profile mode times forward, backward and the optimiser (gradient norm,
 * clipping, AdamW, EMA through {@link TrainableNet}) separately on fixed inputs.
 */
public final class UNetStepBench {
  private UNetStepBench() {}

  public static void main(String[] args) throws java.io.IOException {
    if (args.length == 2 && args[0].equals("export")) {
      export(java.nio.file.Path.of(args[1]));
      return;
    }
    boolean profile = args.length > 0 && args[0].equals("profile");
    int o = profile ? 1 : 0;
    int warmup = args.length > o ? Integer.parseInt(args[o]) : 3;
    int timed = args.length > o + 1 ? Integer.parseInt(args[o + 1]) : 10;
    int batch = args.length > o + 2 ? Integer.parseInt(args[o + 2]) : 128;
    UNetStepBench.warmup = warmup;
    UNetStepBench.timed = timed;
    UNetStepBench.batch = batch;
    UNet2dConfig net = UNet2dConfig.defaults(1, 28, 28);
    System.out.println("java unet2d: params=" + net.build().parameterCount() + " tensors=" + net.build().specs().size()
        + " batch=" + batch + " threads(intra-op)=" + System.getProperty("ai.djl.pytorch.num_threads", "1"));
    TrainConfig cfg = TrainConfig.builder(784).network(net).objective(Objective.FLOW).path("cond-ot").batch(batch)
        .steps(1_000_000).seed(0).build();
    Rng r = Rng.of(3);
    double[] rows = new double[1024 * 784];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = r.nextGaussian();
    }
    Dataset data = Dataset.of("random", new Batch(1024, 784, rows));
    if (profile) {
      profile(cfg);
    } else {
      step(cfg, data);
    }
  }

  static int warmup;
  static int timed;
  static int batch;

  static void step(TrainConfig cfg, Dataset data) {
    try (Trainer tr = Trainer.create(cfg, data)) {
      for (int i = 0; i < warmup; i++) {
        tr.trainStep();
      }
      double[] ms = new double[timed];
      for (int i = 0; i < timed; i++) {
        long t0 = System.nanoTime();
        tr.trainStep();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      System.out.printf("java train step: median %.1f ms (min %.1f; steps %s)%n", median(ms), min(ms),
          Arrays.toString(round(ms)));
      try (NeuralDenoiser model = tr.denoiser(true)) {
        Batch x = new Batch(batch, 784);
        Rng r = Rng.of(5);
        for (int i = 0; i < x.data().length; i++) {
          x.data()[i] = r.nextGaussian();
        }
        Batch out = new Batch(batch, 784);
        for (int i = 0; i < warmup; i++) {
          model.predict(x, 0.5, out);
        }
        double[] sms = new double[timed];
        for (int i = 0; i < timed; i++) {
          long t0 = System.nanoTime();
          model.predict(x, 0.5, out);
          sms[i] = (System.nanoTime() - t0) / 1e6;
        }
        System.out.printf("java sampling: median %.1f ms per batch of %d = %.1f images/s (min %.1f ms)%n", median(sms),
            batch, batch / median(sms) * 1000, min(sms));
      }
    }
  }

  static void profile(TrainConfig cfg) {
    try (NDManager manager = DjlRuntime.newManager(); TrainableNet net = new TrainableNet(manager, cfg, null)) {
      Rng r = Rng.of(7);
      int d = 784;
      float[] xs = new float[batch * d];
      float[] ys = new float[batch * d];
      float[] cs = new float[batch];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) r.nextGaussian();
        ys[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < batch; i++) {
        cs[i] = (float) r.nextDouble();
      }
      double[][] t = new double[3][timed];
      for (int k = 0; k < warmup + timed; k++) {
        try (NDManager sm = manager.newSubManager()) {
          NDArray x = sm.create(xs, net.net().batchShape(batch));
          NDArray y = sm.create(ys, net.net().batchShape(batch));
          NDArray c = sm.create(cs, new Shape(batch, 1));
          long t0;
          long t1;
          long t2;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            t0 = System.nanoTime();
            NDArray f = net.net().forward(net.params(), x, c, Condition.NONE.withTraining(true));
            NDArray loss = f.sub(y).square().mean();
            loss.getFloat(); // wait for the forward pass
            t1 = System.nanoTime();
            gc.backward(loss);
            t2 = System.nanoTime();
          }
          NDArray[] grads = new NDArray[net.params().size()];
          double norm = net.gradients(sm, grads);
          net.update(sm, grads, cfg, k, norm);
          net.zeroGrads();
          long t3 = System.nanoTime();
          if (k >= warmup) {
            t[0][k - warmup] = (t1 - t0) / 1e6;
            t[1][k - warmup] = (t2 - t1) / 1e6;
            t[2][k - warmup] = (t3 - t2) / 1e6;
          }
        }
      }
      System.out.printf("java profile: forward %.1f ms, backward %.1f ms, optimizer (norm+clip+AdamW+EMA) %.1f ms"
          + " (medians)%n", median(t[0]), median(t[1]), median(t[2]));
    }
  }

  /**
   * Writes, as raw little-endian float32, random weights for every tensor of the default MNIST
   * UNet (in spec order, the order of torch's {@code model.parameters()} in unet_step.py), an
   * input batch of 4, its noise levels and the Java output, so that unet_step.py can check it
   * computes the same function.
   */
  static void export(java.nio.file.Path dir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    org.diffusion4j.nn.net.UNet2d net = UNet2dConfig.defaults(1, 28, 28).build();
    float[][] w = net.initialValues();
    Rng r = Rng.of(11);
    for (int i = 0; i < w.length; i++) {
      String name = net.specs().get(i).name();
      long[] shape = net.specs().get(i).shape();
      double scale = shape.length > 1 ? 1 / Math.sqrt((double) w[i].length / shape[0]) : 0.2;
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = (float) ((name.endsWith("gamma") ? 1 : 0) + scale * r.nextGaussian());
      }
    }
    int n = 4;
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] c = {0.05f, 0.3f, 0.6f, 0.95f};
    float[] out;
    try (NDManager m = DjlRuntime.newManager()) {
      out = net.forward(org.diffusion4j.nn.net.ParamSet.of(m, net.specs(), w, false),
          m.create(x, new Shape(n, 1, 28, 28)), m.create(c, new Shape(n, 1)), Condition.NONE).toFloatArray();
    }
    int total = 0;
    for (float[] a : w) {
      total += a.length;
    }
    float[] flat = new float[total];
    int k = 0;
    for (float[] a : w) {
      System.arraycopy(a, 0, flat, k, a.length);
      k += a.length;
    }
    writeFloats(dir.resolve("params.bin"), flat);
    writeFloats(dir.resolve("x.bin"), x);
    writeFloats(dir.resolve("c.bin"), c);
    writeFloats(dir.resolve("out.bin"), out);
    System.out.println("wrote " + net.specs().size() + " tensors (" + total + " values), x, c, out to " + dir);
  }

  static void writeFloats(java.nio.file.Path f, float[] v) throws java.io.IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    java.nio.file.Files.write(f, b.array());
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  static double min(double[] a) {
    return Arrays.stream(a).min().orElse(Double.NaN);
  }

  static double[] round(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.round(a[i] * 10) / 10.0;
    }
    return r;
  }
}
