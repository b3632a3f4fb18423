package org.diffusion4j.nn.neuralsde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.irregular.LinearPath;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** SDE-GAN: Lipschitz clipping holds after training, and the two players move the Wasserstein loss in opposite directions. */
class SdeGanTest {
  static final SdeGan.Options TINY = new SdeGan.Options(3, 2, 4, 4, 1, 3, 16, 1e-3, 1e-3, 5);

  @Test
  void discriminatorWeightsStayClippedToOneOverOutFeatures() {
    IrregularBatch data = SdeGan.ouData(32, 8, 1);
    assertTrue(data.missingFraction() > 0.2 && data.missingFraction() < 0.4, "about 30% dropped");
    SdeGan.Trained t = SdeGan.fit(data, TINY);
    SdeGan.Nets nets = new SdeGan.Nets(TINY);
    int atBound = 0;
    for (int i = 0; i < nets.disc.specs.size(); i++) {
      ParamSpec s = nets.disc.specs.get(i);
      if (!s.name().endsWith(".weight")) {
        continue;
      }
      float lim = 1f / s.shape()[0];
      for (float w : t.discriminator()[i]) {
        assertTrue(Math.abs(w) <= lim, s + " weight " + w + " outside +-" + lim);
        atBound += Math.abs(w) == lim ? 1 : 0;
      }
    }
    assertTrue(atBound > 0, "the clipping should be active for the default initialisation");
    assertEquals(TINY.steps(), t.losses().length);
    double[] paths = t.sample(4, 9);
    assertEquals(4 * 8, paths.length);
    for (double v : paths) {
      assertTrue(Double.isFinite(v));
    }
  }

  @Test
  void discriminatorStepLowersAndGeneratorStepRaisesTheLoss() {
    IrregularBatch data = SdeGan.ouData(16, 8, 2);
    double[] filled = LinearPath.fill(data);
    double[] times = data.times();
    int[] rows = new int[16];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = i;
    }
    SdeGan.Nets nets = new SdeGan.Nets(TINY);
    float[][] gw = nets.generatorInit(1);
    float[][] dw = nets.disc.init(2);
    double before = loss(nets, gw, dw, filled, times, rows, false, false);
    double afterD = loss(nets, gw, dw, filled, times, rows, true, false);
    double afterG = loss(nets, gw, dw, filled, times, rows, false, true);
    assertTrue(afterD < before, "a discriminator step should lower D(gen) - D(real): " + before + " -> " + afterD);
    assertTrue(afterG > before, "a generator step should raise D(gen) - D(real): " + before + " -> " + afterG);
  }

  /** The loss on a fixed batch and generator noise, after one optional step of either player. */
  private static double loss(SdeGan.Nets nets, float[][] gw, float[][] dw, double[] filled, double[] times,
      int[] rows, boolean stepD, boolean stepG) {
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet g = ParamSet.of(m, nets.gen.specs, gw, true);
      ParamSet d = ParamSet.of(m, nets.disc.specs, dw, true);
      if (stepD || stepG) {
        try (NDManager sm = m.newSubManager()) {
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            gc.backward(SdeGan.lossOn(nets, g, d, sm, filled, times, rows, Rng.of(77)));
          }
          if (stepD) {
            new Adam(m, d, 1e-3).step(sm, 1);
          } else {
            new Adam(m, g, 1e-3).step(sm, -1);
          }
        }
      }
      try (NDManager sm = m.newSubManager()) {
        NDArray l = SdeGan.lossOn(nets, g, d, sm, filled, times, rows, Rng.of(77));
        return l.getFloat();
      }
    }
  }
}
