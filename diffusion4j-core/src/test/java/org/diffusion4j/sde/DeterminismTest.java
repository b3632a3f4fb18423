package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.diffusion4j.array.Parallel;
import org.diffusion4j.sde.models.Gbm;
import org.diffusion4j.sde.models.StochasticLorenz;
import org.junit.jupiter.api.Test;

/** Same seed, same result bitwise, whatever the thread count and block size. */
class DeterminismTest {
  private static double[] run(int threads, SdeSolve solve) throws Exception {
    return Parallel.withThreads(threads, () -> solve.run().values());
  }

  @Test
  void fixedStepIsBitwiseIdenticalAtAnyThreadCount() throws Exception {
    StochasticLorenz lorenz = new StochasticLorenz(10, 28, 8.0 / 3, 0.1, 0.28, 0.3);
    for (Solver s : new Solver[] {Solver.EULER, Solver.SRI, Solver.MILSTEIN}) {
      double[] one = run(1, SdeSolve.of(lorenz).solver(s).t1(0.5).dt(0.01).y0(1, 1, 1).paths(1000).seed(5).saveAt(0.25, 0.5));
      double[] two = run(2, SdeSolve.of(lorenz).solver(s).t1(0.5).dt(0.01).y0(1, 1, 1).paths(1000).seed(5).saveAt(0.25, 0.5).blockRows(17));
      double[] many = run(16, SdeSolve.of(lorenz).solver(s).t1(0.5).dt(0.01).y0(1, 1, 1).paths(1000).seed(5).saveAt(0.25, 0.5).blockRows(5));
      double[] byDefault = SdeSolve.of(lorenz).solver(s).t1(0.5).dt(0.01).y0(1, 1, 1).paths(1000).seed(5).saveAt(0.25, 0.5).run().values();
      assertArrayEquals(one, two, 0.0);
      assertArrayEquals(one, many, 0.0);
      assertArrayEquals(one, byDefault, 0.0);
    }
  }

  @Test
  void adaptiveIsBitwiseIdenticalAtAnyThreadCount() throws Exception {
    Gbm gbm = Gbm.ito(0.5, 0.8);
    double[] one = run(1, SdeSolve.of(gbm).solver(Solver.MILSTEIN).t1(1).controller(PidController.of(1e-3, 1e-4)).y0(1).paths(300).seed(3));
    double[] many = run(16, SdeSolve.of(gbm).solver(Solver.MILSTEIN).t1(1).controller(PidController.of(1e-3, 1e-4)).y0(1).paths(300).seed(3).blockRows(7));
    assertArrayEquals(one, many, 0.0);
  }

  /** The bulk draw loop of a fixed-step solve gives the same numbers as BrownianIncrements' per-path API. */
  @Test
  void bulkIncrementsMatchThePerPathStream() {
    for (Solver s : new Solver[] {Solver.EULER, Solver.SRI}) {
      BrownianIncrements inc = BrownianIncrements.of(9, 1);
      BrownianSource perPath = new BrownianSource() {
        public int dim() {
          return 1;
        }

        public BrownianPath path(long index) {
          return inc.path(index);
        }

        public boolean reproducible() {
          return false;
        }
      };
      Gbm gbm = Gbm.ito(0.1, 0.4);
      double[] bulk = SdeSolve.of(gbm).solver(s).t1(1).dt(0.01).y0(1).paths(50).seed(9).saveAt(0.5, 1).run().values();
      double[] viaPaths = SdeSolve.of(gbm).solver(s).t1(1).dt(0.01).y0(1).paths(50).brownian(perPath).saveAt(0.5, 1).run().values();
      assertArrayEquals(bulk, viaPaths, 0.0);
    }
  }
}
