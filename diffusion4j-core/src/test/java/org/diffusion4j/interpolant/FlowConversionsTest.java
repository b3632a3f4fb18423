package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;

class FlowConversionsTest {
  static final GaussianMixture STD = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});

  @Test
  void scoreFromVelocityIsTheExactScore() {
    GaussianMixture eight = InterpolantGeneratorTest.eightGaussians();
    Batch x = Noise.standardNormal(3, 50, 2).scale(3);
    for (Interpolant it : new Interpolant[] {Interpolant.oneSidedLinear(), Interpolant.oneSidedTrigonometric()}) {
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, STD, eight);
      VectorField converted = FlowConversions.scoreFromVelocity(it, f.velocityField());
      for (double t : new double[] {0, 0.2, 0.6, 0.95}) {
        Batch exact = x.zerosLike();
        Batch got = x.zerosLike();
        f.score(x, t, exact);
        converted.evaluate(x, t, got);
        assertTrue(got.maxAbsDistance(exact) < 1e-9 * (1 + max(exact)), it.name() + " t=" + t + ": " + got.maxAbsDistance(exact));
      }
      assertThrows(IllegalArgumentException.class, () -> converted.evaluate(x, 1, x.zerosLike()));
    }
    assertThrows(IllegalArgumentException.class,
        () -> FlowConversions.scoreFromVelocity(Interpolant.linear(Gamma.sqrtBridge(1)), (t, a, b) -> { }));
  }

  /** The ODE-to-SDE conversion keeps the marginals: SDE with the converted score reaches the target. */
  @Test
  void convertedSdeReachesTheTarget() {
    GaussianMixture eight = InterpolantGeneratorTest.eightGaussians();
    Interpolant it = Interpolant.oneSidedLinear();
    GaussianInterpolantFields f = new GaussianInterpolantFields(it, STD, eight);
    VectorField score = FlowConversions.scoreFromVelocity(it, f.velocityField());
    Batch x0 = STD.sample(4, 3000);
    // eps vanishes like (1 - t)^2 where the score blows up like 1/(1 - t); stop at t = 1 - 1e-3.
    Batch out = InterpolantGenerator.sde(f.velocityField(), score, t -> 0.5 * (1 - t) * (1 - t), x0, 0, 1 - 1e-3,
        300, Scheme.HEUN, 8);
    InterpolantGeneratorTest.assertMoments("converted sde", out, eight.dataMean(), eight.dataVar(), 2e-2);
    InterpolantGeneratorTest.assertModeFractions("converted sde", out, eight);
  }

  /** Linear-to-trigonometric conversion of the exact linear velocity equals the exact trigonometric velocity. */
  @Test
  void interpolantConversionMatchesTheExactField() {
    GaussianMixture eight = InterpolantGeneratorTest.eightGaussians();
    Interpolant lin = Interpolant.oneSidedLinear();
    Interpolant trig = Interpolant.oneSidedTrigonometric();
    GaussianInterpolantFields fl = new GaussianInterpolantFields(lin, STD, eight);
    GaussianInterpolantFields ft = new GaussianInterpolantFields(trig, STD, eight);
    VectorField toTrig = FlowConversions.convertVelocity(lin, fl.velocityField(), trig);
    VectorField toLin = FlowConversions.convertVelocity(trig, ft.velocityField(), lin);
    Batch x = Noise.standardNormal(5, 40, 2).scale(3);
    for (double t : new double[] {0, 0.1, 0.5, 0.9, 1}) {
      Batch exact = x.zerosLike();
      Batch got = x.zerosLike();
      ft.velocity(x, t, exact);
      toTrig.evaluate(x, t, got);
      assertTrue(got.maxAbsDistance(exact) < 1e-8 * (1 + max(exact)), "lin->trig t=" + t + ": " + got.maxAbsDistance(exact));
      fl.velocity(x, t, exact);
      toLin.evaluate(x, t, got);
      assertTrue(got.maxAbsDistance(exact) < 1e-8 * (1 + max(exact)), "trig->lin t=" + t + ": " + got.maxAbsDistance(exact));
    }
  }

  /**
   * A mixture model on the cond-OT / trig paths, given as an eps-predicting Denoiser, is the exact
   * velocity of the one-sided linear / trigonometric interpolant after the time reversal.
   */
  @Test
  void denoiserOnAGaussianPathIsTheOneSidedInterpolantVelocity() {
    GaussianMixture eight = InterpolantGeneratorTest.eightGaussians();
    Batch x = Noise.standardNormal(6, 30, 2).scale(3);
    Object[][] cases = {{Interpolant.oneSidedLinear(), new org.diffusion4j.path.CondOtPath()},
        {Interpolant.oneSidedTrigonometric(), new org.diffusion4j.path.TrigPath()}};
    for (Object[] c : cases) {
      Interpolant it = (Interpolant) c[0];
      org.diffusion4j.path.GaussianPath path = (org.diffusion4j.path.GaussianPath) c[1];
      GaussianInterpolantFields f = new GaussianInterpolantFields(it, STD, eight);
      VectorField v = FlowConversions.velocityOf(eight.denoiser(path, org.diffusion4j.model.Prediction.EPSILON), path);
      for (double u : new double[] {0.05, 0.3, 0.7, 0.95}) {
        Batch exact = x.zerosLike();
        Batch got = x.zerosLike();
        f.velocity(x, u, exact);
        v.evaluate(x, u, got);
        assertTrue(got.maxAbsDistance(exact) < 1e-8 * (1 + max(exact)), it.name() + " u=" + u + ": " + got.maxAbsDistance(exact));
      }
    }
  }

  static double max(Batch b) {
    double m = 0;
    for (double v : b.data()) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }
}
