package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Csv;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.restore.MeanRevertingRestoration;
import org.diffusion4j.nn.restore.RestorationBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j mr-restore}: mean-reverting restoration of MNIST digits ({@link MeanRevertingRestoration}):
 * {@code train} a small conditional U-Net on the IR-SDE path from degraded to clean digits,
 * {@code run} it on degraded inputs with MRS or Euler-Maruyama, {@code bench} its PSNR/SSIM on
 * held-out digits.
 */
@Command(name = "mr-restore", mixinStandardHelpOptions = true,
    description = "Mean-reverting (IR-SDE) restoration of MNIST digits: train, run (MRS or Euler-Maruyama), bench.",
    subcommands = {MrRestoreCommand.Train.class, MrRestoreCommand.Run.class, MrRestoreCommand.Bench.class})
final class MrRestoreCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (train, run or bench); see"
        + " 'd4j mr-restore --help'");
  }

  static MeanRevertingRestoration load(Path dir) throws IOException {
    if (!MeanRevertingRestoration.isModel(dir)) {
      throw new UsageException(dir + " is not a mean-reverting restoration model (no "
          + MeanRevertingRestoration.CONFIG_FILE + "; write one with d4j mr-restore train)");
    }
    return MeanRevertingRestoration.load(dir);
  }

  /** {@code d4j mr-restore train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Train on the training split of the bundled digits (0-7999) degraded by --task; writes DIR.")
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--task", defaultValue = "sr4", paramLabel = "TASK",
        description = "Linear degradation: sr2, sr4, deblur, motion-deblur, inpaint-half, inpaint-box (default ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--steps", defaultValue = "100000", paramLabel = "N", description = "Maximum optimiser steps (default ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--minutes", defaultValue = "15", paramLabel = "M", description = "Wall-clock limit (default ${DEFAULT-VALUE}).")
    double minutes;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (steps < 1 || !(minutes > 0)) {
        throw new UsageException("--steps must be >= 1 and --minutes > 0, got " + steps + " and " + minutes);
      }
      if (MeanRevertingRestoration.isModel(out)) {
        throw new UsageException(out + " already holds a model; choose another --out");
      }
      MeanRevertingRestoration.Config cfg;
      try {
        MeanRevertingRestoration.linearOperator(task);
        cfg = MeanRevertingRestoration.Config.small(task, seed);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      Dataset train = Mnist.train();
      long t0 = System.nanoTime();
      try (MeanRevertingRestoration m = MeanRevertingRestoration.create(cfg);
          ProgressBar bar = ProgressBar.create(spec, "training")) {
        m.train(train, steps, minutes * 60, bar);
        m.save(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("trained %d steps (%s, batch %d) in %.1f s, loss of the last 50 steps %.5f%n", m.stepsDone(), task,
            cfg.batch(), (System.nanoTime() - t0) / 1e9, m.recentLoss(50));
        o.println("wrote " + out);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code d4j mr-restore run}. */
  @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Restore measurements Y.npy (n, m) of the model's task (lifted by the pseudo-inverse) to X.npy.")
  static final class Run implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A directory of d4j mr-restore train.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "Y.npy", description = "Measurements, shape (n, m).")
    Path input;

    @Option(names = "--sampler", defaultValue = "mrs-sde", paramLabel = "S",
        description = "mrs-sde, mrs-ode or euler-maruyama (default ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--steps", defaultValue = "20", paramLabel = "N", description = "Steps = NFE (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "X.npy", description = "Restored images (n, 784).")
    Path out;

    @Option(names = "--png", paramLabel = "GRID.png", description = "A grid of the restored images.")
    Path png;

    @Override
    public Integer call() throws IOException {
      if (out == null && png == null) {
        throw new UsageException("give at least one output: --out X.npy or --png GRID.png");
      }
      MeanRevertingRestoration.Sampler kind = switch (sampler) {
        case "mrs-sde" -> MeanRevertingRestoration.Sampler.MRS_SDE;
        case "mrs-ode" -> MeanRevertingRestoration.Sampler.MRS_ODE;
        case "euler-maruyama" -> MeanRevertingRestoration.Sampler.EULER_MARUYAMA;
        default -> throw new UsageException("--sampler must be mrs-sde, mrs-ode or euler-maruyama, got " + sampler);
      };
      if (steps < 1) {
        throw new UsageException("--steps must be at least 1, got " + steps);
      }
      try (MeanRevertingRestoration m = load(model)) {
        Batch y = Npy.readBatch(input);
        CliChecks.requireFinite("--input", input, y);
        if (y.d() != m.operator().outputDim()) {
          throw new UsageException("measurements " + input + " have " + y.d() + " values per row; task "
              + m.config().task() + " measures " + m.operator().outputDim());
        }
        Batch x = m.restore(m.lift(y), kind, steps, seed);
        if (out != null) {
          Npy.write(out, x);
        }
        if (png != null) {
          SamplePlots.imageGrid(png, x, new long[] {1, Mnist.SIDE, Mnist.SIDE});
        }
        spec.commandLine().getErr().println("nfe=" + steps);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code d4j mr-restore bench}. */
  @Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
      description = "PSNR / SSIM on the first --n held-out digits (8000-): degraded input, bicubic, MRS and Euler-Maruyama.")
  static final class Bench implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A directory of d4j mr-restore train.")
    Path model;

    @Option(names = "--n", defaultValue = "200", paramLabel = "N", description = "Held-out digits (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--first", defaultValue = "0", paramLabel = "K",
        description = "First held-out digit (0 = digit 8000; default ${DEFAULT-VALUE}), to split a long run.")
    int first;

    @Option(names = "--per-image", paramLabel = "FILE.csv",
        description = "Also write every image's PSNR, one column per table row, for pooling split runs.")
    Path perImage;

    @Option(names = "--mrs-steps", defaultValue = "10,20", split = ",", paramLabel = "N,...",
        description = "MRS step counts (default ${DEFAULT-VALUE}).")
    int[] mrsSteps;

    @Option(names = "--em-steps", defaultValue = "100,1000", split = ",", paramLabel = "N,...",
        description = "Euler-Maruyama step counts (default ${DEFAULT-VALUE}).")
    int[] emSteps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--png", paramLabel = "GRID.png",
        description = "Rows of 8 digits: clean, degraded, MRS SDE at the last --mrs-steps, Euler-Maruyama at the first --em-steps.")
    Path png;

    @Override
    public Integer call() throws IOException {
      Dataset held = Mnist.heldOut();
      if (first < 0 || n < 1 || first + n > held.n()) {
        throw new UsageException("--first and --n must satisfy 0 <= first, 1 <= n, first + n <= " + held.n() + ", got "
            + first + " and " + n);
      }
      for (int s : concat(mrsSteps, emSteps)) {
        if (s < 1) {
          throw new UsageException("step counts must be >= 1, got " + s);
        }
      }
      Batch clean = Mnist.rows(held, first, first + n, "held-out").data();
      try (MeanRevertingRestoration m = load(model)) {
        PrintWriter o = spec.commandLine().getOut();
        o.printf("task %s, held-out digits %d-%d (%d), pixels in [-1, 1]%n", m.config().task(), 8000 + first,
            8000 + first + n - 1, n);
        o.println("| method | NFE | PSNR (dB) | SSIM | s / image |");
        o.println("|---|---|---|---|---|");
        o.flush();
        List<RestorationBench.Row> rows = RestorationBench.run(m, clean, mrsSteps, emSteps, seed, r -> {
          o.printf("| %s | %d | %.2f +- %.2f | %.3f | %.4f |%n", r.method(), r.nfe(), r.psnr(), r.psnrSe(), r.ssim(),
              r.secondsPerImage());
          o.flush();
        });
        RestorationBench.Row reference = rows.get(rows.size() - 1);
        o.printf("paired PSNR difference to %s at %d steps (mean +- standard error):%n", reference.method(),
            reference.nfe());
        for (RestorationBench.Row r : rows.subList(0, rows.size() - 1)) {
          double[] d = r.pairedDifference(reference);
          o.printf("  %s, NFE %d: %+.3f +- %.3f dB%n", r.method(), r.nfe(), d[0], d[1]);
        }
        if (perImage != null) {
          Batch table = new Batch(n, rows.size());
          List<String> columns = new ArrayList<>();
          for (int j = 0; j < rows.size(); j++) {
            columns.add(rows.get(j).method() + " " + rows.get(j).nfe());
            for (int i = 0; i < n; i++) {
              table.data()[i * rows.size() + j] = rows.get(j).psnrPerImage()[i];
            }
          }
          Csv.write(perImage, table, columns);
        }
        if (png != null) {
          Batch few = Mnist.rows(held, 0, Math.min(8, n), "grid").data();
          Batch mu = m.degrade(few);
          Batch mrs = m.restore(mu, MeanRevertingRestoration.Sampler.MRS_SDE, mrsSteps[mrsSteps.length - 1], seed);
          Batch em = m.restore(mu, MeanRevertingRestoration.Sampler.EULER_MARUYAMA, emSteps[0], seed);
          Batch grid = new Batch(4 * few.n(), few.d());
          Batch[] parts = {few, mu, mrs, em};
          for (int p = 0; p < 4; p++) {
            System.arraycopy(parts[p].data(), 0, grid.data(), p * few.size(), few.size());
          }
          org.diffusion4j.cli.plot.ImageGrid.writePng(png, rowsOf(grid), Mnist.SIDE, Mnist.SIDE, few.n(), 2, -1, 1);
        }
      }
      return ExitCodes.OK;
    }

    private static double[][] rowsOf(Batch b) {
      double[][] r = new double[b.n()][];
      for (int i = 0; i < b.n(); i++) {
        r[i] = b.row(i);
      }
      return r;
    }

    private static int[] concat(int[] a, int[] b) {
      int[] c = Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, c, a.length, b.length);
      return c;
    }
  }
}
