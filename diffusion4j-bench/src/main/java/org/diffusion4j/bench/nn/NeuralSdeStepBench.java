package org.diffusion4j.bench.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.sde.MlpSdeTerm;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.grad.GradientRoute;
import org.diffusion4j.sde.grad.SdeGradient;

/**
 * One gradient step (forward and backward) of a neural SDE with {@link MlpSdeTerm}: dim 32, width
 * 64, batch 256, 100 Euler steps on [0, 1], loss mean |y_1|^2 (python/neural_sde_step.py is the
 * torch side). Variants: {@code djl-autograd} (the Euler loop on NDArrays under one gradient
 * collector, what torchsde's sdeint + backward does), and the three routes of
 * {@link SdeGradient} with the term's per-step autograd VJPs. Also the memory each variant holds
 * between its forward and backward pass, per solver step (100 vs 200 steps): Java heap in use
 * after a full GC for the routes, process RSS (native autograd graph) for djl-autograd.
 *
 *   java -cp ... org.diffusion4j.bench.nn.NeuralSdeStepBench [warmup] [timed] [batch] [dim] [width] [steps]
 */
public final class NeuralSdeStepBench {
  public static void main(String[] args) {
    int[] a = {3, 10, 256, 32, 64, 100};
    for (int i = 0; i < Math.min(args.length, a.length); i++) {
      a[i] = Integer.parseInt(args[i]);
    }
    int warmup = a[0];
    int timed = a[1];
    int batch = a[2];
    int dim = a[3];
    int width = a[4];
    int steps = a[5];
    try (MlpSdeTerm ito = new MlpSdeTerm(dim, width, Calculus.ITO, DataType.FLOAT32, 1);
        MlpSdeTerm strat = new MlpSdeTerm(dim, width, Calculus.STRATONOVICH, DataType.FLOAT32, 1);
        NDManager manager = DjlRuntime.newManager()) {
      SplittableRandom rnd = new SplittableRandom(0);
      float[] y0 = new float[batch * dim];
      float[] dw = new float[steps * batch * dim];
      for (int i = 0; i < y0.length; i++) {
        y0[i] = (float) (0.5 * gauss(rnd));
      }
      double dt = 1.0 / steps;
      for (int i = 0; i < dw.length; i++) {
        dw[i] = (float) (Math.sqrt(dt) * gauss(rnd));
      }
      NDArray y0a = manager.create(y0, new Shape(batch, dim));
      NDArray dwa = manager.create(dw, new Shape(steps, batch, dim));
      report("djl-autograd", warmup, timed, batch, dim, width, steps, () -> autogradStep(ito, y0a, dwa, steps, dt));
      double[] y0d = new double[y0.length];
      for (int i = 0; i < y0.length; i++) {
        y0d[i] = y0[i];
      }
      for (GradientRoute r : GradientRoute.values()) {
        MlpSdeTerm term = r == GradientRoute.BACKPROP ? ito : strat;
        report("route " + r.cliName(), Math.max(1, warmup / 2), Math.max(2, timed / 3), batch, dim, width, steps,
            () -> routeStep(term, r, y0d, batch, steps));
      }
      for (GradientRoute r : GradientRoute.values()) {
        MlpSdeTerm term = r == GradientRoute.BACKPROP ? ito : strat;
        routeStep(term, r, y0d, batch, steps);
        long small = HELD[0];
        routeStep(term, r, y0d, batch, 2 * steps);
        long large = HELD[0];
        System.out.printf("memory route %s: %.0f bytes held per solver step (Java heap after GC between forward and backward: %d at %d steps,"
            + " %d at %d), one state is %d bytes%n", r.cliName(), (large - small) / (double) steps, small, steps, large, 2 * steps, batch * dim * 8);
      }
      NDArray dw2 = manager.create(java.util.Arrays.copyOf(dw, 2 * dw.length), new Shape(2 * steps, batch, dim));
      autogradStep(ito, y0a, dwa, steps, dt);
      long small = HELD[0];
      autogradStep(ito, y0a, dw2, 2 * steps, dt / 2);
      long large = HELD[0];
      System.out.printf("memory djl-autograd: %.0f bytes held per solver step (process RSS before backward: %d at %d steps, %d at %d)%n",
          (large - small) / (double) steps, small, steps, large, 2 * steps);
    }
  }

  static double gauss(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }

  static double autogradStep(MlpSdeTerm term, NDArray y0, NDArray dw, int steps, double dt) {
    try (NDManager sm = y0.getManager().newSubManager(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      for (NDArray p : term.parameters()) {
        try {
          NDArray g = p.getGradient();
          g.subi(g);
        } catch (RuntimeException none) {
          // no gradient buffer before the first backward
        }
      }
      NDArray y = y0.duplicate();
      y.attach(sm);
      for (int k = 0; k < steps; k++) {
        double t = k * dt;
        NDArray f = term.drift(y, t);
        NDArray g = term.diffusion(y);
        y = y.add(f.mul((float) dt)).add(g.mul(dw.get(k)));
      }
      NDArray loss = y.square().mean();
      HELD[0] = rss();
      gc.backward(loss);
      return loss.getFloat();
    }
  }

  static double routeStep(MlpSdeTerm term, GradientRoute r, double[] y0, int batch, int steps) {
    return SdeGradient.of(term).route(r).t1(1.0).dt(1.0 / steps).y0(y0).paths(batch).seed(3).run((s, g) -> {
      System.gc();
      Runtime rt = Runtime.getRuntime();
      HELD[0] = rt.totalMemory() - rt.freeMemory();
      double v = 0;
      for (int i = 0; i < s.length; i++) {
        v += s[i] * s[i] / s.length;
        g[i] = 2 * s[i] / s.length;
      }
      return v;
    }).loss();
  }

  /** Memory held at the last measuring point (between a forward and its backward pass). */
  static final long[] HELD = new long[1];

  /** Resident set size of this process (/proc/self/status VmRSS), bytes; 0 where unavailable. */
  static long rss() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  interface Step {
    double run();
  }

  static void report(String name, int warmup, int timed, int batch, int dim, int width, int steps, Step s) {
    double[] ms = new double[timed];
    double[] cpu = new double[timed];
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < warmup + timed; i++) {
      long t = System.nanoTime();
      long c = mx.getCurrentThreadCpuTime();
      s.run();
      if (i >= warmup) {
        ms[i - warmup] = (System.nanoTime() - t) / 1e6;
        cpu[i - warmup] = (mx.getCurrentThreadCpuTime() - c) / 1e6;
      }
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf("java %s neural SDE step: median %.2f ms (min %.2f, thread CPU median %.2f) over %d steps, batch %d, dim %d, width %d, steps %d%n",
        name, ms[timed / 2], ms[0], cpu[timed / 2], timed, batch, dim, width, steps);
  }
}
