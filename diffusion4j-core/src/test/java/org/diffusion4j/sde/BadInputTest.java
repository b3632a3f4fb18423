package org.diffusion4j.sde;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.diffusion4j.sde.models.Gbm;
import org.diffusion4j.sde.models.SdeModels;
import org.junit.jupiter.api.Test;

class BadInputTest {
  private static final Gbm GBM = Gbm.ito(0.1, 0.2);

  private static void message(Throwable e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention " + p);
    }
  }

  @Test
  void negativeOrZeroStepIsRejected() {
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).t1(1).dt(-0.1).y0(1).run()), "dt", "-0.1");
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).t1(1).dt(0).y0(1).run()), "dt");
  }

  @Test
  void reversedIntervalIsRejected() {
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).t0(1).t1(0.5).dt(0.1).y0(1).run()),
        "t1", "0.5");
  }

  @Test
  void badSaveTimesAndShapesAreRejected() {
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).t1(1).dt(0.1).y0(1).saveAt(0.5, 2).run()), "2.0");
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).t1(1).dt(0.1).y0(1, 2, 3).paths(2).run()), "y0");
    message(assertThrows(IllegalArgumentException.class,
        () -> SdeSolve.of(GBM).t1(1).controller(PidController.of(1e-3, 1e-3)).brownian(BrownianIncrements.of(1, 1)).y0(1).run()),
        "BrownianTree");
  }

  @Test
  void solverCalculusMismatchIsRejected() {
    Gbm strat = new Gbm(0.1, 0.2, 1, Calculus.STRATONOVICH);
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(strat).solver(Solver.EULER).t1(1).dt(0.1).y0(1).run()),
        "euler", "STRATONOVICH");
    message(assertThrows(IllegalArgumentException.class, () -> SdeSolve.of(GBM).solver(Solver.SRA).t1(1).dt(0.1).y0(1).run()),
        "sra", "ADDITIVE");
    message(assertThrows(IllegalArgumentException.class, () -> Solver.byName("rk45")), "rk45", "milstein");
  }

  @Test
  void nanFromTheDriftNamesTimeAndPath() {
    SdeTerm bad = new SdeTerm() {
      public int dim() {
        return 1;
      }

      public NoiseType noiseType() {
        return NoiseType.ADDITIVE;
      }

      public Calculus calculus() {
        return Calculus.ITO;
      }

      public void drift(double t, double[] y, double[] out, int n) {
        for (int r = 0; r < n; r++) {
          // Path 37 starts at y0 = 37 (one row per path); its drift returns NaN from t >= 0.5.
          out[r] = t >= 0.5 && y[r] > 30 ? Double.NaN : 0.0;
        }
      }

      public void diffusion(double t, double[] y, double[] out, int n) {
        java.util.Arrays.fill(out, 0, n, 0.01);
      }
    };
    double[] y0 = new double[100];
    for (int i = 0; i < y0.length; i++) {
      y0[i] = i == 37 ? 37 : 0;
    }
    NonFiniteStateException e = assertThrows(NonFiniteStateException.class,
        () -> SdeSolve.of(bad).t1(1).dt(0.25).y0(y0).paths(100).run());
    message(e, "t=0.75", "path 37");
  }

  @Test
  void unknownModelAndOptionAreRejected() {
    message(assertThrows(IllegalArgumentException.class, () -> SdeModels.create("brownian-bridge", Map.of())),
        "brownian-bridge", "gbm");
    message(assertThrows(IllegalArgumentException.class, () -> SdeModels.create("gbm", Map.of("theta", "1"))), "theta", "sigma");
    message(assertThrows(IllegalArgumentException.class, () -> SdeModels.create("ou", Map.of("sigma", "abc"))), "sigma", "abc");
    assertTrue(SdeModels.create("heston", Map.of()).noiseDim() == 2);
    assertTrue(SdeModels.create("fou", Map.of("k", "4")).dim() == 5);
    message(assertThrows(IllegalArgumentException.class, () -> SdeModels.create("fou", Map.of("k", "2.5"))), "k", "2.5");
    message(assertThrows(IllegalArgumentException.class, () -> SdeModels.create("fou", Map.of("hurst", "1.2"))), "Hurst", "1.2");
  }
}
