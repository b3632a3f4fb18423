package org.diffusion4j.bench.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;

/**
 * Resident memory over a long U-Net training run (the networks issue's "RSS flat within 5% over
 * 20,000 steps"): trains a class-conditional U-Net on the MNIST training split and prints the
 * process RSS (from /proc/self/status) every {@code every} steps, then the growth from the first
 * report after warm-up to the last. A per-step leak (an NDArray not closed, a growing Java list)
 * shows as steady growth whatever the network's size, so a small U-Net (base 8, batch 16) keeps
 * 20,000 steps within minutes (levels 28 and 14, one residual block each, attention at 14 and in the middle, class-conditional with dropout 0.1).
 *
 * <pre>
 *   java ... TrainingMemoryBench [steps=20000] [every=1000] [base=8] [batch=16]
 * </pre>
 */
public final class TrainingMemoryBench {
  private TrainingMemoryBench() {}

  public static void main(String[] args) throws IOException {
    long steps = args.length > 0 ? Long.parseLong(args[0]) : 20_000;
    long every = args.length > 1 ? Long.parseLong(args[1]) : 1000;
    int base = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int batch = args.length > 3 ? Integer.parseInt(args[3]) : 16;
    UNet2dConfig net = new UNet2dConfig(1, 28, 28, base, new int[] {1, 2}, 1, new int[] {14}, 2, 0.1, 4, 10, 0, 0);
    Dataset data = Mnist.train();
    TrainConfig cfg = TrainConfig.builder(Mnist.PIXELS).data("mnist").network(net).objective(Objective.FLOW)
        .path("cond-ot").steps(steps).batch(batch).lr(1e-3).warmupSteps(100).build();
    long first = -1;
    long last = 0;
    long max = 0;
    long t0 = System.nanoTime();
    try (Trainer t = Trainer.create(cfg, data)) {
      for (long k = 1; k <= steps; k++) {
        t.trainStep();
        if (k % every == 0) {
          long rss = rssKb();
          if (first < 0 && k >= Math.min(steps, 2 * every)) {
            first = rss;
          }
          last = rss;
          max = Math.max(max, rss);
          System.out.printf(Locale.ROOT, "step %6d  rss %7.1f MiB  loss %.4f  %.1f steps/s%n", k, rss / 1024.0,
              t.recentLoss(100), k / ((System.nanoTime() - t0) / 1e9));
        }
      }
    }
    System.out.printf(Locale.ROOT, "RSS from step %d to %d: %.1f -> %.1f MiB (%+.2f%%), max %.1f MiB%n", 2 * every, steps,
        first / 1024.0, last / 1024.0, 100.0 * (last - first) / first, max / 1024.0);
  }

  static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no VmRSS in /proc/self/status");
  }
}
