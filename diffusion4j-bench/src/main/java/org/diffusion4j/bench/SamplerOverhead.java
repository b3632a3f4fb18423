package org.diffusion4j.bench;

import java.util.Locale;
import java.util.Map;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.diffusion4j.sampler.Sampler;
import org.diffusion4j.sampler.Samplers;
import org.diffusion4j.sampler.Sampling;

/**
 * A quick companion to {@link SamplerOverheadBenchmark}: times whole sampling runs and, inside
 * each, the time spent in the model ({@code Sampling.Result.modelNanos}), and prints the overhead
 * fraction (total - model) / total per multistep solver (median of repeated runs after warm-up).
 * Args: [n] [nfe] [repeats] [threads] (threads: fork-join parallelism of model and sampler; 0 =
 * the common pool).
 */
public final class SamplerOverhead {
  private SamplerOverhead() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    if (threads > 0) {
      new java.util.concurrent.ForkJoinPool(threads).submit(() -> {
        run(args);
        return null;
      }).get();
    } else {
      run(args);
    }
  }

  private static void run(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int nfe = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    GaussianMixture mix = SamplerOverheadBenchmark.gmm64();
    GaussianPath path = Paths.create("vp-linear", Map.of());
    Batch noise = Noise.standardNormal(1, n, mix.dim());
    String[] names = {"dpm-solver++-2m", "dpm-solver++-3m", "dpm-solver-multistep-3", "unipc-bh2-3", "deis-3",
      "dpm-solver++-2m-sde"};
    // Warm up every solver first, so the first one measured is not the one paying for the JIT.
    for (int w = 0; w < 5; w++) {
      for (String name : names) {
        Sampling.with(Samplers.create(name), mix.denoiser(path, Prediction.X0), path).times(1, 1e-3).nfe(nfe)
            .run(noise);
      }
    }
    System.out.printf(Locale.ROOT, "solver\tnfe\ttotal_ms\tmodel_ms\toverhead\tfree_model_total_ms%n");
    for (String name : names) {
      Sampler s = Samplers.create(name);
      Prediction kind = name.contains("++") || name.startsWith("unipc") ? Prediction.X0 : Prediction.EPSILON;
      Denoiser model = mix.denoiser(path, kind);
      double[] total = new double[repeats];
      double[] frac = new double[repeats];
      double[] modelMs = new double[repeats];
      for (int w = 0; w < 5; w++) {
        Sampling.with(s, model, path).times(1, 1e-3).nfe(nfe).run(noise);
      }
      for (int r = 0; r < repeats; r++) {
        Sampling.Result res = Sampling.with(s, model, path).times(1, 1e-3).nfe(nfe).seed(r).run(noise);
        total[r] = res.totalNanos() * 1e-6;
        modelMs[r] = res.modelNanos() * 1e-6;
        frac[r] = 1 - (double) res.modelNanos() / res.totalNanos();
      }
      // The same run with a model that costs nothing (returns a constant prediction): its total is
      // the sampler's own work alone.
      Denoiser free = new Denoiser() {
        @Override public int dim() { return mix.dim(); }
        @Override public Prediction prediction() { return kind; }
        @Override public void predict(Batch x, double t, Batch out) { }
      };
      double[] freeMs = new double[repeats];
      for (int r = 0; r < repeats + 5; r++) {
        Sampling.Result res = Sampling.with(s, free, path).times(1, 1e-3).nfe(nfe).seed(r).run(noise);
        if (r >= 5) {
          freeMs[r - 5] = res.totalNanos() * 1e-6;
        }
      }
      java.util.Arrays.sort(freeMs);
      java.util.Arrays.sort(total);
      java.util.Arrays.sort(frac);
      java.util.Arrays.sort(modelMs);
      System.out.printf(Locale.ROOT, "%s\t%d\t%.2f\t%.2f\t%.2f%%\t%.2f%n", name, nfe, total[repeats / 2],
          modelMs[repeats / 2], 100 * frac[repeats / 2], freeMs[repeats / 2]);
    }
  }
}
