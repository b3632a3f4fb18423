package org.diffusion4j.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.UNet2dConfig;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.TimeSampling;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.CheckpointException;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.Trainer;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  static final Dataset DATA = Toy2d.MOONS.sample(2, 1000);

  static TrainConfig config(long steps) {
    // importance sampling so its history is part of the resumed state too; 1000 rows / 64 per
    // batch crosses several epochs of the seeded data order.
    return TrainConfig.builder(2).network(MlpConfig.defaults(2).withWidth(32).withDepth(2))
        .objective(Objective.V).path("vp-cosine").timeSampling(TimeSampling.IMPORTANCE)
        .steps(steps).batch(64).lr(2e-3).warmupSteps(10).checkpointEvery(20).seed(9).build();
  }

  /**
   * Resuming gives the same loss curve and final weights as an uninterrupted run. PyTorch's CPU
   * kernels are deterministic for fixed shapes and thread count here, so equality is bitwise.
   */
  @Test
  void resumeEqualsUninterruptedRun(@TempDir Path dir) throws IOException {
    float[] lossA;
    float[][] wA;
    float[][] emaA;
    try (Trainer a = Trainer.create(config(60), DATA)) {
      a.train(null, (d, t, s) -> {}, 0, null);
      lossA = a.losses();
      wA = a.weights();
      emaA = a.emaWeights();
    }
    Path b = dir.resolve("b");
    try (Trainer first = Trainer.create(config(60), DATA)) {
      for (int i = 0; i < 35; i++) {
        first.trainStep();
      }
      first.checkpoint().write(b, 2, Checkpoint.WriteHook.NONE);
      first.trainStep(); // work lost in the "crash" after the checkpoint
    }
    try (Trainer resumed = Trainer.resume(b, DATA, config(60))) {
      assertEquals(35, resumed.stepsDone());
      resumed.train(b, (d, t, s) -> {}, 0, null);
      assertArrayEquals(lossA, resumed.losses(), "loss curve differs after resume");
      float[][] wB = resumed.weights();
      float[][] emaB = resumed.emaWeights();
      for (int i = 0; i < wA.length; i++) {
        assertArrayEquals(wA[i], wB[i], "weights of tensor " + i + " differ after resume");
        assertArrayEquals(emaA[i], emaB[i], "EMA weights of tensor " + i + " differ after resume");
      }
    }
  }

  /**
   * The same for a class-conditional U-Net with dropout: its dropout masks come from PyTorch's
   * generator, which the trainer seeds from (seed, step), so a resumed run draws the same masks.
   * A second run with another seed must differ (else the comparison would prove nothing).
   */
  @Test
  void resumeOfAConditionalUNetWithDropoutIsBitwise(@TempDir Path dir) throws IOException {
    // About 1 U-Net step in 400 gets a non-finite gradient on this CPU build (sporadic, not
    // reproducible from the inputs; the loss guard skips it). A run that hit one says nothing
    // about resume, so such an attempt is repeated with the next seed; a missing dropout seed
    // fails every attempt.
    for (long seed = 1; seed <= 3; seed++) {
      if (resumeMatches(dir.resolve("s" + seed), seed)) {
        return;
      }
    }
    throw new AssertionError("every attempt had a step skipped by the loss guard");
  }

  /** False if a step was skipped; otherwise asserts bitwise equality and returns true. */
  private static boolean resumeMatches(Path b, long seed) throws IOException {
    UNet2dConfig net = new UNet2dConfig(1, 8, 8, 8, new int[] {1, 2}, 1, new int[] {4}, 2, 0.3, 4, 3, 0, 5);
    Batch x = Noise.standardNormal(4, 40, 64);
    int[] labels = new int[40];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = i % 3;
    }
    Dataset images = new Dataset("images", x, labels, 3);
    java.util.function.LongFunction<TrainConfig> cfg = s -> TrainConfig.builder(64).network(net)
        .objective(Objective.EPS).path("vp-linear").steps(6).batch(8).warmupSteps(2).seed(s).build();
    float[][] wA;
    try (Trainer a = Trainer.create(cfg.apply(seed), images)) {
      a.train(null, null, 0, null);
      wA = a.weights();
      if (a.skippedSteps() > 0) {
        return false;
      }
    }
    try (Trainer first = Trainer.create(cfg.apply(seed), images)) {
      for (int i = 0; i < 3; i++) {
        first.trainStep();
      }
      first.checkpoint().write(b, 2, Checkpoint.WriteHook.NONE);
    }
    try (Trainer resumed = Trainer.resume(b, images, cfg.apply(seed))) {
      resumed.train(b, null, 0, null);
      if (resumed.skippedSteps() > 0) {
        return false;
      }
      float[][] wB = resumed.weights();
      for (int i = 0; i < wA.length; i++) {
        assertArrayEquals(wA[i], wB[i], "U-Net tensor " + i + " differs after resume");
      }
    }
    try (Trainer other = Trainer.create(cfg.apply(seed + 100), images)) {
      other.train(null, null, 0, null);
      assertFalse(java.util.Arrays.equals(wA[wA.length - 2], other.weights()[wA.length - 2]),
          "another seed gives other weights");
    }
    return true;
  }

  /** An exception in the middle of writing a checkpoint leaves the previous one as LATEST, loadable. */
  @Test
  void crashDuringWriteKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
    try (Trainer tr = Trainer.create(config(40), DATA)) {
      tr.train(dir, (d, t, s) -> {}, 0, null); // checkpoints at steps 20 and 40
      for (int i = 0; i < 5; i++) {
        tr.trainStep();
      }
      for (String crashAt : new String[] {"weights.bin", "adam-v.bin", "manifest.json", "rename", "LATEST"}) {
        IOException boom = assertThrows(IOException.class, () -> tr.checkpoint().write(dir, 2, f -> {
          if (f.equals(crashAt)) {
            throw new IOException("simulated crash before " + f);
          }
        }));
        assertTrue(boom.getMessage().contains(crashAt));
        Checkpoint c = Checkpoint.readLatest(dir);
        assertEquals(40, c.step(), "LATEST moved after a crash before " + crashAt);
      }
      // The next good write removes the torn temporaries and moves LATEST.
      tr.checkpoint().write(dir, 2, Checkpoint.WriteHook.NONE);
      assertEquals(45, Checkpoint.readLatest(dir).step());
      try (Stream<Path> s = Files.list(Checkpoint.folder(dir))) {
        assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "temporary left behind");
      }
    }
    try (Trainer resumed = Trainer.resume(dir, DATA, null)) {
      assertEquals(45, resumed.stepsDone());
    }
  }

  @Test
  void corruptedOrMismatchedCheckpointsGiveClearErrors(@TempDir Path dir) throws IOException {
    Path ckpt;
    try (Trainer tr = Trainer.create(config(10), DATA)) {
      tr.train(dir, (d, t, s) -> {}, 0, null);
      ckpt = Checkpoint.folder(dir).resolve("step-000000010");
    }
    // A different network width is named, with both values.
    TrainConfig wider = config(10).toBuilder().network(MlpConfig.defaults(2).withWidth(48).withDepth(2)).build();
    CheckpointException e1 = assertThrows(CheckpointException.class, () -> Trainer.resume(dir, DATA, wider));
    assertTrue(e1.getMessage().contains("network"), e1.getMessage());
    // A flipped byte in the weights.
    Path w = ckpt.resolve("weights.bin");
    byte[] original = Files.readAllBytes(w);
    byte[] bytes = original.clone();
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(w, bytes);
    CheckpointException e2 = assertThrows(CheckpointException.class, () -> Trainer.resume(dir, DATA, null));
    assertTrue(e2.getMessage().contains("weights.bin") && e2.getMessage().contains("corrupted"), e2.getMessage());
    // A truncated file.
    Files.write(w, java.util.Arrays.copyOf(bytes, 100));
    CheckpointException e3 = assertThrows(CheckpointException.class, () -> NeuralDenoiser.load(dir));
    assertTrue(e3.getMessage().contains("weights.bin"), e3.getMessage());
    // A missing file.
    Files.write(w, original);
    Files.delete(ckpt.resolve("ema.bin"));
    CheckpointException e4 = assertThrows(CheckpointException.class, () -> Checkpoint.readLatest(dir));
    assertTrue(e4.getMessage().contains("ema.bin") && e4.getMessage().contains("missing"), e4.getMessage());
    // No checkpoint at all.
    CheckpointException e5 = assertThrows(CheckpointException.class, () -> Checkpoint.readLatest(dir.resolve("none")));
    assertTrue(e5.getMessage().contains("no checkpoint"), e5.getMessage());
  }
}
