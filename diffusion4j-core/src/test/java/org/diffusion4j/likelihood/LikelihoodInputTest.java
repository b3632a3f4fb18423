package org.diffusion4j.likelihood;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class LikelihoodInputTest {
  private final GaussianMixture g = GaussianMixture.random(2, 3, 1);
  private final GaussianPath path = Paths.create("vp-linear", Map.of());
  private final Denoiser model = g.denoiser(path, Prediction.EPSILON);

  private static void assertMessage(Class<? extends Throwable> type, String part, Executable e) {
    Throwable t = assertThrows(type, e);
    assertTrue(t.getMessage().contains(part), "message '" + t.getMessage() + "' should mention '" + part + "'");
  }

  @Test
  void dataDimensionMustMatchTheModel() {
    Likelihood lik = Likelihood.builder(model, path).build();
    assertMessage(IllegalArgumentException.class, "does not match", () -> lik.evaluate(new Batch(2, 4)));
  }

  @Test
  void nonFiniteDataIsRejectedWithItsPosition() {
    Likelihood lik = Likelihood.builder(model, path).build();
    Batch x = new Batch(3, 3);
    x.set(2, 1, Double.NaN);
    assertMessage(IllegalArgumentException.class, "row 2, column 1", () -> lik.evaluate(x));
  }

  @Test
  void impossibleTolerancesAndTimesAreRejected() {
    assertMessage(IllegalArgumentException.class, "rtol", () -> new DormandPrince(0, 1e-6));
    assertMessage(IllegalArgumentException.class, "rtol", () -> new DormandPrince(-1e-3, 1e-6));
    assertMessage(IllegalArgumentException.class, "rtol", () -> new DormandPrince(1e-16, 1e-6));
    assertMessage(IllegalArgumentException.class, "atol", () -> new DormandPrince(1e-5, 0));
    assertMessage(IllegalArgumentException.class, "atol", () -> new DormandPrince(1e-5, Double.NaN));
    assertMessage(IllegalArgumentException.class, "must be smaller than T",
        () -> Likelihood.builder(model, path).eps(0.5).tEnd(0.5).build());
    assertMessage(IllegalArgumentException.class, "must be smaller than T",
        () -> Likelihood.builder(model, path).eps(0.9).tEnd(0.2).build());
    assertMessage(IllegalArgumentException.class, "below the start", () -> Likelihood.builder(model, path).eps(-0.1).build());
    assertMessage(IllegalArgumentException.class, "beyond the end", () -> Likelihood.builder(model, path).tEnd(1.5).build());
    assertMessage(IllegalArgumentException.class, "eps = NaN", () -> Likelihood.builder(model, path).eps(Double.NaN).build());
    assertMessage(IllegalArgumentException.class, "at least 1 step", () -> FixedStepSolver.rk4(0));
    // VP's score is singular at t = 0: eps = 0 is refused up front, naming the time.
    assertMessage(IllegalArgumentException.class, "undefined at t = 0.0", () -> Likelihood.builder(model, path).eps(0).build());
  }

  @Test
  void aModelReturningNaNStopsWithTheStepAndTime() {
    Denoiser broken = new Denoiser() {
      @Override
      public int dim() {
        return 3;
      }

      @Override
      public Prediction prediction() {
        return Prediction.EPSILON;
      }

      @Override
      public void predict(Batch x, double t, Batch out) {
        model.predict(x, t, out);
        if (t > 0.5) {
          out.data()[0] = Double.NaN;
        }
      }
    };
    Likelihood lik = Likelihood.builder(broken, path).build();
    assertMessage(IllegalStateException.class, "t = ", () -> lik.evaluate(g.sample(1, 2)));
  }
}
