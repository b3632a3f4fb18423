package org.diffusion4j.bench.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.likelihood.BitsPerDim;
import org.diffusion4j.likelihood.DormandPrince;
import org.diffusion4j.likelihood.Likelihood;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.ImageEvaluation;
import org.diffusion4j.nn.likelihood.AutogradDivergence;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Seeds;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;

/**
 * The MNIST quality table of docs/images.md: samples a trained image run with several samplers
 * (unconditional = the null class, class-balanced conditional, and guided), evaluates each set with
 * the in-tree classifier ({@link ImageEvaluation}: FD with its train-vs-held-out floor, IS analogue,
 * class accuracy, nearest-neighbour memorisation check), evaluates external sample files (e.g. the
 * PyTorch DDPM reference) the same way, and measures bits/dim on held-out digits.
 *
 * <pre>
 *   java ... MnistImageBench RUN CLASSIFIER_DIR OUT_DIR [--n 500] [--bpd 100] [--extra NAME=FILE.npy ...]
 * </pre>
 */
public final class MnistImageBench {
  private MnistImageBench() {}

  record Row(String what, String sampler, int nfe, ImageEvaluation eval, double seconds) {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: MnistImageBench RUN CLASSIFIER_DIR OUT_DIR [--n N] [--bpd N] [--extra NAME=FILE.npy]..."
          + " [--only uncond|ancestral|cond|guided|bpd]...");
      System.exit(2);
    }
    Path run = Path.of(args[0]);
    Path clsDir = Path.of(args[1]);
    Path out = Path.of(args[2]);
    int n = 500;
    int bpdDigits = 100;
    List<String[]> extras = new ArrayList<>();
    List<String> only = new ArrayList<>();
    for (int i = 3; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--bpd" -> bpdDigits = Integer.parseInt(args[i + 1]);
        case "--extra" -> extras.add(args[i + 1].split("=", 2));
        case "--only" -> only.add(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    List<Row> rows = new ArrayList<>();
    try (DigitClassifier clf = DigitClassifier.load(clsDir); NeuralDenoiser model = TrainedRun.open(run).denoiser()) {
      GaussianPath path = model.samplingPath();
      boolean conditional = model.config().network().classes() > 0;
      String uncond = conditional ? "null class" : "unconditional";
      if (only.isEmpty() || only.contains("uncond")) {
        Object[][] unconditional = {{"ddim", 50}, {"dpm-solver++-2m", 10}, {"unipc-bh2-3", 10}, {"dpm-solver++-3m", 10}};
        for (Object[] s : unconditional) {
          rows.add(sample(model, path, (String) s[0], (int) s[1], n, -1, 0, clf, heldOut, train, out, uncond));
        }
      }
      if (only.isEmpty() || only.contains("ancestral")) {
        rows.add(sample(model, path, "ddpm", 250, n, -1, 0, clf, heldOut, train, out, uncond));
      }
      if (conditional && (only.isEmpty() || only.contains("cond"))) {
        rows.add(sample(model, path, "dpm-solver++-2m", 10, n, 10, 0, clf, heldOut, train, out, "classes, w = 0"));
      }
      if (conditional && (only.isEmpty() || only.contains("guided"))) {
        rows.add(sample(model, path, "dpm-solver++-2m", 10, n, 10, 2, clf, heldOut, train, out, "classes, w = 2"));
      }
      for (String[] e : extras) {
        long t0 = System.nanoTime();
        Batch x = Npy.readBatch(Path.of(e[1]));
        rows.add(new Row(e[0], "(file)", 0, ImageEvaluation.of(x, null, clf, heldOut, train, 7),
            (System.nanoTime() - t0) / 1e9));
      }
      String table = table(rows);
      System.out.print(table);
      Files.writeString(out.resolve("quality.md"), table);
      if (bpdDigits > 0 && (only.isEmpty() || only.contains("bpd"))) {
        String bpd = bitsPerDim(run, model, path, heldOut, bpdDigits);
        System.out.println(bpd);
        Files.writeString(out.resolve("bits-per-dim.txt"), bpd + "\n");
      }
    }
  }

  /** The quality table (markdown) of {@code rows}. */
  static String table(List<Row> rows) {
    StringBuilder table = new StringBuilder();
    table.append("| model / labels | sampler | NFE | n | FD | FD floor | FD / floor | IS | IS held-out | class acc."
        + " | median NN dist (held-out) | frac. < 1% held-out NN | seconds |\n");
    table.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      ImageEvaluation v = r.eval();
      table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.3f | %.3f | %.2f | %.3f | %.3f | %s | %.3f (%.3f)"
          + " | %.3f | %.0f |%n", r.what(), r.sampler(), r.nfe(), v.samples(), v.fd(), v.fdFloor(), v.fd() / v.fdFloor(),
          v.inceptionScore(), v.heldOutInceptionScore(),
          Double.isNaN(v.classAccuracy()) ? "-" : String.format(Locale.ROOT, "%.3f", v.classAccuracy()),
          v.medianNnSamples(), v.medianNnHeldOut(), v.fractionCloserThanThreshold(), r.seconds()));
    }
    return table.toString();
  }

  /**
   * n samples with {@code solver} at {@code nfe}; {@code classes} = -1: the model's own (null class)
   * prediction; otherwise class-balanced labels i % classes with guidance weight {@code w}.
   */
  static Row sample(NeuralDenoiser model, GaussianPath path, String solver, int nfe, int n, int classes, double w,
      DigitClassifier clf, Dataset heldOut, Dataset train, Path out, String what) throws IOException {
    return sample(y -> y < 0 ? model : w == 0 ? model.forClass(y) : model.withGuidance(y, w), model.dim(), path, solver,
        nfe, n, classes, clf, heldOut, train, out, what);
  }

  /** As above with the model of class y given by {@code classModel} (y = -1: the unconditional model). */
  static Row sample(java.util.function.IntFunction<Denoiser> classModel, int dim, GaussianPath path, String solver,
      int nfe, int n, int classes, DigitClassifier clf, Dataset heldOut, Dataset train, Path out, String what)
      throws IOException {
    long t0 = System.nanoTime();
    double tStart = Sampling.defaultStart(path);
    double tEnd = Sampling.defaultEnd(path);
    long seed = 1;
    Batch noise = Noise.standardNormal(seed, n, dim).scale(path.priorStd(tStart));
    Batch x;
    int[] labels = null;
    if (classes < 0) {
      x = Sampling.with(Samplers.create(solver), classModel.apply(-1), path).times(tStart, tEnd).nfe(nfe)
          .seed(Seeds.samplerNoise(seed)).run(noise).x();
    } else {
      labels = new int[n];
      x = new Batch(n, dim);
      for (int y = 0; y < classes; y++) {
        List<Integer> idx = new ArrayList<>();
        for (int i = y; i < n; i += classes) {
          idx.add(i);
          labels[i] = y;
        }
        Batch part = new Batch(idx.size(), dim);
        for (int k = 0; k < idx.size(); k++) {
          System.arraycopy(noise.data(), idx.get(k) * dim, part.data(), k * dim, dim);
        }
        Denoiser d = classModel.apply(y);
        Batch r = Sampling.with(Samplers.create(solver), d, path).times(tStart, tEnd).nfe(nfe)
            .seed(Seeds.samplerNoise(seed + y)).run(part).x();
        for (int k = 0; k < idx.size(); k++) {
          System.arraycopy(r.data(), k * dim, x.data(), idx.get(k) * dim, dim);
        }
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    String file = (what.replaceAll("[^a-z0-9]+", "-") + "-" + solver + "-" + nfe).replaceAll("-+", "-") + ".npy";
    Npy.write(out.resolve(file), x);
    ImageEvaluation e = ImageEvaluation.of(x, labels, clf, heldOut, train, 7);
    System.err.printf(Locale.ROOT, "%s %s nfe=%d: FD %.3f (floor %.3f), IS %.3f, acc %s, %.0f s%n", what, solver, nfe,
        e.fd(), e.fdFloor(), e.inceptionScore(), labels == null ? "-" : String.format(Locale.ROOT, "%.3f",
            e.classAccuracy()), secs);
    return new Row(what, solver, nfe, e, secs);
  }

  /**
   * Bits/dim of the first {@code digits} held-out digits through the probability-flow ODE
   * (dopri5, rtol = atol = 1e-3; Hutchinson divergence with one Rademacher probe; uniform
   * dequantisation, one sample), with the standard error over digits.
   */
  static String bitsPerDim(Path run, Denoiser model, GaussianPath path, Dataset heldOut, int digits)
      throws IOException {
    int d = Mnist.PIXELS;
    Batch counts = new Batch(digits, d);
    for (int i = 0; i < digits * d; i++) {
      counts.data()[i] = Math.rint((heldOut.data().data()[i] + 1) * 127.5);
    }
    BitsPerDim bpd = BitsPerDim.eightBitSymmetric(1);
    long t0 = System.nanoTime();
    try (AutogradDivergence div = AutogradDivergence.load(run, 1, 3)) {
      Likelihood lik = Likelihood.builder(model, path).divergence(div).solver(new DormandPrince(1e-3, 1e-3))
          .chunkRows(50).build();
      Likelihood.Result r = lik.evaluate(bpd.dequantize(counts, 5));
      BitsPerDim.Result b = bpd.combine(r.logp(), d);
      return String.format(Locale.ROOT, "bits/dim on %d held-out digits: %.4f +- %.4f (dopri5 rtol 1e-3, Hutchinson 1"
          + " probe, uniform dequantisation; %.0f s)", digits, b.meanBitsPerDim(), b.standardError(),
          (System.nanoTime() - t0) / 1e9);
    }
  }
}
