package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.cli.ModelSpecs;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.LowerOrderFinal;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.ScheduleSearch;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pilot evaluation of schedules on Spark: the single-machine bits for every partitioning; bad plans are named. */
class PilotEvaluationSparkTest {
  private static final int PILOTS = 23;
  private static final double TOL = 1e-7;

  /** Three 5-step candidates of different accuracy on the logSNR grid of ring8-2d / vp-linear. */
  private static List<SolverSchedule> candidates() throws IOException {
    GaussianPath path = model().path();
    double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, path, Sampling.defaultStart(path), Sampling.defaultEnd(path),
        5).times();
    return List.of(SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true),
        SolverSchedule.multistep(ts, Form.NOISE, 1, Estimator.TAYLOR, true),
        SolverSchedule.uniPc(ts, Estimator.BH2, 3, LowerOrderFinal.ALWAYS));
  }

  private static ModelSpecs.ResolvedModel model() throws IOException {
    return ShardedSampling.model(ModelShipment.of("gmm:ring8-2d"), "vp-linear", Map.of(), null);
  }

  private static PilotEvaluation.Spec spec(int blockPilots) throws IOException {
    return new PilotEvaluation.Spec("gmm:ring8-2d", "vp-linear", Map.of(), null, PILOTS, 1001, blockPilots, TOL,
        candidates().stream().map(SolverSchedule::toJson).toList());
  }

  @Test
  void objectiveIsTheSingleMachineBitsForEveryPartitioningAndMatchesTheCoreSearch() throws IOException {
    // One block of all pilots: the reference is ScheduleSearch's own (one batch); the core adds the
    // squares naively in order, we add them exactly, so the two agree to rounding of the sum.
    PilotEvaluation.Result whole = PilotEvaluation.runLocal(spec(PILOTS));
    List<SolverSchedule> cands = candidates();
    ModelSpecs.ResolvedModel m = model();
    for (int k = 0; k < cands.size(); k++) {
      double core = new ScheduleSearch(PILOTS, 1001, 0, TOL).optimizeTimes(cands.get(k), m.denoiser(), m.path(), null,
          null).startRmse();
      assertEquals(core, whole.rmse()[k], 1e-13 * core, "candidate " + k);
    }
    System.out.println("pilot objectives " + java.util.Arrays.toString(whole.rmse()));
    assertTrue(whole.rmse()[0] > 0 && whole.rmse()[0] != whole.rmse()[1] && whole.rmse()[1] != whole.rmse()[2]
        && Double.isFinite(whole.rmse()[2]), java.util.Arrays.toString(whole.rmse()));
    PilotEvaluation.Spec blocked = spec(5); // 5 blocks: 5, 5, 5, 5, 3 pilots
    PilotEvaluation.Result local = PilotEvaluation.runLocal(blocked);
    try (JavaSparkContext sc = SparkContexts.create("local[1]", "pilots-test-1")) {
      for (int parts : new int[] {1, 3}) {
        assertArrayEquals(local.rmse(), PilotEvaluation.runSpark(sc, blocked, SparkRun.of(parts)).rmse());
      }
      assertArrayEquals(whole.rmse(), PilotEvaluation.runSpark(sc, spec(PILOTS), SparkRun.of(2)).rmse());
    }
    // The core search's starts (rounds 0: the best classic schedule of each grid family) with the
    // objective on this JVM and on Spark: the same choice and the same bits.
    GaussianPath path = m.path();
    double t0 = Sampling.defaultStart(path);
    double t1 = Sampling.defaultEnd(path);
    ScheduleSearch search = new ScheduleSearch(PILOTS, 1001, 0, TOL);
    ScheduleSearch.Result onJvm = search.search(path, 4, t0, t1, null, null, PilotEvaluation.localObjective(blocked));
    try (JavaSparkContext sc = SparkContexts.create("local[2,3]", "pilots-test-2")) {
      for (int parts : new int[] {2, 4, 5, 9}) {
        assertArrayEquals(local.rmse(), PilotEvaluation.runSpark(sc, blocked, SparkRun.of(parts)).rmse(), "" + parts);
      }
      long begin = System.nanoTime();
      ScheduleSearch.Result onSpark = search.search(path, 4, t0, t1, null, null,
          PilotEvaluation.sparkObjective(sc, blocked, SparkRun.of(3)));
      System.out.printf("search starts on Spark: %d candidates, %.1f ms each%n", onSpark.runs(),
          (System.nanoTime() - begin) / 1e6 / onSpark.runs());
      assertEquals(onJvm.schedule().toJson(), onSpark.schedule().toJson());
      assertEquals(onJvm.pilotRmse(), onSpark.pilotRmse());
      assertEquals(onJvm.runs(), onSpark.runs());
      // A lost first attempt of partition 1 is retried; its sums are counted once.
      assertArrayEquals(local.rmse(), PilotEvaluation.runSpark(sc, blocked, new SparkRun(3, 1)).rmse());
    }
    // The blocked reference is a different (equally accurate) reference, so this is no tautology.
    assertNotEquals(whole.rmse()[0], local.rmse()[0]);
    assertEquals(whole.rmse()[1], local.rmse()[1], 1e-3 * whole.rmse()[1]);
  }

  @Test
  void badPlanFilesAreOneLineErrorsNamingTheFileAndField(@TempDir Path dir) throws IOException {
    Path good = dir.resolve("good.json");
    candidates().get(0).write(good);
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, Files.readString(good).replaceFirst("\"order\": 2", "\"order\": 7"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PilotEvaluation.readPlans(List.of(good, bad)));
    assertEquals("bad plan file " + bad + ": schedule field 'steps[1].order' must be 1, 2 or 3, got 7.0",
        e.getMessage());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SparkMain.execute(new String[] {"pilots", "--single-machine", "--model", "gmm:ring8-2d", "--plan",
        good + "," + dir.resolve("missing.json")}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(2, code);
    assertTrue(err.toString().contains("bad plan file " + dir.resolve("missing.json") + ": no such file"),
        err.toString());
    assertEquals(1, err.toString().lines().count(), err.toString());
    // The command runs and prints one objective per plan.
    out = new StringWriter();
    code = SparkMain.execute(new String[] {"pilots", "--single-machine", "--model", "gmm:ring8-2d", "--plan",
        good.toString(), "--pilots", "4", "--reference-tol", "1e-6"}, new PrintWriter(out), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    assertTrue(out.toString().contains("good.json") && out.toString().contains("rmse"), out.toString());
  }
}
