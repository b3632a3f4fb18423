package org.diffusion4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The sampler's own cost next to the model's: {@link #sample} runs a multistep solver with the
 * exact 64-D, 12-component Gaussian mixture ({@code gmm64-12}) as the model on n = 2000 rows;
 * {@link #modelOnly} makes the same NFE model calls at the same times and nothing else. The
 * sampler overhead fraction is 1 - modelOnly / sample (target: at most 5% for multistep solvers).
 *
 * <p>Run: {@code java -cp diffusion4j-bench/target/classes:$(cat diffusion4j-bench/target/classpath.txt)
 * org.openjdk.jmh.Main SamplerOverhead}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SamplerOverheadBenchmark {
  @Param({"dpm-solver++-2m", "dpm-solver++-3m", "unipc-bh2-3", "deis-3", "dpm-solver-multistep-3"})
  public String solver;

  @Param({"10"})
  public int nfe;

  @Param({"2000"})
  public int n;

  private Sampler sampler;
  private Denoiser model;
  private GaussianPath path;
  private Batch noise;
  private double[] times;
  private Batch scratch;

  /** The bundled 64-D mixture with 12 components. */
  public static GaussianMixture gmm64() throws IOException {
    try (InputStream in = GaussianMixture.class.getResourceAsStream("/org/diffusion4j/mixtures/gmm64-12.json")) {
      return GaussianMixture.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    GaussianMixture mix = gmm64();
    path = Paths.create("vp-linear", Map.of());
    sampler = Samplers.create(solver);
    // Data-prediction solvers get an x0 model, noise-prediction ones an eps model: no conversion.
    Prediction kind = solver.contains("++") || solver.startsWith("unipc") ? Prediction.X0 : Prediction.EPSILON;
    model = mix.denoiser(path, kind);
    noise = Noise.standardNormal(1, n, mix.dim());
    Plan plan = sampler.plan(nfe);
    TimeGrid grid = TimeGrid.create(TimeGrid.Spacing.LOGSNR, path, 1, 1e-3, plan.steps());
    times = grid.times();
    scratch = noise.zerosLike();
  }

  @Benchmark
  public Batch sample() {
    return Sampling.with(sampler, model, path).times(1, 1e-3).nfe(nfe).run(noise).x();
  }

  /** The model evaluations alone (one per grid time but the last, as a multistep solver makes). */
  @Benchmark
  public Batch modelOnly() {
    for (int i = 0; i < nfe; i++) {
      model.predict(noise, times[i], scratch);
    }
    return scratch;
  }
}
