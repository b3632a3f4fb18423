package org.diffusion4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusion4j.array.Batch;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.VpLinearPath;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class ClassifierFreeGuidanceTest {
  private final GaussianPath path = new VpLinearPath();
  // "Class y": a Gaussian at +1; "null class": the two-class mixture.
  private final Denoiser cond = GaussianMixture.gaussian(new double[] {1, 1}, new double[] {0.2, 0.2})
      .denoiser(path, Prediction.EPSILON);
  private final Denoiser uncond = new GaussianMixture(new double[] {0.5, 0.5},
      new double[][] {{1, 1}, {-1, -1}}, new double[][] {{0.2, 0.2}, {0.2, 0.2}}).denoiser(path, Prediction.EPSILON);
  private final Batch x = Noise.standardNormal(3, 50, 2);

  private double[] predict(Denoiser d, double t) {
    Batch out = x.zerosLike();
    d.predict(x, t, out);
    return out.data();
  }

  @Test
  void weightZeroIsTheConditionalAndMinusOneTheUnconditionalModel() {
    for (double t : new double[] {0.1, 0.5, 0.9}) {
      assertArrayEquals(predict(cond, t), predict(ClassifierFreeGuidance.of(cond, uncond, 0), t), 0.0);
      assertArrayEquals(predict(uncond, t), predict(ClassifierFreeGuidance.of(cond, uncond, -1), t), 0.0);
    }
  }

  @Test
  void weightTwoExtrapolatesAwayFromTheUnconditionalModel() {
    double t = 0.4;
    double[] c = predict(cond, t);
    double[] u = predict(uncond, t);
    double[] g = predict(ClassifierFreeGuidance.of(cond, uncond, 2), t);
    for (int i = 0; i < g.length; i++) {
      assertEquals(3 * c[i] - 2 * u[i], g[i], 1e-12 * (1 + Math.abs(g[i])));
    }
  }

  @Test
  void refusesMismatchedModelsAndNonFiniteWeights() {
    assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.of(cond, uncond, Double.NaN));
    Denoiser x0 = GaussianMixture.gaussian(new double[] {1, 1}, new double[] {0.2, 0.2}).denoiser(path, Prediction.X0);
    var e = assertThrows(IllegalArgumentException.class, () -> ClassifierFreeGuidance.of(cond, x0, 1));
    assertEquals(true, e.getMessage().contains("prediction kind"), e.getMessage());
  }
}
