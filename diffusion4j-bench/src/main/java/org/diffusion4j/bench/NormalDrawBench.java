package org.diffusion4j.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor for {@link SdeBench}: the same number of standard normal draws (paths x 1000 steps x
 * dim, one Rng stream per path, summed so nothing is dead code) with no SDE arithmetic at all.
 * SdeBench's ns per path-dimension-step divided by this benchmark's ns per draw says how close
 * the solver runs to "one normal draw and a few multiply-adds".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class NormalDrawBench {
  @Param({"1", "100"})
  public int dim;

  @Param({"1", "2"})
  public int threads;

  @Param({"10000"})
  public int paths;

  private ForkJoinPool pool;

  @Setup(Level.Trial)
  public void setUp() {
    pool = new ForkJoinPool(threads);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdown();
  }

  @Benchmark
  public double draws() throws Exception {
    double[] sums = new double[paths];
    pool.submit(() -> Parallel.forRows(paths, 64, (from, to) -> {
      Rng root = Rng.of(1);
      for (int p = from; p < to; p++) {
        Rng rng = root.stream(p);
        double acc = 0;
        for (int k = 0, e = 1000 * dim; k < e; k++) {
          acc += rng.nextGaussian();
        }
        sums[p] = acc;
      }
    })).get();
    double total = 0;
    for (double v : sums) {
      total += v;
    }
    return total;
  }
}
