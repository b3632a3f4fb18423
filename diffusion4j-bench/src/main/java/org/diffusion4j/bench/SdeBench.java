package org.diffusion4j.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.sde.Calculus;
import org.diffusion4j.sde.NoiseType;
import org.diffusion4j.sde.SdeSolve;
import org.diffusion4j.sde.SdeTerm;
import org.diffusion4j.sde.Solver;
import org.diffusion4j.sde.models.Gbm;
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
 * Monte Carlo SDE throughput: one op = {@code paths} paths over [0, 1] with dt = 1e-3 (1000
 * steps). paths/s = paths / (s/op); ns per path-dimension-step = (s/op) * 1e9 / (paths * dim * 1000).
 * Problems: GBM (d = 1) and a 100-dimensional OU dY = -Y dt + 0.5 dW declared with DIAGONAL noise
 * (so Milstein evaluates its correction). Threads via a dedicated ForkJoinPool.
 *
 * <pre>java -jar ... or: java -cp "target/classes:$(cat target/classpath.txt)" org.openjdk.jmh.Main SdeBench -wi 1 -i 2 -f 1</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class SdeBench {
  @Param({"gbm", "ou100"})
  public String problem;

  @Param({"euler", "milstein"})
  public String solver;

  @Param({"1", "2"})
  public int threads;

  @Param({"10000"})
  public int paths;

  private ForkJoinPool pool;
  private SdeTerm term;
  private double[] y0;
  private long seed;

  /** A d-dimensional OU process dY = -Y dt + 0.5 dW, written as a diagonal-noise term. */
  static final class DiagonalOu implements SdeTerm {
    private final int d;

    DiagonalOu(int d) {
      this.d = d;
    }

    @Override
    public int dim() {
      return d;
    }

    @Override
    public NoiseType noiseType() {
      return NoiseType.DIAGONAL;
    }

    @Override
    public Calculus calculus() {
      return Calculus.ITO;
    }

    @Override
    public void drift(double t, double[] y, double[] out, int n) {
      for (int k = 0, e = n * d; k < e; k++) {
        out[k] = -y[k];
      }
    }

    @Override
    public void diffusion(double t, double[] y, double[] out, int n) {
      java.util.Arrays.fill(out, 0, n * d, 0.5);
    }

    @Override
    public boolean diffusionDerivative(double t, double[] y, double[] g, double[] out, int n) {
      java.util.Arrays.fill(out, 0, n * d, 0.0);
      return true;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    pool = new ForkJoinPool(threads);
    if (problem.equals("gbm")) {
      term = Gbm.ito(0.05, 0.2);
      y0 = new double[] {1.0};
    } else {
      term = new DiagonalOu(100);
      y0 = new double[100];
      java.util.Arrays.fill(y0, 1.0);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.shutdown();
  }

  @Benchmark
  public double[] simulate() throws Exception {
    long s = seed++;
    return pool.submit(() -> SdeSolve.of(term).solver(Solver.byName(solver)).t1(1).dt(1e-3).y0(y0)
        .paths(paths).seed(s).run().values()).get();
  }
}
