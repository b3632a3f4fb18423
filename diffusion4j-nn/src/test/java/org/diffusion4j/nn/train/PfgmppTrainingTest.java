package org.diffusion4j.nn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.objective.NoiseKernel;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.TimeSampling;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.pfgm.PfgmppKernel;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.HeunSampler;
import org.diffusion4j.sampler.Sampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PFGM++ objective (EDM preconditioning, PFGM++ noise) in the trainer: D = infinity is EDM bit
 * for bit, finite D draws the PFGM++ kernel, a tiny 2-D run trains and samples, and checkpoints
 * written before the augmentedDim field existed still load.
 */
class PfgmppTrainingTest {
  private static final GaussianMixture TARGET = GaussianMixture.gaussian(new double[] {0.5, -0.5}, new double[] {0.3, 0.6});

  private static TrainConfig.Builder config(Dataset data, Objective objective, double augmentedDim, long steps) {
    return TrainConfig.builder(2).network(MlpConfig.defaults(2).withWidth(64).withDepth(2)).objective(objective)
        .path("edm").timeSampling(TimeSampling.LOG_NORMAL).sigmaData(data.std()).augmentedDim(augmentedDim)
        .steps(steps).batch(256).lr(3e-3).warmupSteps(20).emaDecay(0.99).seed(4);
  }

  /** pfgmpp with D = infinity (stored as 0) makes the same draws, targets, losses and weights as edm: bit for bit. */
  @Test
  void infiniteDIsTheEdmObjectiveBitForBit() {
    Dataset data = Dataset.of("gaussian", TARGET.sample(3, 2048));
    try (Trainer edm = Trainer.create(config(data, Objective.EDM, 0, 5).build(), data);
        Trainer pfgm = Trainer.create(config(data, Objective.PFGMPP, 0, 5).build(), data);
        Trainer finite = Trainer.create(config(data, Objective.PFGMPP, 128, 5).build(), data)) {
      for (int k = 0; k < 5; k++) {
        double a = edm.trainStep();
        double b = pfgm.trainStep();
        double c = finite.trainStep();
        assertEquals(Double.doubleToRawLongBits(a), Double.doubleToRawLongBits(b), "step " + k + ": " + a + " vs " + b);
        assertTrue(a != c, "D = 128 must draw other noise than EDM at step " + k);
      }
      float[][] we = edm.weights();
      float[][] wp = pfgm.weights();
      for (int i = 0; i < we.length; i++) {
        assertArrayEquals(we[i], wp[i], "tensor " + i);
      }
    }
  }

  /**
   * The trainer's finite-D noise is the unit PFGM++ kernel: radii of 4000 draws with N = 2, D = 4
   * pass KS against the closed-form radius CDF at sigma = 1 (1% critical value 1.63/sqrt(n)) and
   * fail it against the Gaussian's (D = infinity), which a Gaussian draw would pass.
   */
  @Test
  void finiteDNoiseIsThePfgmppKernel() {
    int n = 4000;
    NoiseKernel noise = new NoiseKernel(2, 4);
    double[] eps = new double[2 * n];
    Rng rng = Rng.of(9);
    for (int i = 0; i < n; i++) {
      noise.fill(rng.stream(i), eps, 2 * i);
    }
    double[] radii = new double[n];
    for (int i = 0; i < n; i++) {
      radii[i] = Math.hypot(eps[2 * i], eps[2 * i + 1]);
    }
    Arrays.sort(radii);
    double critical = 1.63 / Math.sqrt(n);
    assertTrue(ks(radii, new PfgmppKernel(2, 4)) < critical, "KS against D = 4: " + ks(radii, new PfgmppKernel(2, 4)));
    double gaussian = ks(radii, new PfgmppKernel(2, Double.POSITIVE_INFINITY));
    assertTrue(gaussian > 2 * critical, "KS against the Gaussian radius law: " + gaussian);
    assertThrows(IllegalArgumentException.class, () -> new NoiseKernel(2, 0.5));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> config(Dataset.of("g", TARGET.sample(1, 10)), Objective.EDM, 128, 5).build());
    assertTrue(e.getMessage().contains("augmented-dim"), e.getMessage());
  }

  private static double ks(double[] sorted, PfgmppKernel kernel) {
    double worst = 0;
    int n = sorted.length;
    for (int i = 0; i < n; i++) {
      double f = kernel.radiusCdf(sorted[i], 1);
      worst = Math.max(worst, Math.max(f - (double) i / n, (i + 1.0) / n - f));
    }
    return worst;
  }

  /**
   * End to end: 400 steps of a 64-wide MLP with D = 16 on a 2-D Gaussian N((0.5, -0.5), diag(0.3, 0.6));
   * 2000 samples by Heun (18 steps on the EDM grid) from the PFGM++ prior at sigma_max = 80
   * (r_max = 80 sqrt(16)) match the target's medians to 0.1 and its interquartile ranges to 20%
   * (robust statistics: the t_16 prior's far tail need not be transported perfectly by a tiny net;
   * measured: IQR ratios 1.03 and 1.09, EDM's with the same budget 0.99 and 1.11).
   */
  @Test
  void tinyRunTrainsAndSamples() {
    Dataset data = Dataset.of("gaussian", TARGET.sample(3, 8192));
    TrainConfig cfg = config(data, Objective.PFGMPP, 16, 400).build();
    try (Trainer tr = Trainer.create(cfg, data); NeuralDenoiser model = tr.denoiserAfter()) {
      GaussianPath path = model.samplingPath();
      int n = 2000;
      Batch prior = cfg.noise().prior(5, n, path.priorStd(Sampling.defaultStart(path)));
      Batch x = Sampling.with(new HeunSampler(), model, path).steps(18).run(prior).x();
      double[] mean = {0.5, -0.5};
      double[] std = {Math.sqrt(0.3), Math.sqrt(0.6)};
      for (int j = 0; j < 2; j++) {
        double[] col = new double[n];
        for (int i = 0; i < n; i++) {
          col[i] = x.get(i, j);
        }
        Arrays.sort(col);
        double median = col[n / 2];
        double iqr = col[3 * n / 4] - col[n / 4];
        double expectedIqr = 2 * 0.6744897501960817 * std[j];
        assertEquals(mean[j], median, 0.1, "median of coordinate " + j);
        assertEquals(1, iqr / expectedIqr, 0.2, "IQR ratio of coordinate " + j);
      }
    }
  }

  /** A checkpoint whose config.json predates the augmentedDim field (with its manifest) still loads, as D = infinity. */
  @Test
  void checkpointWithoutAugmentedDimLoads(@TempDir Path dir) throws IOException {
    Dataset data = Dataset.of("gaussian", TARGET.sample(3, 512));
    TrainConfig cfg = config(data, Objective.EDM, 0, 3).build();
    Path ckpt;
    float[][] weights;
    try (Trainer tr = Trainer.create(cfg, data)) {
      tr.trainStep();
      weights = tr.weights();
      ckpt = tr.checkpoint().write(dir, 2, Checkpoint.WriteHook.NONE);
    }
    String json = Files.readString(ckpt.resolve("config.json"), StandardCharsets.UTF_8);
    String old = json.replace(", \"augmentedDim\": 0", "");
    assertFalse(old.contains("augmentedDim"), old);
    byte[] oldBytes = old.getBytes(StandardCharsets.UTF_8);
    byte[] newBytes = json.getBytes(StandardCharsets.UTF_8);
    String manifest = Files.readString(ckpt.resolve("manifest.json"), StandardCharsets.UTF_8);
    String entry = "\"config.json\": {\"bytes\": " + newBytes.length + ", \"crc32\": " + Checkpoint.crc(newBytes) + "}";
    assertTrue(manifest.contains(entry), manifest);
    Files.writeString(ckpt.resolve("manifest.json"), manifest.replace(entry,
        "\"config.json\": {\"bytes\": " + oldBytes.length + ", \"crc32\": " + Checkpoint.crc(oldBytes) + "}"));
    Files.write(ckpt.resolve("config.json"), oldBytes);
    Checkpoint back = Checkpoint.readLatest(dir);
    assertEquals(cfg, back.config());
    assertEquals(0.0, back.config().augmentedDim());
    try (Trainer resumed = Trainer.resume(dir, data, cfg)) {
      float[][] w = resumed.weights();
      for (int i = 0; i < w.length; i++) {
        assertArrayEquals(weights[i], w[i], "tensor " + i);
      }
    }
    // and the new field round-trips
    TrainConfig pf = config(data, Objective.PFGMPP, 128, 3).build();
    assertEquals(pf, TrainConfig.fromJson(pf.toJson()));
    assertEquals(128.0, TrainConfig.fromJson(pf.toJson()).augmentedDim());
  }
}
