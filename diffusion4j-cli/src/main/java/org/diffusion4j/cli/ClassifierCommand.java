package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.ImageEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j classifier}: the MNIST evaluation classifier ({@link DigitClassifier}). {@code train}
 * fits it on the training split of the bundled digits (file indices 0-7999) and reports held-out
 * accuracy (indices 8000-9999); {@code evaluate} scores generated digits with {@link ImageEvaluation}.
 */
@Command(name = "classifier", mixinStandardHelpOptions = true,
    description = "Train the MNIST evaluation classifier, or evaluate generated digits with it.",
    subcommands = {ClassifierCommand.Train.class, ClassifierCommand.Evaluate.class})
final class ClassifierCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (train or evaluate); see"
        + " 'd4j classifier --help'");
  }

  /** {@code d4j classifier train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Train the evaluation CNN on the training split of the bundled MNIST digits (0-7999) and print"
          + " its accuracy on the held-out digits (8000-9999).",
        "Writes DIR/classifier.json and DIR/weights.npz (atomic)."})
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (must not hold a classifier).")
    Path out;

    @Option(names = "--steps", defaultValue = "2000", paramLabel = "N",
        description = "Optimiser steps of 64 digits (default ${DEFAULT-VALUE}, 16 epochs).")
    int steps;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (steps < 1) {
        throw new UsageException("--steps must be at least 1, got " + steps);
      }
      if (Files.exists(out.resolve(DigitClassifier.CONFIG_FILE))) {
        throw new UsageException(out + " already holds a classifier; choose another --out");
      }
      Dataset train = Mnist.train();
      Dataset heldOut = Mnist.heldOut();
      long t0 = System.nanoTime();
      DigitClassifier c;
      try (ProgressBar bar = ProgressBar.create(spec, "training")) {
        c = DigitClassifier.train(train, DigitClassifier.Config.standard(), DigitClassifier.TrainOptions.of(steps), seed,
            bar);
      }
      try (c) {
        double seconds = (System.nanoTime() - t0) / 1e9;
        double acc = c.accuracy(heldOut);
        c.save(out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("trained %d steps on %d training digits in %.1f s%n", steps, train.n(), seconds);
        o.printf("held-out accuracy %.4f (%d digits)%n", acc, heldOut.n());
        o.println("wrote " + out);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code d4j classifier evaluate}. */
  @Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Evaluate generated digits (n, 784) in [-1, 1] (clipped) against the held-out MNIST digits: FD on"
          + " the classifier's features (with the floor of as many training digits), Inception-score analogue,"
          + " class accuracy (with --labels) and a memorisation check (nearest-neighbour distances to the training"
          + " digits)."})
  static final class Evaluate implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--classifier", required = true, paramLabel = "DIR", description = "A directory written by 'd4j classifier train'.")
    Path classifier;

    @Option(names = "--samples", required = true, paramLabel = "FILE.npy", description = "Generated digits, shape (n, 784).")
    Path samples;

    @Option(names = "--labels", paramLabel = "FILE.npy", description = "Intended class of each sample, shape (n) or (n, 1), values 0-9.")
    Path labels;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
        description = "Seed choosing the training digits of the FD floor (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      if (!Files.isRegularFile(classifier.resolve(DigitClassifier.CONFIG_FILE))) {
        throw new UsageException(classifier + " is not a classifier directory (no " + DigitClassifier.CONFIG_FILE + ")");
      }
      Batch x = Npy.readBatch(samples);
      if (x.d() != Mnist.PIXELS) {
        throw new UsageException("samples " + samples + " have shape (" + x.n() + ", " + x.d() + "); expected (n, "
            + Mnist.PIXELS + ")");
      }
      int[] intended = labels == null ? null : readLabels(labels, x.n());
      try (DigitClassifier c = DigitClassifier.load(classifier)) {
        ImageEvaluation ev = ImageEvaluation.of(x, intended, c, Mnist.heldOut(), Mnist.train(), seed);
        spec.commandLine().getOut().print(ev.toTable());
      }
      return ExitCodes.OK;
    }

    private static int[] readLabels(Path file, int n) throws IOException {
      NdArray a = Npy.read(file);
      boolean shapeOk = a.size() == n && (a.rank() == 1 || (a.rank() == 2 && a.dim(1) == 1));
      if (!shapeOk) {
        throw new UsageException("labels " + file + " have shape " + Arrays.toString(a.shape()) + "; expected (" + n
            + ") or (" + n + ", 1)");
      }
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        double v = a.flat(i);
        if (!(v >= 0 && v < Mnist.CLASSES && v == Math.rint(v))) {
          throw new UsageException("labels " + file + ": entry " + i + " = " + v + " is not a digit 0-9");
        }
        y[i] = (int) v;
      }
      return y;
    }
  }
}
