package org.diffusion4j.bench.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.compress.CalibrationTimes;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.compress.PostTrainingQuantizer;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.ImageEvaluation;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Noise;
import org.diffusion4j.random.Seeds;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;

/**
 * The tables of docs/compression.md. {@code quantize RUN CLASSIFIER OUT [--n N] [--only NAME]}: FP
 * and quantised variants of RUN's model, n class-balanced samples each with DPM-Solver++(2M) at 10
 * NFE, FD (with floor) against the held-out digits, packed model size and sampling time; rows are
 * appended to OUT/quantization-table.md as they finish.
 */
public final class CompressionBench {
  static final String SOLVER = "dpm-solver++-2m";
  static final int NFE = 10;

  private CompressionBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 4 || !args[0].equals("quantize")) {
      System.err.println("usage: CompressionBench quantize RUN CLASSIFIER_DIR OUT_DIR [--n N] [--only W8A8-ptq4dm,...]");
      System.exit(2);
    }
    Path run = Path.of(args[1]);
    Path clsDir = Path.of(args[2]);
    Path out = Path.of(args[3]);
    int n = 400;
    List<String> only = new ArrayList<>();
    for (int i = 4; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--only" -> only.addAll(List.of(args[i + 1].split(",")));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Checkpoint fp = Checkpoint.readLatest(run);
    Object[][] variants = {
        {"W32A32", 32, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A32-channel", 8, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A32-tensor", 8, 0, false, CalibrationTimes.PTQ4DM},
        {"W4A32-channel", 4, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A8-ptq4dm", 8, 8, true, CalibrationTimes.PTQ4DM},
        {"W8A8-uniform", 8, 8, true, CalibrationTimes.UNIFORM},
        {"W8A8-last", 8, 8, true, CalibrationTimes.LAST},
        {"W4A8-ptq4dm", 4, 8, true, CalibrationTimes.PTQ4DM},
        {"W4A8-uniform", 4, 8, true, CalibrationTimes.UNIFORM},
        {"W4A8-last", 4, 8, true, CalibrationTimes.LAST},
    };
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    StringBuilder table = new StringBuilder("| variant | calibration | FD | FD / FP FD | floor | class acc. | size (MB) |"
        + " size ratio | sampling s / " + n + " | quantise s |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double fpFd = Double.NaN;
    try (DigitClassifier clf = DigitClassifier.load(clsDir)) {
      for (Object[] v : variants) {
        String name = (String) v[0];
        if (!only.isEmpty() && !only.contains(name) && !name.equals("W32A32")) {
          continue;
        }
        long q0 = System.nanoTime();
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(fp, PostTrainingQuantizer.Options.of(
            (int) v[1], (int) v[2], (boolean) v[3], (CalibrationTimes) v[4], 0));
        double qSecs = (System.nanoTime() - q0) / 1e9;
        int[] labels = balanced(n, 10);
        long s0 = System.nanoTime();
        Batch x;
        try (NeuralDenoiser model = NeuralDenoiser.of(r.checkpoint().config(), r.checkpoint().ema())) {
          x = sample(model, labels, 1);
        }
        double sSecs = (System.nanoTime() - s0) / 1e9;
        ImageEvaluation e = ImageEvaluation.of(x, labels, clf, heldOut, train, 7);
        if (name.equals("W32A32")) {
          fpFd = e.fd();
        }
        PostTrainingQuantizer.Report rep = r.report();
        String row = String.format(Locale.ROOT, "| %s | %s | %.1f | %.3f | %.1f | %.3f | %.3f | %.3f | %.0f | %.0f |%n",
            name, (int) v[2] == 0 ? "-" : rep.calibration(), e.fd(), e.fd() / fpFd, e.fdFloor(), e.classAccuracy(),
            rep.quantizedBytes() / 1e6, rep.sizeRatio(), sSecs, qSecs);
        System.err.print(row);
        table.append(row);
        AtomicFiles.writeString(out.resolve("quantization-table.md"), table.toString());
      }
    }
  }

  /** Labels i % classes. */
  static int[] balanced(int n, int classes) {
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % classes;
    }
    return y;
  }

  /**
   * One sample per entry of {@code labels} (class-conditional, no guidance) with DPM-Solver++(2M)
   * at 10 NFE over the model's trained time range; row i starts from row i of one seeded noise batch.
   */
  static Batch sample(NeuralDenoiser model, int[] labels, long seed) {
    GaussianPath path = model.samplingPath();
    double tStart = Sampling.defaultStart(path);
    double tEnd = Sampling.defaultEnd(path);
    int d = model.dim();
    Batch noise = Noise.standardNormal(seed, labels.length, d).scale(path.priorStd(tStart));
    Batch x = new Batch(labels.length, d);
    int classes = model.config().network().classes();
    for (int y = 0; y < classes; y++) {
      List<Integer> idx = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == y) {
          idx.add(i);
        }
      }
      if (idx.isEmpty()) {
        continue;
      }
      Batch part = new Batch(idx.size(), d);
      for (int k = 0; k < idx.size(); k++) {
        System.arraycopy(noise.data(), idx.get(k) * d, part.data(), k * d, d);
      }
      Batch r = Sampling.with(Samplers.create(SOLVER), model.forClass(y), path).times(tStart, tEnd).nfe(NFE)
          .seed(Seeds.samplerNoise(seed + y)).run(part).x();
      for (int k = 0; k < idx.size(); k++) {
        System.arraycopy(r.data(), k * d, x.data(), idx.get(k) * d, d);
      }
    }
    return x;
  }
}
