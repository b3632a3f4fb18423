package org.diffusion4j.nn.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.SymmetricEigen;
import org.diffusion4j.nn.compress.FineTuner.Method;
import org.diffusion4j.nn.compress.FineTuner.Options;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class FineTunerTest {
  static Dataset data() {
    Batch x = new Batch(24, 64);
    Rng.of(3).fillGaussian(x.data(), 0, x.size());
    int[] y = new int[24];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 3;
    }
    return new Dataset("noise", x, y, 3);
  }

  static Options options(Method m, double threshold, double lr) {
    return new Options(m, 4, 4, lr, 1e-2, threshold, 2, 5e-4, 2, 2, 9);
  }

  @Test
  void saraLeavesEveryParameterAboveTheThresholdBitIdentical() {
    TrainConfig tc = PostTrainingQuantizerTest.trainConfig();
    Checkpoint pre = PostTrainingQuantizerTest.checkpoint(tc, 11);
    double threshold = 0.03; // about a quarter of these N(0, 0.1^2)-perturbed weights
    FineTuner.Result r = FineTuner.run(pre, data(), options(Method.SARA, threshold, 1e-2), null);
    float[][] w0 = pre.ema();
    float[][] w1 = r.checkpoint().ema();
    long below = 0;
    long changed = 0;
    long total = 0;
    for (int i = 0; i < w0.length; i++) {
      for (int j = 0; j < w0[i].length; j++) {
        total++;
        boolean small = Math.abs(w0[i][j]) < (float) threshold;
        below += small ? 1 : 0;
        boolean moved = Float.floatToRawIntBits(w0[i][j]) != Float.floatToRawIntBits(w1[i][j]);
        changed += moved ? 1 : 0;
        if (!small) {
          assertTrue(!moved, "tensor " + i + " entry " + j + " above the threshold changed: " + w0[i][j] + " -> "
              + w1[i][j]);
        }
      }
    }
    assertEquals(below, r.report().trainableParameters(), "the report counts the initial mask");
    assertEquals((double) below / total, r.report().trainedFraction(), 1e-15);
    assertEquals(total, r.report().totalParameters());
    assertTrue(changed > below / 2, "SaRA should train most selected entries, changed " + changed + " of " + below);
    assertTrue(r.report().reselectedParameters() > 0 && r.report().reselectedParameters() <= below);
    assertEquals(4, r.report().losses().length);
  }

  @Test
  void loraUpdateHasTheStatedRankAndTouchesNothingElse() {
    TrainConfig tc = PostTrainingQuantizerTest.trainConfig();
    Checkpoint pre = PostTrainingQuantizerTest.checkpoint(tc, 12);
    int rank = 2;
    try (FineTuner t = FineTuner.create(pre, data(), options(Method.LORA, 2e-3, 1e-2))) {
      for (int s = 0; s < 3; s++) {
        t.step();
      }
      float[][] merged = t.weights();
      float[][] w0 = pre.ema();
      boolean[] adapted = new boolean[w0.length];
      int checked = 0;
      for (int j = 0; j < t.loraCount(); j++) {
        int i = t.loraTensor(j);
        adapted[i] = true;
        int out = (int) pre.specs().get(i).shape()[0];
        int fanIn = w0[i].length / out;
        float[] delta = t.loraUpdate(j);
        double scale = 0;
        for (int q = 0; q < delta.length; q++) {
          scale = Math.max(scale, Math.abs(delta[q]));
          // the merged weight is W0 + delta up to float32 rounding of the sum
          assertEquals(w0[i][q] + delta[q], merged[i][q], 1e-6 * (1 + Math.abs(w0[i][q])));
        }
        if (Math.min(out, fanIn) <= rank) {
          continue;
        }
        double[] sv = singularValues(delta, out, fanIn);
        assertTrue(sv[rank - 1] > 1e-4 * sv[0], "tensor " + i + ": update rank below " + rank);
        assertTrue(sv[rank] < 1e-5 * sv[0], "tensor " + i + ": update rank above " + rank + ": " + sv[rank] / sv[0]);
        checked++;
      }
      assertTrue(checked > 10, "a U-Net has many adapted kernels");
      for (int i = 0; i < w0.length; i++) {
        if (!adapted[i]) {
          assertArrayEquals(w0[i], merged[i], "tensor " + i + " has no adapter and must not change");
        }
      }
      FineTuner.Report rep = t.result().report();
      long factors = 0;
      for (int j = 0; j < t.loraCount(); j++) {
        int i = t.loraTensor(j);
        int out = (int) pre.specs().get(i).shape()[0];
        factors += (long) rank * (out + w0[i].length / out);
      }
      assertEquals(factors, rep.trainableParameters());
    }
  }

  /** Singular values, descending, of a row-major rows x cols float matrix (from the Gram matrix's eigenvalues). */
  static double[] singularValues(float[] a, int rows, int cols) {
    double[][] g = new double[rows][rows];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < rows; j++) {
        double s = 0;
        for (int c = 0; c < cols; c++) {
          s += (double) a[i * cols + c] * a[j * cols + c];
        }
        g[i][j] = s;
      }
    }
    double[] ev = SymmetricEigen.of(g).values();
    double[] sv = new double[rows];
    for (int k = 0; k < rows; k++) {
      sv[k] = Math.sqrt(Math.max(0, ev[rows - 1 - k]));
    }
    return sv;
  }

  @Test
  void fullFineTuningIsDeterministicForASeed() {
    TrainConfig tc = PostTrainingQuantizerTest.trainConfig();
    Checkpoint pre = PostTrainingQuantizerTest.checkpoint(tc, 13);
    Options o = new Options(Method.FULL, 2, 4, 1e-3, 1e-2, 2e-3, -1, 0, 4, 4, 5);
    float[][] a = FineTuner.run(pre, data(), o, null).checkpoint().ema();
    float[][] b = FineTuner.run(pre, data(), o, null).checkpoint().ema();
    long moved = 0;
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
      for (int j = 0; j < a[i].length; j++) {
        moved += a[i][j] != pre.ema()[i][j] ? 1 : 0;
      }
    }
    assertTrue(moved > pre.specs().stream().mapToLong(s -> s.size()).sum() / 2, "full fine-tuning moves most weights");
  }

  @Test
  void subdomainsAreTheDocumentedTransforms() {
    Batch img = new Batch(1, 16);
    java.util.Arrays.fill(img.data(), -1);
    img.data()[5] = 1; // row 1, column 1 of a 4 x 4 image
    Dataset thick = Subdomains.of("thick", new Dataset("one", img, new int[] {2}, 3));
    double[] expect = {1, 1, 1, -1, 1, 1, 1, -1, 1, 1, 1, -1, -1, -1, -1, -1};
    assertArrayEquals(expect, thick.data().data());
    assertArrayEquals(new int[] {2}, thick.labels());
    Dataset threes = Subdomains.of("class:1", data());
    assertEquals(8, threes.n());
    for (int y : threes.labels()) {
      assertEquals(1, y);
    }
    assertThrows(IllegalArgumentException.class, () -> Subdomains.of("class:7", data()));
    assertThrows(IllegalArgumentException.class, () -> Subdomains.of("rotated", data()));
    assertThrows(IllegalArgumentException.class, () -> FineTuner.Method.parse("adapter"));
    assertThrows(IllegalArgumentException.class, () -> new Options(Method.SARA, 0, 4, 1e-3, 0, 2e-3, 1, 0, 4, 4, 0));
  }
}
