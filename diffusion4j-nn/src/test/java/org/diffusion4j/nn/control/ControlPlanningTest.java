package org.diffusion4j.nn.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.diffusion4j.control.MazeLayout;
import org.diffusion4j.control.OfflineDataset;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.ControlMlpConfig;
import org.diffusion4j.nn.net.GruConfig;
import org.diffusion4j.nn.net.GruNet;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.Networks;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class ControlPlanningTest {
  /** Seeded initial values with the zero-initialised output layer filled in, so the network's output depends on its input. */
  static float[][] liveWeights(SequenceNetConfig cfg) {
    float[][] w = cfg.build().initialValues();
    Rng r = Rng.of(99);
    for (float[] t : w) {
      boolean zero = true;
      for (float v : t) {
        zero &= v == 0;
      }
      if (zero) {
        for (int j = 0; j < t.length; j++) {
          t[j] = (float) (0.3 * r.nextGaussian());
        }
      }
    }
    return w;
  }

  static SequenceNetConfig tinyNet(int length, int channels, boolean observed) {
    return new SequenceNetConfig(length, channels, SequenceNetConfig.Backbone.DILATED_CONV, 8, 2, 1, 2, false, 0, 0,
        observed ? 2 * channels : 0, 3);
  }

  @Test
  void cosineScheduleMatchesItsClosedFormAndThePosteriorIsConsistent() {
    DdpmSchedule s = DdpmSchedule.cosine(64);
    double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
    for (int i = 0; i < 60; i++) { // the product of (1 - beta) telescopes to f(i + 1) / f(0) while betas are unclipped
      double f = Math.pow(Math.cos(((i + 1) / 64.0 + 0.008) / 1.008 * Math.PI / 2), 2);
      assertEquals(f / f0, s.alphaBar(i), 1e-12, "alpha-bar " + i);
    }
    for (int i = 1; i < 64; i++) { // noise-free x_i = sqrt(abar_i) x0 must have posterior mean sqrt(abar_{i-1}) x0
      assertEquals(Math.sqrt(s.alphaBar(i - 1)), s.c1(i) + s.c2(i) * Math.sqrt(s.alphaBar(i)), 1e-12, "index " + i);
    }
  }

  @Test
  void inpaintingKeepsTheFixedEntriesBitForBit() {
    SequenceNetConfig cfg = tinyNet(8, 6, false);
    double[] bound = new double[6];
    Arrays.fill(bound, 1);
    try (TrajectoryDiffusion d = new TrajectoryDiffusion(cfg, DdpmSchedule.cosine(10), false, bound, liveWeights(cfg))) {
      int n = 3;
      double[] values = new double[n * 48];
      double[] mask = new double[values.length];
      Rng r = Rng.of(1);
      for (int j = 0; j < values.length; j++) {
        values[j] = 2 * r.nextDouble() - 1;
        mask[j] = r.nextDouble() < 0.3 ? 1 : 0;
      }
      var cond = new TrajectoryDiffusion.Inpainting(values, mask);
      double[] full = d.sample(n, cond, Rng.of(5));
      double[] refined = d.denoise(new double[values.length], n, 3, cond, Rng.of(6));
      double[] ddim = d.ddim(n, 4, cond, Rng.of(7));
      int free = 0;
      for (int j = 0; j < values.length; j++) {
        if (mask[j] == 1) {
          assertEquals(Double.doubleToLongBits(values[j]), Double.doubleToLongBits(full[j]), "sample entry " + j);
          assertEquals(Double.doubleToLongBits(values[j]), Double.doubleToLongBits(refined[j]), "refined entry " + j);
          assertEquals(Double.doubleToLongBits(values[j]), Double.doubleToLongBits(ddim[j]), "ddim entry " + j);
        } else {
          free += full[j] != values[j] ? 1 : 0;
        }
      }
      assertTrue(free > 0, "the free entries are generated, not copied");
      assertArrayEquals(full, d.sample(n, cond, Rng.of(5)), "same seed, same plan, bit for bit");
    }
  }

  @Test
  void rtiAtTheFullLevelIsFullDenoisingBitForBit() {
    OfflineDataset data = OfflineDataset.grip(0, 20, 0.2);
    GripPolicy.Spec base = GripPolicy.defaultSpec(data, 1.0);
    GripPolicy.Spec spec = new GripPolicy.Spec(4, 6, 8, 2, 1.0, base.normalizer());
    float[][] w = liveWeights(spec.net(3));
    try (GripPolicy.Policy p = new GripPolicy.Policy(spec, w, 3)) {
      double[][][] full = new double[1][][];
      double[][][] rtiT = new double[1][][];
      double[][][] rti2 = new double[1][][];
      GripPolicy.run(p, GripPolicy.Scheme.FULL, 6, 3, 11, 0, new int[1], full);
      GripPolicy.run(p, GripPolicy.Scheme.RTI, 6, 3, 11, 0, new int[1], rtiT);
      GripPolicy.run(p, GripPolicy.Scheme.RTI, 2, 3, 11, 0, new int[1], rti2);
      assertEquals(full[0].length, rtiT[0].length);
      assertTrue(full[0].length > 5, "several control steps are compared");
      for (int k = 0; k < full[0].length; k++) {
        assertArrayEquals(full[0][k], rtiT[0][k], 0.0, "control step " + k);
      }
      assertFalse(Arrays.deepEquals(full[0], rti2[0]), "a partial warm start (k < T) changes the actions");
    }
  }

  @Test
  void gruRolloutInJavaMatchesTheNetworkItWasTrainedAs() {
    GruConfig cfg = new GruConfig(5, 6, 8, 16, 0, 4);
    GruNet net = cfg.build();
    float[][] w = net.initialValues();
    Rng r = Rng.of(2);
    float[] u = new float[2 * 5 * 8];
    for (int j = 0; j < u.length; j++) {
      u[j] = (float) r.nextGaussian();
    }
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet ps = ParamSet.of(m, net.specs(), w, false);
      NDArray out = net.forward(ps, m.zeros(new Shape(2, 5, 6)), m.zeros(new Shape(2, 1)),
          Condition.NONE.withContext(m.create(u, new Shape(2, 5, 8))));
      float[] y = out.toFloatArray();
      for (int b = 0; b < 2; b++) {
        double[] h = new double[16];
        for (int l = 0; l < 5; l++) {
          double[] ul = new double[8];
          for (int k = 0; k < 8; k++) {
            ul[k] = u[(b * 5 + l) * 8 + k];
          }
          h = net.step(w, ul, h);
          double[] yl = net.readout(w, h);
          for (int c = 0; c < 6; c++) {
            assertEquals(y[(b * 5 + l) * 6 + c], yl[c], 1e-5, "row " + b + " step " + l + " channel " + c);
          }
        }
      }
    }
  }

  @Test
  void controlNetworkConfigsRoundTripThroughJson() {
    for (NetworkConfig c : new NetworkConfig[] {new ControlMlpConfig(6, 2, 32, 2, 2, 7), new GruConfig(9, 6, 8, 16, 3, 1)}) {
      String json = Networks.toJson(c);
      assertEquals(json, Networks.toJson(Networks.fromJson(json)));
    }
  }

  @Test
  void badInputGivesAClearError() {
    OfflineDataset grip = OfflineDataset.grip(0, 3, 0.2);
    OfflineDataset maze = OfflineDataset.maze(MazeLayout.UMAZE, 0, 1, 100, 0.2);
    var e1 = assertThrows(IllegalArgumentException.class, () -> MazePlanning.defaultSpec(grip));
    assertTrue(e1.getMessage().contains("dimension 4"), e1.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class, () -> GripPolicy.defaultSpec(maze, 1));
    assertTrue(e2.getMessage().contains("dimension 7"), e2.getMessage());
    GripPolicy.Spec spec = new GripPolicy.Spec(4, 6, 8, 2, 1.0, GripPolicy.defaultSpec(grip, 1).normalizer());
    try (GripPolicy.Policy p = new GripPolicy.Policy(spec, spec.net(0).build().initialValues(), 0)) {
      var e3 = assertThrows(IllegalArgumentException.class,
          () -> p.chunks(new double[][] {new double[5]}, null, GripPolicy.Scheme.FULL, 6, Rng.of(0)));
      assertTrue(e3.getMessage().contains("dimension 7"), e3.getMessage());
      var e4 = assertThrows(IllegalArgumentException.class,
          () -> p.diffusion().denoise(null, 1, 7, null, Rng.of(0)));
      assertTrue(e4.getMessage().contains("[1, 6]"), e4.getMessage());
    }
  }
}
