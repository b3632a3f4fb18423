package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.cli.plot.Plot;
import org.diffusion4j.interpolant.InterpolantGenerator;
import org.diffusion4j.interpolant.InterpolantGenerator.Scheme;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Npy;
import org.diffusion4j.metrics.SlicedWasserstein;
import org.diffusion4j.nn.interpolant.InterpolantTrainConfig;
import org.diffusion4j.nn.interpolant.LearnedInterpolant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j sample-interpolant}: transports source draws with a trained interpolant by the
 * probability-flow ODE (eps = 0) and the forward SDE dX = (b + eps s) dt + sqrt(2 eps) dW
 * (Albergo, Boffi &amp; Vanden-Eijnden 2023, Eq. 2.20) for each requested eps, and reports the
 * sliced Wasserstein-1 distance to held-out target draws next to the two-sample noise floor.
 */
@Command(name = "sample-interpolant", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Generate with a trained interpolant (d4j train-interpolant / d4j reflow): ODE and SDEs with",
        "constant diffusion eps; prints sliced W1 to held-out target draws (mean of 5) and the two-sample floor.",
        "Writes OUT/samples-ode.npy, OUT/samples-eps-E.npy, OUT/metrics.csv and, with --plot, a PNG."})
final class SampleInterpolantCommand implements Callable<Integer> {
  /** Held-out target draws the distances are averaged over. */
  static final int REFS = 5;

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "Interpolant run directory.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Option(names = "--sde-eps", split = ",", paramLabel = "EPS",
      description = "Diffusion coefficients eps of the SDE (comma-separated; 0 = ODE). Default: only the ODE.")
  List<Double> eps = new ArrayList<>();

  @Option(names = "--no-ode", description = "Skip the ODE row.")
  boolean noOde;

  @Option(names = {"-n", "--n"}, defaultValue = "2000", description = "Samples (default: ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--steps", defaultValue = "100", description = "Time steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--scheme", defaultValue = "heun", description = "euler or heun (default: ${DEFAULT-VALUE}).")
  String scheme;

  @Option(names = "--source", paramLabel = "gaussian|NAME|FILE",
      description = "Draw x0 from this instead of the run's source (e.g. gaussian for a reflow run).")
  String sourceOverride;

  @Option(names = "--reference", paramLabel = "NAME|FILE",
      description = "Compare with this instead of the run's target (e.g. 8gaussians for a reflow run).")
  String referenceOverride;

  @Option(names = "--plot", paramLabel = "FILE.png", description = "Scatter plot of source, target and samples.")
  Path plot;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of source draws and SDE noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    if (n < 2) {
      throw new UsageException("--n must be at least 2, got " + n);
    }
    if (steps < 1) {
      throw new UsageException("--steps must be at least 1, got " + steps);
    }
    Scheme sch = switch (scheme) {
      case "euler" -> Scheme.EULER;
      case "heun" -> Scheme.HEUN;
      default -> throw new UsageException("--scheme must be euler or heun, got " + scheme);
    };
    List<Double> runs = new ArrayList<>();
    if (!noOde) {
      runs.add(0.0);
    }
    for (double e : eps) {
      if (!(e >= 0) || !Double.isFinite(e)) {
        throw new UsageException("--sde-eps values must be finite and >= 0, got " + e);
      }
      if (e > 0) {
        runs.add(e);
      }
    }
    if (runs.isEmpty()) {
      throw new UsageException("nothing to sample: --no-ode without a positive --sde-eps");
    }
    InterpolantRuns.defaultOneThread();
    InterpolantRuns.requireRun(model);
    PrintWriter o = spec.commandLine().getOut();
    try (LearnedInterpolant m = LearnedInterpolant.load(model)) {
      InterpolantTrainConfig c = m.config();
      if (runs.stream().anyMatch(e -> e > 0) && !m.hasScore()) {
        throw new UsageException("--sde-eps > 0 needs a score, but " + model + " was trained with --no-score");
      }
      String sourceSpec = sourceOverride != null ? sourceOverride : c.source();
      String targetSpec = referenceOverride != null ? referenceOverride : c.target();
      Batch x0 = InterpolantRuns.draws(sourceSpec, m.dim(), seed, n);
      // One two-sample distance is itself noisy (+-30% at n = 2000), so both the floor and each
      // generator's distance are averaged over REFS independent held-out target draws.
      Batch[] refs = new Batch[REFS + 1];
      for (int k = 0; k <= REFS; k++) {
        refs[k] = InterpolantRuns.draws(targetSpec, m.dim(), seed + 11 + 12L * k, n);
      }
      Batch ref = refs[0];
      SlicedWasserstein sw = SlicedWasserstein.w1(SlicedWasserstein.DEFAULT_PROJECTIONS, seed);
      boolean fresh = ref.rmsDistance(refs[1]) > 0;
      double floor = 0;
      for (int k = 0; k < REFS; k++) {
        floor += sw.between(refs[k + 1], refs[k]) / REFS;
      }
      if (!fresh) {
        floor = Double.NaN;
      }
      double tm = Math.max(c.timeMargin(), 1e-3);
      // With gamma > 0, gamma' (hence b) is singular at t = 0 and 1 and the network was trained on
      // [m, 1 - m] only: the ODE runs there too (the gamma(m) z left at the ends is ~sqrt(2m)).
      double odeEnd = m.interpolant().gamma() instanceof org.diffusion4j.interpolant.Gamma.Zero ? 0 : tm;
      Files.createDirectories(out);
      List<Plot> panels = new ArrayList<>();
      double lim = 1.1 * Math.max(maxAbs(x0), maxAbs(ref));
      panels.add(InterpolantRuns.scatter("source " + sourceSpec, x0, 0, lim));
      panels.add(InterpolantRuns.scatter("target " + targetSpec + " (held out)", ref, 1, lim));
      StringBuilder csv = new StringBuilder("generator,eps,steps,sliced_w1,ratio_to_floor,seconds\n");
      o.printf("%s -> %s (%s, coupling %s), %d samples, %d %s steps%n", sourceSpec, targetSpec, c.interpolant(),
          c.coupling(), n, steps, scheme);
      o.printf("%-12s %10s %10s %8s%n", "generator", "SW1", "x floor", "seconds");
      if (fresh) {
        o.printf("%-12s %10.4f %10s %8s%n", "(two-sample)", floor, "1.00", "-");
      }
      int color = 2;
      try (ProgressBar bar = ProgressBar.create(spec, "sampling")) {
        int done = 0;
        for (double e : runs) {
          long t0 = System.nanoTime();
          Batch x = e == 0
              ? InterpolantGenerator.ode(m.velocityField(), x0, odeEnd, 1 - odeEnd, steps, sch)
              : InterpolantGenerator.sde(m.velocityField(), m.scoreField(), t -> e, x0, tm, 1 - tm, steps, sch, seed + 1);
          double secs = (System.nanoTime() - t0) / 1e9;
          bar.onProgress(++done, runs.size(), e == 0 ? "ode" : "sde eps " + e);
          String name = e == 0 ? "ode" : "sde eps=" + e;
          String file = e == 0 ? "samples-ode.npy" : "samples-eps-" + e + ".npy";
          Npy.write(out.resolve(file), x);
          double d = 0;
          for (int k = 0; k < REFS; k++) {
            d += sw.between(x, refs[k]) / REFS;
          }
          o.printf("%-12s %10.4f %10s %8.2f%n", name, d, fresh ? String.format("%.2f", d / floor) : "-", secs);
          csv.append(e == 0 ? "ode" : "sde").append(',').append(e).append(',').append(steps).append(',').append(d)
              .append(',').append(d / floor).append(',').append(secs).append('\n');
          panels.add(InterpolantRuns.scatter(String.format("%s (SW1 %.3f)", name, d), x, color++, lim));
        }
      }
      AtomicFiles.writeString(out.resolve("metrics.csv"), csv.toString());
      if (!fresh) {
        o.println("(target is a file: SW1 is measured against its own rows, not held-out draws)");
      }
      if (plot != null) {
        Plot.figure(plot, Math.min(4, panels.size()), 420, 400, panels.toArray(new Plot[0]));
        o.println("wrote " + plot);
      }
      o.println("wrote " + out);
    }
    return ExitCodes.OK;
  }

  private static double maxAbs(Batch b) {
    double m = 0;
    for (double v : b.data()) {
      m = Math.max(m, Math.abs(v));
    }
    return Math.min(m, 10);
  }
}
