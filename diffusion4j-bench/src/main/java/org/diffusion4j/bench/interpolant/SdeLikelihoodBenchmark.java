package org.diffusion4j.bench.interpolant;

import java.util.concurrent.TimeUnit;
import org.diffusion4j.array.Batch;
import org.diffusion4j.interpolant.DivergenceField;
import org.diffusion4j.interpolant.Gamma;
import org.diffusion4j.interpolant.GaussianInterpolantFields;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.SdeInterpolantLikelihood;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.model.GaussianMixture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Seconds for the SDE-model likelihood of 100 points of a 2-D, 8-component mixture (exact
 * interpolant fields, linear gamma = sqrt(2t(1-t)), 100 Heun steps, exact divergence), per estimator
 * and number of paths: the cost is about paths x steps x (field evaluations per step).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SdeLikelihoodBenchmark {
  @Param({"REWEIGHTED_BACKWARD", "FEYNMAN_KAC"})
  public String estimator;

  @Param({"16", "64"})
  public int paths;

  private SdeInterpolantLikelihood likelihood;
  private Batch data;

  @Setup
  public void setup() {
    GaussianMixture rho1 = GaussianMixture.random(8, 2, 7);
    GaussianMixture rho0 = GaussianMixture.gaussian(new double[] {0, 0}, new double[] {1, 1});
    GaussianInterpolantFields f = new GaussianInterpolantFields(Interpolant.linear(Gamma.sqrtBridge(2)), rho0, rho1);
    likelihood = SdeInterpolantLikelihood.builder(DivergenceField.of(f.velocityField(), new ExactDivergence()),
            rho0::logDensityData)
        .score(f.scoreField()).scoreDivergence(DivergenceField.of(f.scoreField(), new ExactDivergence())).eps(0.5)
        .estimator(SdeInterpolantLikelihood.Estimator.valueOf(estimator)).steps(100).paths(paths).seed(1).build();
    data = rho1.sample(2, 100);
  }

  @Benchmark
  public double[] hundredPoints() {
    return likelihood.evaluate(data).logMeanWeight();
  }
}
