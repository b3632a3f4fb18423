package org.diffusion4j.bench.compress;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.compress.CalibrationTimes;
import org.diffusion4j.compress.UniformQuantizer.RangeMethod;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.compress.FineTuner;
import org.diffusion4j.nn.compress.PostTrainingQuantizer;
import org.diffusion4j.nn.compress.Subdomains;
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
    if (args.length >= 4 && args[0].equals("finetune")) {
      finetune(args);
      return;
    }
    if (args.length < 4 || !args[0].equals("quantize")) {
      System.err.println("usage: CompressionBench quantize RUN CLASSIFIER_DIR OUT_DIR [--n N] [--only W8A8-ptq4dm,...]"
          + " [--calibration-samples N] [--chain-steps K]\n"
          + "       CompressionBench finetune RUN CLASSIFIER_DIR OUT_DIR [--n N] [--steps N] [--subdomain thick|class:K]"
          + " [--methods full,sara,lora]");
      System.exit(2);
    }
    Path run = Path.of(args[1]);
    Path clsDir = Path.of(args[2]);
    Path out = Path.of(args[3]);
    int n = 400;
    int calibration = 128;
    int chain = 20;
    List<String> only = new ArrayList<>();
    for (int i = 4; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--only" -> only.addAll(List.of(args[i + 1].split(",")));
        case "--calibration-samples" -> calibration = Integer.parseInt(args[i + 1]);
        case "--chain-steps" -> chain = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Checkpoint fp = Checkpoint.readLatest(run);
    Object[][] variants = {
        {"W32A32", 32, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A32-channel", 8, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A8-ptq4dm", 8, 8, true, CalibrationTimes.PTQ4DM},
        {"W4A8-ptq4dm", 4, 8, true, CalibrationTimes.PTQ4DM},
        {"W8A32-tensor", 8, 0, false, CalibrationTimes.PTQ4DM},
        {"W4A32-channel", 4, 0, true, CalibrationTimes.PTQ4DM},
        {"W8A8-uniform", 8, 8, true, CalibrationTimes.UNIFORM},
        {"W8A8-last", 8, 8, true, CalibrationTimes.LAST},
        {"W4A8-uniform", 4, 8, true, CalibrationTimes.UNIFORM},
        {"W4A8-last", 4, 8, true, CalibrationTimes.LAST},
    };
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    StringBuilder table = new StringBuilder("| variant | calibration | FD | FD / FP FD | floor | class acc. | size (MB) |"
        + " size ratio | sampling CPU s / " + n + " | quantise CPU s |\n|---|---|---|---|---|---|---|---|---|---|\n");
    double fpFd = Double.NaN;
    try (DigitClassifier clf = DigitClassifier.load(clsDir)) {
      for (Object[] v : variants) {
        String name = (String) v[0];
        if (!only.isEmpty() && !only.contains(name) && !name.equals("W32A32")) {
          continue;
        }
        long q0 = cpuNanos();
        PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(fp, new PostTrainingQuantizer.Options(
            (int) v[1], (int) v[2], (boolean) v[3], (CalibrationTimes) v[4], RangeMethod.MSE, RangeMethod.MSE,
            calibration, chain, 0));
        double qSecs = (cpuNanos() - q0) / 1e9;
        int[] labels = balanced(n, 10);
        long s0 = cpuNanos();
        Batch x;
        try (NeuralDenoiser model = NeuralDenoiser.of(r.checkpoint().config(), r.checkpoint().ema())) {
          x = sample(model, labels, 1);
        }
        double sSecs = (cpuNanos() - s0) / 1e9;
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

  /**
   * Table 2: the pretrained model and each fine-tuning method on the same budget; sub-domain FD
   * against the transformed held-out digits and forgetting as FD against the original held-out digits.
   */
  static void finetune(String[] args) throws IOException {
    Path run = Path.of(args[1]);
    Path clsDir = Path.of(args[2]);
    Path out = Path.of(args[3]);
    int n = 400;
    long steps = 100;
    String sub = "thick";
    double saraThreshold = 2e-3;
    List<String> methods = new ArrayList<>(List.of("full", "sara", "lora"));
    for (int i = 4; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--steps" -> steps = Long.parseLong(args[i + 1]);
        case "--subdomain" -> sub = args[i + 1];
        case "--methods" -> methods = List.of(args[i + 1].split(","));
        case "--sara-threshold" -> saraThreshold = Double.parseDouble(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Checkpoint pre = Checkpoint.readLatest(run);
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    Dataset subTrain = Subdomains.of(sub, train);
    Dataset subHeldOut = Subdomains.of(sub, heldOut);
    int[] balancedLabels = balanced(n, 10);
    int[] subLabels = balancedLabels;
    if (sub.startsWith("class:")) {
      subLabels = new int[n];
      java.util.Arrays.fill(subLabels, Integer.parseInt(sub.substring(6)));
    }
    StringBuilder table = new StringBuilder("| method | trained params | trained % | optimiser state (MB) | sub-domain FD ("
        + sub + ") | sub FD / full FT | original FD (forgetting) | fine-tune CPU s | final loss |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    double fullSub = Double.NaN;
    try (DigitClassifier clf = DigitClassifier.load(clsDir)) {
      List<String> all = new ArrayList<>(List.of("pretrained"));
      all.addAll(methods);
      for (String m : all) {
        long c0 = cpuNanos();
        Checkpoint model = pre;
        FineTuner.Report rep = null;
        if (!m.equals("pretrained")) {
          // the same budget for every method: steps, batch and SaRA's default learning rate
          FineTuner.Options d = FineTuner.Options.defaults(FineTuner.Method.parse(m), steps, 0);
          FineTuner.Options o = new FineTuner.Options(d.method(), steps, d.batch(), d.lr(), d.weightDecay(),
              saraThreshold, d.progressiveStep(), d.lambdaRank(), d.loraRank(), d.loraAlpha(), d.seed());
          FineTuner.Result r = FineTuner.run(pre, subTrain, o, null);
          model = r.checkpoint();
          rep = r.report();
        }
        double ftSecs = (cpuNanos() - c0) / 1e9;
        Batch xs;
        Batch xo;
        try (NeuralDenoiser den = NeuralDenoiser.of(model.config(), model.ema())) {
          xs = sample(den, subLabels, 1);
          xo = subLabels == balancedLabels ? xs : sample(den, balancedLabels, 1);
        }
        ImageEvaluation es = ImageEvaluation.of(xs, subLabels, clf, subHeldOut, subTrain, 7);
        ImageEvaluation eo = ImageEvaluation.of(xo, balancedLabels, clf, heldOut, train, 7);
        if (m.equals("full")) {
          fullSub = es.fd();
        }
        String row = String.format(Locale.ROOT, "| %s | %s | %s | %s | %.1f (floor %.1f) | %s | %.1f (floor %.1f) | %s | %s |%n",
            m, rep == null ? "-" : String.valueOf(rep.trainableParameters()),
            rep == null ? "-" : String.format(Locale.ROOT, "%.2f", 100 * rep.trainedFraction()),
            rep == null ? "-" : String.format(Locale.ROOT, "%.2f", rep.optimizerBytes() / 1e6), es.fd(), es.fdFloor(),
            Double.isNaN(fullSub) ? "-" : String.format(Locale.ROOT, "%.3f", es.fd() / fullSub), eo.fd(), eo.fdFloor(),
            rep == null ? "-" : String.format(Locale.ROOT, "%.0f", ftSecs),
            rep == null ? "-" : String.format(Locale.ROOT, "%.4f", rep.losses()[rep.losses().length - 1]));
        System.err.print(row);
        table.append(row);
        AtomicFiles.writeString(out.resolve("finetune-table-" + sub.replace(':', '-') + ".md"), table.toString());
      }
    }
  }

  /**
   * CPU time of this process (all threads, native ones included): on a shared machine it measures
   * the work done, where wall-clock time would measure the other tenants.
   */
  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
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
