package org.diffusion4j.nn.consistency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

class DenoisedClassifierTest {
  @Test
  void denoiserRunsAtTheNoiseLevelOfTheSmoothingNoiseInModelUnits() {
    // pixel noise sigma on u in [0, 1] is 2 sigma on x = 2u - 1: on cond-OT sigma(t)/alpha(t) = t/(1 - t) = 2 sigma
    GaussianPath condOt = Paths.create("cond-ot", Map.of());
    GaussianMixture g = GaussianMixture.random(1, 784, 3);
    DenoisedClassifier c = new DenoisedClassifier(g.denoiser(condOt, Prediction.VELOCITY), condOt, 0.25, null);
    assertEquals(0.5 / 1.5, c.time(), 1e-12);
    assertEquals(0.5, ConsistencySchedule.sigmaOf(condOt, c.time()), 1e-12);
    assertArrayEquals(new double[] {0, 0.5, 1}, DenoisedClassifier.toPixels(new double[] {-1, 0, 1}), 0);
    assertThrows(IllegalArgumentException.class, () -> new DenoisedClassifier(null, condOt, -1, null));
  }
}
