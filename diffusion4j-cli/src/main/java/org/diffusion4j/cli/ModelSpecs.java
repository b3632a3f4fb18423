package org.diffusion4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.GaussianMixture;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.GaussianPath;

/**
 * Resolves the {@code --model} argument of {@code d4j sample}, {@code d4j bench samplers} and other
 * commands into a {@link Denoiser} on a path. Built in: {@code gmm:FILE.json} (an exact Gaussian
 * mixture spec) and {@code gmm:NAME} (a mixture bundled under {@code org/diffusion4j/mixtures/},
 * e.g. {@code ring8-2d}, {@code three-2d}, {@code gmm64-12}). Other model kinds (e.g. a trained
 * run directory from diffusion4j-nn) plug in with {@link #register(ModelLoader)}; loaders are tried
 * newest first.
 */
public final class ModelSpecs {
  /** Mixtures bundled with diffusion4j-core. */
  public static final List<String> BUNDLED_MIXTURES = List.of("ring8-2d", "three-2d", "gmm64-12");

  private static final List<ModelLoader> LOADERS = new CopyOnWriteArrayList<>();

  static {
    LOADERS.add(ModelSpecs::loadMixture);
    LOADERS.add(0, NeuralModels::load); // a run directory of d4j train (diffusion4j-nn)
  }

  private ModelSpecs() {}

  /**
   * A model as a sampler needs it. {@code path} is the path the model belongs to: a trained model
   * brings its own; an analytic mixture lives on whatever path was asked for.
   *
   * @param mixture the analytic mixture, when there is one (for density plots), else null
   * @param prior the noise the sampler starts from (Gaussian, or PFGM++'s for such a run)
   */
  public record ResolvedModel(Denoiser denoiser, GaussianPath path, GaussianMixture mixture, String description,
      java.util.function.UnaryOperator<org.diffusion4j.array.Batch> toDataUnits, long[] sampleShape, Prior prior) {
    /** A model whose states are already in data units and flat. */
    public ResolvedModel(Denoiser denoiser, GaussianPath path, GaussianMixture mixture, String description) {
      this(denoiser, path, mixture, description, java.util.function.UnaryOperator.identity(),
          new long[] {denoiser.dim()});
    }

    /** A model with the Gaussian prior N(0, std^2 I). */
    public ResolvedModel(Denoiser denoiser, GaussianPath path, GaussianMixture mixture, String description,
        java.util.function.UnaryOperator<org.diffusion4j.array.Batch> toDataUnits, long[] sampleShape) {
      this(denoiser, path, mixture, description, toDataUnits, sampleShape,
          (seed, n, std) -> org.diffusion4j.random.Noise.standardNormal(seed, n, denoiser.dim()).scale(std));
    }
  }

  /** The (n, d) starting noise of a sampler at prior scale {@code std} (the path's priorStd at the start time). */
  @FunctionalInterface
  public interface Prior {
    org.diffusion4j.array.Batch draw(long seed, int n, double std);
  }

  /**
   * What the command line asked for, passed to loaders: {@code label} (or null) selects one class
   * of a class-conditional model, with classifier-free guidance weight {@code guidance}.
   */
  public record Request(String spec, GaussianPath path, Prediction prediction, Integer label, double guidance) {
    /** An unconditional request. */
    public Request(String spec, GaussianPath path, Prediction prediction) {
      this(spec, path, prediction, null, 0);
    }
  }

  /** Turns a {@code --model} value into a model, or returns null if it is not its kind. */
  @FunctionalInterface
  public interface ModelLoader {
    ResolvedModel load(Request request) throws IOException;
  }

  /** Adds a loader, tried before the existing ones. */
  public static void register(ModelLoader loader) {
    LOADERS.add(0, loader);
  }

  /**
   * Resolves {@code spec}.
   *
   * @param path the path chosen on the command line (used by analytic models)
   * @param prediction the prediction kind asked for, or null for the model's own/default
   * @throws UsageException if no loader understands the spec
   */
  public static ResolvedModel resolve(String spec, GaussianPath path, Prediction prediction) throws IOException {
    return resolve(new Request(spec, path, prediction));
  }

  /** Resolves a request (see {@link #resolve(String, GaussianPath, Prediction)}). */
  public static ResolvedModel resolve(Request r) throws IOException {
    String spec = r.spec();
    for (ModelLoader l : LOADERS) {
      ResolvedModel m = l.load(r);
      if (m != null) {
        return m;
      }
    }
    throw new UsageException("unknown --model '" + spec + "'; expected gmm:SPEC.json, gmm:NAME (bundled: "
        + String.join(", ", BUNDLED_MIXTURES) + ") or a run directory written by d4j train");
  }

  /** Loads a mixture spec file, or a bundled mixture by name. */
  public static GaussianMixture mixture(String nameOrFile) throws IOException {
    Path file = Path.of(nameOrFile);
    if (Files.exists(file)) {
      return GaussianMixture.read(file);
    }
    String res = "/org/diffusion4j/mixtures/" + nameOrFile.replaceFirst("\\.json$", "") + ".json";
    try (InputStream in = GaussianMixture.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new UsageException("mixture '" + nameOrFile + "' is neither a file nor a bundled mixture ("
            + String.join(", ", BUNDLED_MIXTURES) + ")");
      }
      return GaussianMixture.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static ResolvedModel loadMixture(Request r) throws IOException {
    if (!r.spec().startsWith("gmm:")) {
      return null;
    }
    if (r.label() != null) {
      throw new UsageException("--class needs a class-conditional trained run (d4j train --conditional); " + r.spec()
          + " is an unconditional mixture");
    }
    String what = r.spec().substring(4);
    if (what.isEmpty()) {
      throw new UsageException("--model gmm: needs a spec file or a bundled name, e.g. gmm:ring8-2d");
    }
    GaussianMixture mix = mixture(what);
    Prediction kind = r.prediction() == null ? Prediction.EPSILON : r.prediction();
    return new ResolvedModel(mix.denoiser(r.path(), kind), r.path(), mix,
        "gmm " + what + " (" + mix.components() + " components, d=" + mix.dim() + ", " + kind.cliName() + ")");
  }
}
