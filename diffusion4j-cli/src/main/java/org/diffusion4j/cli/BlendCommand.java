package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.blend.ClassBlending;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j blend}: blends two classes of a class-conditional run ({@link ClassBlending}) by
 * Black-Scholes blending, linear score interpolation or prompt switching, sampled with DDIM.
 */
@Command(name = "blend", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Blend two classes of a class-conditional run: black-scholes (Kothandaraman et al. 2024; the"
        + " forecast is scored by --classifier), linear score interpolation (--weight of the second class) or prompt"
        + " switching (the second class after --weight of the steps). DDIM sampling; --out X.npy and/or --png GRID.png."})
final class BlendCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "A class-conditional run of d4j train.")
  Path model;

  @Option(names = "--classes", required = true, paramLabel = "A,B", description = "The two classes, e.g. 3,8.")
  String classes;

  @Option(names = "--schedule", defaultValue = "black-scholes", paramLabel = "S",
      description = "black-scholes, linear or switch (default ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--weight", defaultValue = "0.5", paramLabel = "W",
      description = "linear: weight of B; switch: fraction of the steps before B takes over (default ${DEFAULT-VALUE}).")
  double weight;

  @Option(names = "--classifier", paramLabel = "DIR",
      description = "Evaluation classifier (d4j classifier train): scores black-scholes forecasts; with it every"
          + " schedule also prints how the classifier reads the blends.")
  Path classifier;

  @Option(names = "--guidance", defaultValue = "0", paramLabel = "W",
      description = "Classifier-free guidance weight of each class (default ${DEFAULT-VALUE}).")
  double guidance;

  @Option(names = "--steps", defaultValue = "50", paramLabel = "N", description = "DDIM steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--n", defaultValue = "16", paramLabel = "N", description = "Samples (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the noise (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", paramLabel = "X.npy", description = "Samples (n, d).")
  Path out;

  @Option(names = "--png", paramLabel = "GRID.png", description = "A grid of the samples.")
  Path png;

  @Override
  public Integer call() throws IOException {
    if (out == null && png == null) {
      throw new UsageException("give at least one output: --out X.npy or --png GRID.png");
    }
    String[] parts = classes.split(",");
    if (parts.length != 2) {
      throw new UsageException("--classes needs two classes A,B, got '" + classes + "'");
    }
    int a;
    int b;
    try {
      a = Integer.parseInt(parts[0].trim());
      b = Integer.parseInt(parts[1].trim());
    } catch (NumberFormatException e) {
      throw new UsageException("--classes needs two integers A,B, got '" + classes + "'");
    }
    ClassBlending.Settings settings;
    try {
      settings = new ClassBlending.Settings(a, b, ClassBlending.Schedule.parse(schedule), weight, guidance, steps);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (n < 1) {
      throw new UsageException("--n must be at least 1, got " + n);
    }
    if (!(Files.isDirectory(model) && Checkpoint.exists(model))) {
      throw new UsageException("--model " + model + " is not a run of d4j train (no checkpoint)");
    }
    if (classifier != null && !Files.isRegularFile(classifier.resolve(DigitClassifier.CONFIG_FILE))) {
      throw new UsageException(classifier + " is not a classifier directory (no " + DigitClassifier.CONFIG_FILE + ")");
    }
    if (classifier == null && settings.schedule() == ClassBlending.Schedule.BLACK_SCHOLES) {
      throw new UsageException("--schedule black-scholes scores its forecasts with --classifier DIR; give one");
    }
    try (NeuralDenoiser m = TrainedRun.open(model).denoiser();
        DigitClassifier c = classifier == null ? null : DigitClassifier.load(classifier)) {
      int k = m.config().network().classes();
      if (k == 0) {
        throw new UsageException("--model " + model + " is not class-conditional (d4j train --conditional)");
      }
      if (a < 0 || a >= k || b < 0 || b >= k) {
        throw new UsageException("--classes " + classes + ": classes must be in [0, " + (k - 1) + "]");
      }
      long[] shape = m.config().network().sampleShape();
      if (png != null && shape.length != 3) {
        throw new UsageException("--png draws images; " + model + " has samples of shape " + java.util.Arrays.toString(shape));
      }
      ClassBlending.Result r = ClassBlending.sample(m, settings, c, n, seed);
      if (out != null) {
        Npy.write(out, r.samples());
      }
      if (png != null) {
        SamplePlots.imageGrid(png, r.samples(), shape);
      }
      PrintWriter o = spec.commandLine().getOut();
      o.printf("%s blend of classes %d and %d: %d samples, %d DDIM steps, %.1f s%n", settings.schedule().cliName(), a, b,
          n, steps, r.seconds());
      if (!Double.isNaN(r.fractionB())) {
        o.printf("steps given to class %d: %.3f%n", b, r.fractionB());
      }
      if (c != null) {
        ClassBlending.ClassReading cr = ClassBlending.read(c, r.samples(), a, b);
        o.printf("classifier: mean p(%d) %.3f, mean p(%d) %.3f, top-two classes {%d,%d}: %.3f%n", a, cr.meanA(), b,
            cr.meanB(), a, b, cr.bothTopTwo());
      }
    }
    return ExitCodes.OK;
  }
}
