package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.BoundaryCondition;
import org.diffusion4j.inverse.ForwardOperator;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.LinearOperator;
import org.diffusion4j.inverse.Measurement;
import org.diffusion4j.inverse.Operators;
import org.diffusion4j.inverse.Restoration;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.eval.RestorationBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j restore}: solve an inverse problem (inpainting, super-resolution, deblurring, ...) with a trained prior. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Restore images from measurements y = A(x) + sigma_y n with a trained diffusion prior"
        + " (docs/restoration.md).",
        "Give --input Y.npy (measurements, shape (n, m) in the task's measurement layout) or --clean X.npy (clean"
        + " images: the command degrades them itself, optionally saves Y with --save-measurement, and reports PSNR,"
        + " SSIM and ||A x - y||)."})
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RestoreOptions common;

  @Option(names = "--task", required = true, paramLabel = "TASK", description = "inpaint-half, inpaint-box,"
      + " inpaint-random, sr2, sr4, deblur, motion-deblur, quantize or saturate.")
  String task;

  @Option(names = "--method", defaultValue = "ddrm", paramLabel = "M", description = "projection, ddrm, dps, red-diff,"
      + " ode, bc-ode, or the baselines bicubic (sr2/sr4) and pinv (default ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--input", paramLabel = "Y.npy", description = "Measurements, shape (n, m).")
  Path input;

  @Option(names = "--clean", paramLabel = "X.npy", description = "Clean images (n, C*H*W) to degrade, restore and score.")
  Path clean;

  @Option(names = "--save-measurement", paramLabel = "Y.npy", description = "With --clean: write the measurements.")
  Path saveMeasurement;

  @Option(names = "--mask-seed", defaultValue = "0", paramLabel = "S", description = "Seed of the inpaint-random mask"
      + " (default ${DEFAULT-VALUE}; use the same one for degrading and restoring).")
  long maskSeed;

  @Option(names = "--out", paramLabel = "X.npy", description = "Restored images (float64, (n, C*H*W)).")
  Path out;

  @Option(names = "--png", paramLabel = "GRID.png", description = "Grid of the restored images.")
  Path png;

  @Override
  public Integer call() throws IOException {
    common.check();
    if ((input == null) == (clean == null)) {
      throw new UsageException("give exactly one of --input Y.npy and --clean X.npy");
    }
    if (out == null && png == null && saveMeasurement == null) {
      throw new UsageException("give at least one output: --out X.npy, --png GRID.png or --save-measurement Y.npy");
    }
    if (saveMeasurement != null && clean == null) {
      throw new UsageException("--save-measurement needs --clean");
    }
    boolean baseline = method.equals("bicubic") || method.equals("pinv");
    Restoration.Method m = baseline ? null : Restoration.Method.parse(method);
    try (NeuralDenoiser model = common.load()) {
      ImageShape shape = RestoreOptions.shapeOf(model);
      ForwardOperator op = Operators.forTask(task, shape, maskSeed);
      Batch cleanX = null;
      Measurement meas;
      if (clean != null) {
        cleanX = Npy.readBatch(clean);
        CliChecks.requireFinite("--clean", clean, cleanX);
        if (cleanX.d() != shape.size()) {
          throw new UsageException("--clean " + clean + " has rows of " + cleanX.d() + " values; the model's images have "
              + shape + " = " + shape.size());
        }
        meas = Measurement.observe(op, cleanX, common.sigmaY, common.seed);
        if (saveMeasurement != null) {
          Npy.write(saveMeasurement, meas.y());
        }
      } else {
        Batch y = Npy.readBatch(input);
        CliChecks.requireFinite("--input", input, y);
        meas = new Measurement(op, y, common.sigmaY);
      }
      if (out == null && png == null) {
        return ExitCodes.OK;
      }
      long start = System.nanoTime();
      Batch x;
      int nfe = 0;
      if (baseline) {
        x = RestorationBenchmark.baseline(method, meas);
      } else {
        Restoration.Builder b = Restoration.with(m, model, model.samplingPath()).measurement(meas).nfe(common.nfe)
            .seed(common.seed).options(common.options());
        if (m == Restoration.Method.BC_ODE) {
          if (!(op instanceof LinearOperator lin)) {
            throw new UsageException("bc-ode needs a linear task; " + task + " is not");
          }
          BoundaryCondition bc = common.searchBoundary(model, lin);
          spec.commandLine().getErr().printf(Locale.ROOT, "bc-ode: best of %d boundary conditions, reference MSE %.4g%n",
              bc.candidates(), bc.referenceMse());
          b.boundary(bc);
        }
        try (ProgressBar bar = ProgressBar.create(spec, "restoring")) {
          Restoration.Result r = b.listener(bar).run();
          x = r.x();
          nfe = r.nfe();
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (out != null) {
        Npy.write(out, x);
      }
      if (png != null) {
        SamplePlots.imageGrid(png, x, new long[] {shape.channels(), shape.height(), shape.width()});
      }
      if (cleanX != null) {
        RestorationBenchmark.Row row = RestorationBenchmark.score(task, method, meas, cleanX, x, nfe, seconds, null, null,
            shape);
        spec.commandLine().getOut().print(RestorationBenchmark.Row.header() + row.toMarkdown());
      }
      spec.commandLine().getErr().printf(Locale.ROOT, "nfe=%d time=%.2fs%n", nfe, seconds);
      return ExitCodes.OK;
    }
  }
}
