package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.sde.SdeSolution;
import org.junit.jupiter.api.Test;

/** SDE Monte Carlo statistics on Spark are bitwise those of the single-machine run, for any partitioning. */
class SdeMonteCarloSparkTest {
  private static final SdeMonteCarlo.Spec OU = new SdeMonteCarlo.Spec("ou", Map.of("mu", "0.5", "theta", "2"),
      new double[] {1.0}, 0, 1, 0.01, "sra", 0, 0, new double[] {0.5, 1.0}, 3001, 42, 256, 0.01, -2, 3, 25);
  private static final SdeMonteCarlo.Spec HESTON = new SdeMonteCarlo.Spec("heston", Map.of(), new double[0], 0, 1,
      0.02, null, 0, 0, new double[0], 1500, 7, 100, 0.005, 0, 4, 10);
  private static final SdeMonteCarlo.Spec ADAPTIVE = new SdeMonteCarlo.Spec("gbm", Map.of(), new double[0], 0, 1,
      0.05, null, 1e-3, 1e-3, new double[] {0.3, 1}, 400, 3, 64, 0.01, 0, 1, 0);

  @Test
  void sparkStatisticsEqualTheSingleMachineRunForEveryPartitioningAndMaster() {
    String[] expected = {
      reference(OU), SdeMonteCarlo.runLocal(HESTON).toJson(), SdeMonteCarlo.runLocal(ADAPTIVE).toJson()};
    assertEquals(expected[1], reference(HESTON), "local run = core SdeSolve over all paths");
    for (String master : new String[] {"local[1]", "local[2]"}) {
      try (JavaSparkContext sc = SparkContexts.create(master, "sde-test")) {
        for (int parts : new int[] {1, 3, 7}) {
          assertEquals(expected[0], SdeMonteCarlo.runSpark(sc, OU, SparkRun.of(parts)).toJson(), master + " " + parts);
          assertEquals(expected[1], SdeMonteCarlo.runSpark(sc, HESTON, SparkRun.of(parts)).toJson(), master + " " + parts);
        }
        assertEquals(expected[2], SdeMonteCarlo.runSpark(sc, ADAPTIVE, SparkRun.of(5)).toJson(), master + " adaptive");
      }
    }
  }

  @Test
  void aFailedFirstAttemptIsRetriedAndGivesTheSameStatistics() {
    String expected = SdeMonteCarlo.runLocal(OU).toJson();
    try (JavaSparkContext sc = SparkContexts.create("local[2,3]", "sde-retry-test")) {
      SdeStatistics s = SdeMonteCarlo.runSpark(sc, OU, new SparkRun(4, 2));
      assertEquals(OU.paths(), s.paths(), "no path lost or counted twice");
      assertEquals(expected, s.toJson());
    }
  }

  /** The statistics of the core's whole-run solve (all paths in one SdeSolve, as d4j sde runs them). */
  private static String reference(SdeMonteCarlo.Spec spec) {
    var m = spec.create();
    SdeSolution all = spec.solve(m, 0, (int) spec.paths()).run();
    SdeStatistics s = SdeStatistics.empty(spec, m.dim());
    s.add(all);
    assertTrue(s.paths() == spec.paths());
    return s.toJson();
  }
}
