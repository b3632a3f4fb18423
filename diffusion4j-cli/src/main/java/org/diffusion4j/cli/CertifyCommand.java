package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.array.Batch;
import org.diffusion4j.certify.RandomizedSmoothing;
import org.diffusion4j.io.Csv;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.consistency.ConsistencyRun;
import org.diffusion4j.nn.consistency.DenoisedClassifier;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.cli.plot.Plot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j certify}: certified L2 robustness of held-out MNIST digits by randomised smoothing
 * (Cohen et al. 2019, CERTIFY) around denoise-then-classify ({@link DenoisedClassifier}); prints
 * the certified accuracy at radii 0, 0.25, 0.5, 0.75, 1 (pixel units [0, 1]) and writes one CSV row
 * per digit.
 */
@Command(name = "certify", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Certify held-out MNIST digits by randomised smoothing (Cohen et al. 2019) of denoise-then-classify:"
        + " the noisy digit goes through a one-step denoiser (a d4j distill run: its consistency function; another"
        + " run: its data prediction; 'none': no denoiser) and the evaluation classifier.",
      "sigma and radii are in pixel units [0, 1] (the models' [-1, 1] units are twice that).",
      "Writes per digit: index,label,prediction,radius,p_lower,count_a (prediction -1 = abstain)."})
final class CertifyCommand implements Callable<Integer> {
  private static final double[] RADII = {0, 0.25, 0.5, 0.75, 1};

  @Spec CommandSpec spec;

  @Option(names = "--denoiser", required = true, paramLabel = "RUN|none", description = "Denoiser run, or none.")
  String denoiser;

  @Option(names = "--classifier", required = true, paramLabel = "DIR", description = "Evaluation classifier (d4j classifier train).")
  Path classifier;

  @Option(names = "--sigma", defaultValue = "0.25", paramLabel = "S", description = "Noise level, pixel units (default ${DEFAULT-VALUE}).")
  double sigma;

  @Option(names = "--n", defaultValue = "1000", paramLabel = "N", description = "Estimation copies per digit (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--n0", defaultValue = "100", paramLabel = "N0", description = "Selection copies per digit (default ${DEFAULT-VALUE}).")
  int n0;

  @Option(names = "--alpha", defaultValue = "0.001", paramLabel = "A", description = "Failure probability (default ${DEFAULT-VALUE}).")
  double alpha;

  @Option(names = "--count", defaultValue = "500", paramLabel = "K",
      description = "Held-out digits, evenly spaced over the 2000 (default ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--batch", defaultValue = "200", paramLabel = "B", description = "Noisy copies per forward pass (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Per-digit certificates (CSV).")
  Path out;

  @Option(names = "--png", paramLabel = "FILE.png", description = "Certified accuracy vs radius plot.")
  Path png;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new UsageException("--sigma must be positive, got " + sigma);
    }
    if (n < 1 || n0 < 1 || batch < 1) {
      throw new UsageException("--n, --n0 and --batch must be at least 1, got " + n + ", " + n0 + ", " + batch);
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw new UsageException("--alpha must be in (0, 1), got " + alpha);
    }
    Dataset heldOut = Mnist.heldOut();
    if (count < 1 || count > heldOut.n()) {
      throw new UsageException("--count must be in [1, " + heldOut.n() + "], got " + count);
    }
    if (!Files.isRegularFile(classifier.resolve(DigitClassifier.CONFIG_FILE))) {
      throw new UsageException(classifier + " is not a classifier directory (no " + DigitClassifier.CONFIG_FILE + ")");
    }
    boolean none = denoiser.equals("none");
    Path run = Path.of(denoiser);
    if (!none && (!TrainedRun.isRun(run) || TrainedRun.isInterpolantRun(run))) {
      throw new UsageException("--denoiser " + denoiser + " is neither a diffusion/flow run nor 'none'");
    }
    int stride = heldOut.n() / count;
    RandomizedSmoothing.Certificate[] certs = new RandomizedSmoothing.Certificate[count];
    int[] truth = new int[count];
    Batch rows = new Batch(count, 6);
    long t0 = System.nanoTime();
    try (DigitClassifier clf = DigitClassifier.load(classifier);
        NeuralDenoiser model = none ? null : TrainedRun.open(run).denoiser();
        ProgressBar bar = ProgressBar.create(spec, "certifying")) {
      Denoiser d = model;
      org.diffusion4j.path.GaussianPath path = none ? null : model.path();
      if (!none && ConsistencyRun.isConsistencyRun(run)) {
        d = ConsistencyRun.open(run).function(model, model.path());
      }
      DenoisedClassifier base = new DenoisedClassifier(d, path, sigma, clf);
      RandomizedSmoothing smoothing = new RandomizedSmoothing(base, sigma, batch);
      for (int k = 0; k < count; k++) {
        int idx = k * stride;
        truth[k] = heldOut.labels()[idx];
        double[] u = DenoisedClassifier.toPixels(heldOut.data().row(idx));
        certs[k] = smoothing.certify(u, n0, n, alpha, seed + idx);
        double[] r = {Mnist.TRAIN_SIZE + idx, truth[k], certs[k].label(), certs[k].radius(), certs[k].pLower(),
            certs[k].countA()};
        System.arraycopy(r, 0, rows.data(), k * 6, 6);
        bar.onProgress(k + 1, count, "digit " + (k + 1) + "/" + count);
      }
    }
    Csv.write(out, rows, List.of("index", "label", "prediction", "radius", "p_lower", "count_a"));
    double[] acc = RandomizedSmoothing.certifiedAccuracy(certs, truth, RADII);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "certified accuracy, sigma %.3g, n %d, n0 %d, alpha %.3g, %d held-out digits, %.0f s%n", sigma, n,
        n0, alpha, count, (System.nanoTime() - t0) / 1e9);
    o.println("radius\taccuracy");
    for (int k = 0; k < RADII.length; k++) {
      o.printf(Locale.ROOT, "%.2f\t%.4f%n", RADII[k], acc[k]);
    }
    if (png != null) {
      double[] rs = new double[41];
      for (int i = 0; i < rs.length; i++) {
        rs[i] = 0.025 * i;
      }
      Plot.of("certified accuracy, sigma " + sigma + " (" + (none ? "no denoiser" : run.getFileName()) + ")")
          .xLabel("L2 radius (pixels in [0, 1])").yLabel("certified accuracy").yRange(0, 1)
          .line(rs, RandomizedSmoothing.certifiedAccuracy(certs, truth, rs), Plot.color(0), null, false).writePng(png, 640, 420);
    }
    o.println("wrote " + out);
    return ExitCodes.OK;
  }
}
