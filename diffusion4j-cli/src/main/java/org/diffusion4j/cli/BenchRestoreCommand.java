package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.inverse.BoundaryCondition;
import org.diffusion4j.inverse.ForwardOperator;
import org.diffusion4j.inverse.ImageShape;
import org.diffusion4j.inverse.LinearOperator;
import org.diffusion4j.inverse.Measurement;
import org.diffusion4j.inverse.Operators;
import org.diffusion4j.inverse.Restoration;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.RestorationBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j bench restore}: the restoration table over held-out MNIST digits. */
@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Restoration table on the first --n held-out MNIST digits: PSNR, SSIM, ||A x - y||, classifier FD"
        + " (to held-out digits 1000-1999), seconds and NFE per image, for every --tasks x --methods pair.",
        "Baselines: bicubic (sr tasks) and pinv. A 'clean' row gives the FD of the clean digits themselves."})
final class BenchRestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin RestoreOptions common;

  @Option(names = "--tasks", split = ",", defaultValue = "sr2,sr4,inpaint-half", paramLabel = "T",
      description = "Tasks (default ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--methods", split = ",", defaultValue = "bicubic,projection,ddrm", paramLabel = "M",
      description = "Methods and baselines (default ${DEFAULT-VALUE}); bicubic is skipped on non-sr tasks.")
  List<String> methods;

  @Option(names = "--n", defaultValue = "100", paramLabel = "N", description = "Held-out digits (default ${DEFAULT-VALUE},"
      + " at most 1000).")
  int n;

  @Option(names = "--classifier", paramLabel = "DIR", description = "Evaluation classifier (d4j classifier train) for FD.")
  Path classifier;

  @Option(names = "--table", paramLabel = "FILE.md", description = "Also write the markdown table here.")
  Path table;

  @Override
  public Integer call() throws IOException {
    common.check();
    if (n < 2 || n > 1000) {
      throw new UsageException("--n must be in [2, 1000], got " + n);
    }
    for (String m : methods) {
      if (!m.equals("bicubic") && !m.equals("pinv")) {
        Restoration.Method.parse(m);
      }
    }
    Dataset held = Mnist.heldOut();
    Batch clean = Mnist.rows(held, 0, n, "test").data();
    Batch reference = Mnist.rows(held, 1000, 2000, "fd-reference").data();
    StringBuilder sb = new StringBuilder(RestorationBenchmark.Row.header());
    try (NeuralDenoiser model = common.load();
        DigitClassifier cls = classifier == null ? null : DigitClassifier.load(classifier)) {
      ImageShape shape = RestoreOptions.shapeOf(model);
      Batch refFeatures = cls == null ? null : cls.features(reference);
      if (cls != null) {
        Measurement none = Measurement.observe(Operators.forTask("sr2", shape, 0), clean, 0, 0);
        sb.append(RestorationBenchmark.score("-", "clean", none, clean, clean, 0, 0, cls, refFeatures, shape)
            .toMarkdown());
      }
      print(sb);
      for (String task : tasks) {
        ForwardOperator op = Operators.forTask(task, shape, common.seed);
        Measurement meas = Measurement.observe(op, clean, common.sigmaY, common.seed);
        for (String method : methods) {
          if (method.equals("bicubic") && !task.startsWith("sr")) {
            continue;
          }
          if (!op.linear() && !method.equals("dps") && !method.equals("red-diff")) {
            continue;
          }
          BoundaryCondition bc = null;
          long searchStart = System.nanoTime();
          if (method.equals("bc-ode")) {
            bc = common.searchBoundary(model, (LinearOperator) op);
          }
          double search = (System.nanoTime() - searchStart) / 1e9;
          RestorationBenchmark.Row row = RestorationBenchmark.run(task, method, model, model.samplingPath(), meas, clean,
              common.nfe, common.seed, common.options(), bc, cls, refFeatures);
          sb.append(row.toMarkdown());
          print(new StringBuilder(row.toMarkdown()));
          if (bc != null) {
            spec.commandLine().getErr().printf("bc-ode boundary search: %d candidates x %d references, %.1f s%n",
                bc.candidates(), bc.references(), search);
          }
        }
      }
    }
    if (table != null) {
      AtomicFiles.writeString(table, sb.toString());
    }
    return ExitCodes.OK;
  }

  private void print(StringBuilder s) {
    spec.commandLine().getOut().print(s);
    spec.commandLine().getOut().flush();
  }
}
