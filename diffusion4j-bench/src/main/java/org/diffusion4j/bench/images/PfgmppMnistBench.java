package org.diffusion4j.bench.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.OutputNoiseDenoiser;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.eval.ImageEvaluation;
import org.diffusion4j.nn.objective.NoiseKernel;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.HeunSampler;
import org.diffusion4j.sampler.Sampling;

/**
 * The PFGM++ MNIST experiments of docs/pfgmpp.md (issue 21): for each trained pfgmpp run (one per
 * augmented dimension D), n samples from the run's prior (the PFGM++ kernel at sigma_max, Gaussian
 * for D = infinity) through the deterministic Heun sampler (official generate.py's edm_sampler on
 * the Karras grid), scored by FD against held-out digits with the in-tree classifier
 * ({@link ImageEvaluation}, floor = as many training digits against the held-out ones).
 * <ul>
 *   <li>FD against NFE ({@code --nfe}; fewer NFE = larger steps, the paper's step-size robustness),
 *       for every seed of {@code --seeds} (the seed draws the prior);</li>
 *   <li>FD against the relative output error alpha ({@code --alpha}) at {@code --alpha-nfe}, through
 *       {@link OutputNoiseDenoiser} (the paper's robustness to modelling errors), first seed only.</li>
 * </ul>
 * Samples are clipped to [-1, 1] (pixel range) before scoring, as images are when saved; NaN values
 * (counted in the CSV) become 0.
 * Appends one CSV row per evaluation to OUT/results.csv (written atomically after each row).
 *
 * <pre>
 *   java ... PfgmppMnistBench CLASSIFIER_DIR OUT_DIR --run D=DIR [--run D=DIR ...] [--n 500]
 *       [--nfe 5,9,17,35] [--seeds 1,2] [--alpha 0.05,0.1,0.2] [--alpha-nfe 35]
 * </pre>
 */
public final class PfgmppMnistBench {
  private PfgmppMnistBench() {}

  static final String HEADER = "D,experiment,nfe,alpha,seed,n,fd,fd_floor,is,is_held_out,median_nn,nan_values,seconds";

  public static void main(String[] args) throws IOException {
    if (args.length < 4) {
      System.err.println("usage: PfgmppMnistBench CLASSIFIER_DIR OUT_DIR --run D=DIR [...] [--n N] [--nfe LIST]"
          + " [--seeds LIST] [--alpha LIST] [--alpha-nfe K]");
      System.exit(2);
    }
    Path clsDir = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<String[]> runs = new ArrayList<>();
    int n = 500;
    int[] nfes = {5, 9, 17, 35};
    long[] seeds = {1, 2};
    double[] alphas = {};
    int alphaNfe = 35;
    for (int i = 2; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--run" -> runs.add(v.split("=", 2));
        case "--n" -> n = Integer.parseInt(v);
        case "--nfe" -> nfes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--seeds" -> seeds = Arrays.stream(v.split(",")).mapToLong(Long::parseLong).toArray();
        case "--alpha" -> alphas = Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
        case "--alpha-nfe" -> alphaNfe = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Path csv = out.resolve("results.csv");
    StringBuilder rows = new StringBuilder(Files.exists(csv) ? Files.readString(csv) : HEADER + "\n");
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    try (DigitClassifier clf = DigitClassifier.load(clsDir)) {
      for (String[] run : runs) {
        String label = run[0];
        try (NeuralDenoiser model = TrainedRun.open(Path.of(run[1])).denoiser()) {
          GaussianPath path = model.samplingPath();
          NoiseKernel prior = new NoiseKernel(model.dim(), model.config().augmentedDim());
          for (long seed : seeds) {
            for (int nfe : nfes) {
              rows.append(evaluate(label, "nfe", model, path, prior, nfe, 0, seed, n, clf, heldOut, train));
              AtomicFiles.writeString(csv, rows.toString());
            }
          }
          for (double alpha : alphas) {
            Denoiser noisy = new OutputNoiseDenoiser(model, path, alpha, seeds[0] + 1000);
            rows.append(evaluate(label, "alpha", noisy, path, prior, alphaNfe, alpha, seeds[0], n, clf, heldOut, train));
            AtomicFiles.writeString(csv, rows.toString());
          }
        }
      }
    }
  }

  /** One CSV row: n Heun samples at {@code nfe} from the run's prior drawn with {@code seed}, scored. */
  static String evaluate(String label, String experiment, Denoiser model, GaussianPath path, NoiseKernel prior,
      int nfe, double alpha, long seed, int n, DigitClassifier clf, Dataset heldOut, Dataset train) {
    long t0 = System.nanoTime();
    Sampling.Builder run = Sampling.with(new HeunSampler(), model, path).nfe(nfe);
    Batch x0 = prior.prior(seed, n, path.priorStd(run.grid(new org.diffusion4j.sampler.Plan[1]).start()));
    Sampling.Result r = run.run(x0);
    Batch x = r.x();
    double[] a = x.data();
    int nonFinite = 0;
    for (int i = 0; i < a.length; i++) {
      if (Double.isNaN(a[i])) {
        nonFinite++;
        a[i] = 0;
      }
      a[i] = Math.max(-1, Math.min(1, a[i]));
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    ImageEvaluation e = ImageEvaluation.of(x, null, clf, heldOut, train, 7);
    String row = String.format(Locale.ROOT, "%s,%s,%d,%s,%d,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%.1f%n", label, experiment,
        r.nfe(), alpha, seed, n, e.fd(), e.fdFloor(), e.inceptionScore(), e.heldOutInceptionScore(),
        e.medianNnSamples(), nonFinite, secs);
    System.err.print(row);
    return row;
  }
}
