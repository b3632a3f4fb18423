package org.diffusion4j.bench;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.ScheduleSampler;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.v3.DpmSolverV3;
import org.diffusion4j.sampler.v3.Ems;
import org.diffusion4j.sampler.v3.EmsEstimator;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
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
 * Cost of the fast samplers next to DPM-Solver++ 2M at the same NFE on {@code gmm64-12}
 * (n = 2000, NFE 10, logSNR grid): DPM-Solver-v3 (EMS integrals per step, Gauss-Legendre over
 * the EMS grid) and a schedule run through the generic {@link ScheduleSampler}.
 *
 * <p>Run: {@code java -cp diffusion4j-bench/target/classes:$(cat diffusion4j-bench/target/classpath.txt)
 * org.openjdk.jmh.Main FastSamplers}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FastSamplersBenchmark {
  @Param({"dpm-solver++-2m", "dpm-solver-v3", "schedule-data-2m"})
  public String solver;

  @Param({"10"})
  public int nfe;

  @Param({"2000"})
  public int n;

  private Sampler sampler;
  private Denoiser model;
  private GaussianPath path;
  private TimeGrid grid;
  private Batch noise;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = Paths.create("vp-linear", Map.of());
    model = SamplerOverheadBenchmark.gmm64().denoiser(path, Prediction.EPSILON);
    grid = TimeGrid.create(TimeGrid.Spacing.LOGSNR, path, 1.0, 1e-3, nfe);
    noise = Noise.standardNormal(1, n, model.dim());
    sampler = switch (solver) {
      case "dpm-solver-v3" -> {
        Ems ems = new EmsEstimator(128, 121, 4, 2, 1001, 1.0, 1e-3).compute(model, path, null);
        yield new DpmSolverV3(ems, 3, false, DpmSolverV3.Corrector.FULL, true);
      }
      case "schedule-data-2m" -> new ScheduleSampler(SolverSchedule.multistep(grid.times(),
          SolverSchedule.Form.DATA, 2, Estimator.HALF, true), null);
      default -> Samplers.create(solver);
    };
  }

  @Benchmark
  public Batch sample() {
    return sampler.sample(new ModelEvaluator(model, path), grid, sampler.planForSteps(nfe), noise, 0);
  }
}
