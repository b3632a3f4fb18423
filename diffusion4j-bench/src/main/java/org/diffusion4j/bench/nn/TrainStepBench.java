package org.diffusion4j.bench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.random.Rng;

/**
 * Training-step overhead and memory benchmark (a plain main, since the two variants must be
 * interleaved on a shared machine to see the same load).
 *
 * <pre>
 *   java -cp ... org.diffusion4j.bench.nn.TrainStepBench step [rounds]   # full vs bare step, ms
 *   java -cp ... org.diffusion4j.bench.nn.TrainStepBench memory [steps]  # RSS at 1,000 vs N steps
 * </pre>
 *
 * <p>Full step = {@link Trainer#trainStep()} on the 2-D MLP (width 256, 4 blocks, batch 512): data
 * and noise sampling, targets, forward, loss, backward, guard, clipping, AdamW, EMA. Bare step =
 * the same network's forward + MSE + backward + the same Adam arithmetic on inputs created once,
 * with nothing else (the floor any DJL training loop pays).
 */
public final class TrainStepBench {
  private TrainStepBench() {}

  public static void main(String[] args) throws IOException {
    String mode = args.length > 0 ? args[0] : "step";
    System.out.println("threads(intra-op)=" + System.getProperty("ai.djl.pytorch.num_threads", "1")
        + " cores=" + Runtime.getRuntime().availableProcessors());
    if (mode.equals("memory")) {
      memory(args.length > 1 ? Long.parseLong(args[1]) : 20000);
    } else {
      step(args.length > 1 ? Integer.parseInt(args[1]) : 10);
    }
  }

  static TrainConfig config(long steps) {
    return TrainConfig.builder(2).network(MlpConfig.defaults(2)).objective(Objective.FLOW).path("cond-ot")
        .steps(steps).batch(512).seed(0).build();
  }

  static void step(int rounds) {
    int per = 50;
    var data = Toy2d.CHECKERBOARD.sample(0, 100000);
    try (Trainer full = Trainer.create(config(1_000_000), data); Bare bare = new Bare(MlpConfig.defaults(2), 512)) {
      for (int i = 0; i < 30; i++) { // warm-up
        full.trainStep();
        bare.step();
      }
      double[] f = new double[rounds];
      double[] b = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < per; i++) {
          full.trainStep();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < per; i++) {
          bare.step();
        }
        long t2 = System.nanoTime();
        f[r] = (t1 - t0) / 1e6 / per;
        b[r] = (t2 - t1) / 1e6 / per;
      }
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        ratio[r] = f[r] / b[r];
      }
      System.out.printf("full step  median %.2f ms (rounds: %s)%n", median(f), Arrays.toString(round(f)));
      System.out.printf("bare step  median %.2f ms (rounds: %s)%n", median(b), Arrays.toString(round(b)));
      System.out.printf("ratio full/bare: median %.3f, of minima %.3f (per round: %s)%n", median(ratio),
          Arrays.stream(f).min().getAsDouble() / Arrays.stream(b).min().getAsDouble(), Arrays.toString(round(ratio)));
    }
  }

  static void memory(long steps) throws IOException {
    var data = Toy2d.CHECKERBOARD.sample(0, 100000);
    try (Trainer tr = Trainer.create(config(steps), data)) {
      long t0 = System.nanoTime();
      while (tr.stepsDone() < steps) {
        tr.trainStep();
        long k = tr.stepsDone();
        if (k == 1000 || k % 5000 == 0 || k == steps) {
          System.out.printf("step %6d  RSS %7.1f MiB  heap used %6.1f MiB  %.0f steps/s%n", k, rssMiB(),
              (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1048576.0,
              k / ((System.nanoTime() - t0) / 1e9));
        }
      }
    }
  }

  static double rssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  static double[] round(double[] a) {
    double[] r = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = Math.round(a[i] * 100) / 100.0;
    }
    return r;
  }

  /** The bare reference loop: fixed inputs, forward + MSE + backward + Adam, nothing else. */
  static final class Bare implements AutoCloseable {
    final TimeMlp net;
    final NDManager manager = DjlRuntime.newManager();
    final ParamSet p;
    final ParamSet m;
    final ParamSet v;
    final NDArray x;
    final NDArray c;
    final NDArray y;
    long k;

    Bare(MlpConfig cfg, int n) {
      net = new TimeMlp(cfg);
      float[][] init = net.initialValues();
      float[][] zeros = new float[init.length][];
      for (int i = 0; i < init.length; i++) {
        zeros[i] = new float[init[i].length];
      }
      p = ParamSet.of(manager, net.specs(), init, true);
      m = ParamSet.of(manager, net.specs(), zeros, false);
      v = ParamSet.of(manager, net.specs(), zeros, false);
      Rng r = Rng.of(1);
      float[] xs = new float[n * cfg.dim()];
      float[] ys = new float[n * cfg.dim()];
      float[] cs = new float[n];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (float) r.nextGaussian();
        ys[i] = (float) r.nextGaussian();
      }
      for (int i = 0; i < n; i++) {
        cs[i] = (float) r.nextDouble();
      }
      x = manager.create(xs, new Shape(n, cfg.dim()));
      y = manager.create(ys, new Shape(n, cfg.dim()));
      c = manager.create(cs, new Shape(n, 1));
    }

    void step() {
      k++;
      try (NDManager sm = manager.newSubManager()) {
        NDArray xx = x.duplicate();
        xx.attach(sm);
        NDArray loss;
        try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          NDArray f = net.forward(p, xx, c, org.diffusion4j.nn.net.Condition.NONE);
          loss = f.sub(y).square().mean();
          gc.backward(loss);
        }
        float bc1 = (float) (1 - Math.pow(0.9, k));
        float bc2 = (float) (1 - Math.pow(0.999, k));
        for (int i = 0; i < p.size(); i++) {
          NDArray g = p.get(i).getGradient();
          g.attach(sm);
          m.get(i).muli(0.9f).addi(g.mul(0.1f));
          v.get(i).muli(0.999f).addi(g.square().muli(0.001f));
          NDArray denom = v.get(i).div(bc2);
          denom.attach(sm);
          NDArray upd = m.get(i).div(denom.sqrt().addi(1e-8f));
          upd.attach(sm);
          p.get(i).subi(upd.muli(1e-3f / bc1));
          JniUtils.zeroGrad((PtNDArray) p.get(i));
        }
      }
    }

    @Override
    public void close() {
      manager.close();
    }
  }
}
