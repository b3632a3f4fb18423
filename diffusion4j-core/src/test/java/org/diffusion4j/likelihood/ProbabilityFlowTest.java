package org.diffusion4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;

class ProbabilityFlowTest {
  private static final List<String> PATHS = List.of("vp-linear", "ve", "sub-vp", "cond-ot", "vp-cosine", "edm");

  /** v = f x - g^2/2 score and div v = f d - g^2/2 div score for every path and prediction kind. */
  @Test
  void velocityAndExactDivergenceMatchClosedFormForEveryPathAndKind() {
    GaussianMixture g = GaussianMixture.random(3, 4, 11);
    Batch x = g.sample(5, 6);
    for (String name : PATHS) {
      GaussianPath path = Paths.create(name, Map.of());
      double t = path.tMin() + 0.3 * (path.tMax() - path.tMin());
      Batch xt = x.copy().scale(path.alpha(t));
      Batch score = xt.zerosLike();
      g.posterior(path, t, xt, null, score);
      double f = path.drift(t);
      double g2 = path.diffusionSquared(t);
      Batch expected = xt.zerosLike().setLinear(f, xt, -0.5 * g2, score);
      double[] divScore = MixtureFixtures.scoreDivergence(g, path, t, xt);
      for (Prediction kind : Prediction.values()) {
        ProbabilityFlow flow = new ProbabilityFlow(g.denoiser(path, kind), path);
        Batch v = xt.zerosLike();
        double[] div = new double[xt.n()];
        flow.evaluate(new ExactDivergence(), xt, t, 0, v, div);
        double vScale = 1 + Math.abs(f) + g2;
        assertTrue(v.maxAbsDistance(expected) < 1e-10 * vScale * 10, name + "/" + kind + " velocity off by "
            + v.maxAbsDistance(expected));
        for (int i = 0; i < div.length; i++) {
          double want = f * g.dim() - 0.5 * g2 * divScore[i];
          assertEquals(want, div[i], 1e-6 * (1 + Math.abs(want)), name + "/" + kind + " row " + i);
        }
      }
    }
  }

  /** The exact estimator differentiates only the model output: evaluations per row = 1 + 2d, in one call. */
  @Test
  void exactDivergenceStacksOneBatchPerCall() {
    GaussianMixture g = GaussianMixture.random(2, 5, 3);
    GaussianPath path = Paths.create("vp-linear", Map.of());
    org.diffusion4j.model.Denoiser inner = g.denoiser(path, Prediction.EPSILON);
    long[] rows = {0};
    org.diffusion4j.model.Denoiser counting = new org.diffusion4j.model.Denoiser() {
      @Override
      public int dim() {
        return inner.dim();
      }

      @Override
      public Prediction prediction() {
        return inner.prediction();
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        rows[0] += x.n();
        inner.predict(x, t, out);
      }
    };
    ProbabilityFlow flow = new ProbabilityFlow(counting, path);
    Batch x = g.sample(1, 7);
    flow.evaluate(new ExactDivergence(), x, 0.5, 0, x.zerosLike(), new double[7]);
    assertEquals(1, flow.modelCalls());
    assertEquals(7 * 11, rows[0]);
    assertEquals(7 * 11, flow.modelRows());
  }

  @Test
  void undefinedVelocityAtTheEndIsAClearError() {
    GaussianMixture g = GaussianMixture.random(1, 2, 3);
    GaussianPath path = Paths.create("cond-ot", Map.of());
    ProbabilityFlow flow = new ProbabilityFlow(g.denoiser(path, Prediction.EPSILON), path);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flow.coefficients(1.0));
    assertTrue(e.getMessage().contains("t = 1.0"), e.getMessage());
    // A velocity model is fine at t = 1.
    new ProbabilityFlow(g.denoiser(path, Prediction.VELOCITY), path).coefficients(1.0);
  }
}
