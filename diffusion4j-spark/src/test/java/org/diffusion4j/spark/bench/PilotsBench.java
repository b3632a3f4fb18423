package org.diffusion4j.spark.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.sampler.LowerOrderFinal;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.plan.SolverSchedule;
import org.diffusion4j.sampler.plan.SolverSchedule.Form;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;
import org.diffusion4j.spark.PilotEvaluation;
import org.diffusion4j.spark.SparkContexts;
import org.diffusion4j.spark.SparkRun;

/**
 * {@code d4j spark pilots} on local[2] against the single-machine evaluation (docs/spark.md):
 * gmm64-12, 2048 pilots in blocks of 256, three 10-step candidates, reference tolerance 1e-9.
 * Each repetition uses fresh pilot seeds (references are cached per JVM), so every run pays its
 * reference solves. Run: java -cp ... org.diffusion4j.spark.bench.PilotsBench [reps] [partitions]
 */
public final class PilotsBench {
  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    GaussianPath path = Paths.create("vp-linear", Map.of());
    double[] ts = TimeGrid.create(TimeGrid.Spacing.LOGSNR, path, Sampling.defaultStart(path),
        Sampling.defaultEnd(path), 10).times();
    List<String> plans = List.of(SolverSchedule.multistep(ts, Form.DATA, 2, Estimator.HALF, true).toJson(),
        SolverSchedule.multistep(ts, Form.DATA, 3, Estimator.HALF, true).toJson(),
        SolverSchedule.uniPc(ts, Estimator.BH2, 3, LowerOrderFinal.ALWAYS).toJson());
    try (JavaSparkContext sc = SparkContexts.create("local[2]", "pilots-bench")) {
      sc.setLogLevel("WARN");
      for (int r = 0; r <= reps; r++) { // repetition 0 is the warm-up
        var local = new PilotEvaluation.Spec("gmm:gmm64-12", "vp-linear", Map.of(), null, 2048, 2L * r, 256, 1e-9, plans);
        var spark = new PilotEvaluation.Spec("gmm:gmm64-12", "vp-linear", Map.of(), null, 2048, 2L * r + 1, 256, 1e-9,
            plans);
        long a = System.nanoTime();
        PilotEvaluation.runLocal(local);
        double tl = (System.nanoTime() - a) / 1e9;
        a = System.nanoTime();
        PilotEvaluation.runSpark(sc, spark, SparkRun.of(partitions));
        double ts2 = (System.nanoTime() - a) / 1e9;
        a = System.nanoTime();
        PilotEvaluation.runSpark(sc, spark, SparkRun.of(partitions)); // references cached: the candidates alone
        double cached = (System.nanoTime() - a) / 1e9;
        System.out.printf(Locale.ROOT, "rep %d: single machine %.2f s, local[2] %d partitions %.2f s (x%.2f), "
            + "again with cached references %.2f s%n", r, tl, partitions, ts2, ts2 / tl, cached);
      }
    }
  }
}
