package org.diffusion4j.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.DivergenceEstimator;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.ExactDivergence;
import org.diffusion4j.likelihood.HutchinsonDivergence;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
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

/** Seconds to evaluate the probability-flow log-likelihood of 1,000 points of a 64-D, 4-component mixture (vp-linear). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class LikelihoodBenchmark {
  @Param({"exact", "hutchinson8"})
  public String divergence;

  @Param({"1e-5"})
  public double rtol;

  private Likelihood likelihood;
  private Batch data;

  @Setup
  public void setup() {
    GaussianMixture g = GaussianMixture.random(4, 64, 164);
    GaussianPath path = Paths.create("vp-linear", Map.of());
    DivergenceEstimator div = divergence.equals("exact") ? new ExactDivergence()
        : new HutchinsonDivergence(8, HutchinsonDivergence.Probe.RADEMACHER, 0);
    likelihood = Likelihood.builder(g.denoiser(path, Prediction.EPSILON), path)
        .solver(new DormandPrince(rtol, rtol)).divergence(div).build();
    data = g.sample(1, 1000);
  }

  @Benchmark
  public double[] thousandPoints() {
    return likelihood.evaluate(data).logp();
  }
}
