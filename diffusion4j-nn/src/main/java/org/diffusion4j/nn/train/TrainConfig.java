package org.diffusion4j.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.net.MlpConfig;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.Networks;
import org.diffusion4j.nn.objective.NoiseKernel;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.objective.TimeSampling;
import org.diffusion4j.nn.objective.Weighting;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;

/**
 * Everything that determines a training run; stored as JSON in every checkpoint. Build with
 * {@link #builder(int)}.
 *
 * <p>Optimiser: AdamW (Loshchilov &amp; Hutter 2019, Algorithm 2) with learning rate warmed up
 * linearly over {@code warmupSteps} then cosine-decayed to {@code lr * minLrRatio} at
 * {@code steps} (Loshchilov &amp; Hutter 2017, "SGDR", Eq. 5); gradients clipped to global
 * norm {@code clipNorm} (Pascanu et al. 2013); EMA of weights with decay
 * min(emaDecay, (1 + k)/(10 + k)) at step k.
 *
 * <p>{@code fpWeight} lambda &gt;= 0 adds the score Fokker-Planck penalty
 * lambda E_t E_x |r~|^2 / d of {@link org.diffusion4j.nn.objective.ScoreFokkerPlanckResidual}
 * (Deveney et al. 2023) to the loss; 0 (the default) trains exactly as without it.
 * {@code fpProbes} P &gt; 0 estimates its grad(div s) term with P Rademacher probes per row
 * (Hutchinson) instead of exactly (0, the default; exact costs d(d+1)/2 second directions). Both
 * are written to JSON only when non-zero, so configs and checkpoints without them read as 0.
 *
 * <p>{@code augmentedDim} D is the PFGM++ objective's number of augmented dimensions (Xu et al.
 * 2023); 0 (the default, and the value of checkpoints written before the field existed) means
 * D = infinity, where PFGM++ is EDM. Any other objective requires 0.
 */
public record TrainConfig(
    String data,
    NetworkConfig network,
    Objective objective,
    String path,
    Map<String, String> pathOptions,
    Weighting weighting,
    TimeSampling timeSampling,
    double sigmaData,
    long steps,
    int batch,
    double lr,
    long warmupSteps,
    double minLrRatio,
    double beta1,
    double beta2,
    double adamEps,
    double weightDecay,
    double clipNorm,
    double emaDecay,
    double classDropout,
    long seed,
    long checkpointEvery,
    int keepCheckpoints,
    double fpWeight,
    int fpProbes,
    double augmentedDim) {

  public TrainConfig {
    pathOptions = Map.copyOf(new TreeMap<>(pathOptions));
    Paths.create(path, pathOptions); // validates name and options
    require(steps >= 1, "steps must be >= 1, got " + steps);
    require(batch >= 1, "batch must be >= 1, got " + batch);
    require(lr > 0 && Double.isFinite(lr), "lr must be positive, got " + lr);
    require(warmupSteps >= 0, "warmup must be >= 0, got " + warmupSteps);
    require(minLrRatio >= 0 && minLrRatio <= 1, "min-lr-ratio must be in [0, 1], got " + minLrRatio);
    require(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1, "Adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
    require(adamEps > 0, "adam-eps must be positive, got " + adamEps);
    require(weightDecay >= 0, "weight-decay must be >= 0, got " + weightDecay);
    require(clipNorm > 0, "clip-norm must be positive, got " + clipNorm);
    require(emaDecay >= 0 && emaDecay < 1, "ema decay must be in [0, 1), got " + emaDecay);
    require(classDropout >= 0 && classDropout <= 1, "class-dropout must be in [0, 1], got " + classDropout);
    require(checkpointEvery >= 0, "checkpoint-every must be >= 0, got " + checkpointEvery);
    require(keepCheckpoints >= 1, "keep-checkpoints must be >= 1, got " + keepCheckpoints);
    require(fpWeight >= 0 && Double.isFinite(fpWeight), "fp-weight must be >= 0, got " + fpWeight);
    require(fpProbes >= 0, "fp-probes must be >= 0, got " + fpProbes);
    require(augmentedDim == 0 || augmentedDim >= 1 && Double.isFinite(augmentedDim),
        "augmented-dim must be >= 1 (or 0 for infinity), got " + augmentedDim);
    require(augmentedDim == 0 || objective == Objective.PFGMPP,
        "augmented-dim applies to the pfgmpp objective, not " + objective.cliName());
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * The network config as a {@link MlpConfig}, for the features that exist only for the MLP (the
   * Fokker-Planck jet, stochastic interpolants); a clear error for any other network.
   */
  public MlpConfig mlp() {
    if (network instanceof MlpConfig m) {
      return m;
    }
    throw new IllegalArgumentException("this feature needs the time-mlp network; the run uses '" + network.type() + "'");
  }

  /** The path object. */
  public GaussianPath gaussianPath() {
    return Paths.create(path, pathOptions);
  }

  /** A copy with another step budget (the only field a resumed run may change). */
  public TrainConfig withSteps(long newSteps) {
    return new TrainConfig(data, network, objective, path, pathOptions, weighting, timeSampling, sigmaData, newSteps,
        batch, lr, warmupSteps, minLrRatio, beta1, beta2, adamEps, weightDecay, clipNorm, emaDecay, classDropout, seed,
        checkpointEvery, keepCheckpoints, fpWeight, fpProbes, augmentedDim);
  }

  /** The training noise and sampling prior: PFGM++ with D = augmentedDim for that objective, else N(0, I). */
  public NoiseKernel noise() {
    return new NoiseKernel(network.dim(), augmentedDim);
  }

  /** Learning rate for step k (0-based): linear warm-up, then cosine decay to lr * minLrRatio. */
  public double learningRate(long k) {
    if (k < warmupSteps) {
      return lr * (k + 1) / warmupSteps;
    }
    long decaySteps = Math.max(1, steps - warmupSteps);
    double progress = Math.min(1.0, (double) (k - warmupSteps) / decaySteps);
    double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
    return lr * (minLrRatio + (1 - minLrRatio) * cosine);
  }

  /** EMA decay at step k: min(emaDecay, (1 + k)/(10 + k)), the warm-up of TensorFlow's ExponentialMovingAverage. */
  public double emaDecayAt(long k) {
    return Math.min(emaDecay, (1.0 + k) / (10.0 + k));
  }

  public static Builder builder(int dim) {
    return new Builder(dim);
  }

  /** This config as a builder (to change a few fields). */
  public Builder toBuilder() {
    Builder b = new Builder(network.dim());
    b.data = data;
    b.network = network;
    b.objective = objective;
    b.path = path;
    b.pathOptions = pathOptions;
    b.weighting = weighting;
    b.timeSampling = timeSampling;
    b.sigmaData = sigmaData;
    b.steps = steps;
    b.batch = batch;
    b.lr = lr;
    b.warmupSteps = warmupSteps;
    b.minLrRatio = minLrRatio;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.adamEps = adamEps;
    b.weightDecay = weightDecay;
    b.clipNorm = clipNorm;
    b.emaDecay = emaDecay;
    b.classDropout = classDropout;
    b.seed = seed;
    b.checkpointEvery = checkpointEvery;
    b.keepCheckpoints = keepCheckpoints;
    b.fpWeight = fpWeight;
    b.fpProbes = fpProbes;
    b.augmentedDim = augmentedDim;
    return b;
  }

  /** Builder with the defaults of {@code d4j train}. */
  public static final class Builder {
    private String data = "unnamed";
    private NetworkConfig network;
    private Objective objective = Objective.FLOW;
    private String path = "cond-ot";
    private Map<String, String> pathOptions = Map.of();
    private Weighting weighting;
    private TimeSampling timeSampling = TimeSampling.UNIFORM;
    private double sigmaData = 1;
    private long steps = 5000;
    private int batch = 512;
    private double lr = 2e-3;
    private long warmupSteps = 100;
    private double minLrRatio = 0.05;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double adamEps = 1e-8;
    private double weightDecay = 0;
    private double clipNorm = 1;
    private double emaDecay = 0.999;
    private double classDropout = 0.1;
    private long seed = 0;
    private long checkpointEvery = 1000;
    private int keepCheckpoints = 2;
    private double fpWeight = 0;
    private int fpProbes = 0;
    private double augmentedDim = 0;

    private Builder(int dim) {
      this.network = MlpConfig.defaults(dim);
    }

    public Builder data(String v) { this.data = v; return this; }
    public Builder network(NetworkConfig v) { this.network = v; return this; }
    public Builder objective(Objective v) { this.objective = v; return this; }
    public Builder path(String name) { this.path = name; return this; }
    public Builder pathOptions(Map<String, String> v) { this.pathOptions = v; return this; }
    public Builder weighting(Weighting v) { this.weighting = v; return this; }
    public Builder timeSampling(TimeSampling v) { this.timeSampling = v; return this; }
    public Builder sigmaData(double v) { this.sigmaData = v; return this; }
    public Builder steps(long v) { this.steps = v; return this; }
    public Builder batch(int v) { this.batch = v; return this; }
    public Builder lr(double v) { this.lr = v; return this; }
    public Builder warmupSteps(long v) { this.warmupSteps = v; return this; }
    public Builder minLrRatio(double v) { this.minLrRatio = v; return this; }
    public Builder betas(double b1, double b2) { this.beta1 = b1; this.beta2 = b2; return this; }
    public Builder adamEps(double v) { this.adamEps = v; return this; }
    public Builder weightDecay(double v) { this.weightDecay = v; return this; }
    public Builder clipNorm(double v) { this.clipNorm = v; return this; }
    public Builder emaDecay(double v) { this.emaDecay = v; return this; }
    public Builder classDropout(double v) { this.classDropout = v; return this; }
    public Builder seed(long v) { this.seed = v; return this; }
    public Builder checkpointEvery(long v) { this.checkpointEvery = v; return this; }
    public Builder keepCheckpoints(int v) { this.keepCheckpoints = v; return this; }
    public Builder fpWeight(double v) { this.fpWeight = v; return this; }
    public Builder fpProbes(int v) { this.fpProbes = v; return this; }
    /** PFGM++ augmented dimensions D (objective pfgmpp only); 0 = infinity (the EDM limit), the default. */
    public Builder augmentedDim(double v) { this.augmentedDim = v; return this; }

    public TrainConfig build() {
      Weighting w = weighting != null ? weighting
          : objective == Objective.INTERPOLANT_SCORE ? Weighting.SIGMA2 : Weighting.NONE;
      return new TrainConfig(data, network, objective, path, pathOptions, w, timeSampling, sigmaData, steps, batch,
          lr, warmupSteps, minLrRatio, beta1, beta2, adamEps, weightDecay, clipNorm, emaDecay, classDropout, seed,
          checkpointEvery, keepCheckpoints, fpWeight, fpProbes, augmentedDim);
    }
  }

  // ---- JSON (through the one record helper; the network by its registry codec) ----

  static {
    JsonRecords.register(NetworkConfig.class, new JsonRecords.Codec<>() {
      @Override
      public String toJson(NetworkConfig value) {
        return Networks.toJson(value);
      }

      @Override
      public NetworkConfig fromJson(Map<?, ?> m, String field) {
        return Networks.fromJson(m, field);
      }
    });
  }

  /** Fields that older files may lack, with the value they then take. */
  private static final Map<String, Object> DEFAULTS = Map.of("fpWeight", 0.0, "fpProbes", 0, "augmentedDim", 0.0);

  /** JSON object text (every component by name, in declaration order). */
  public String toJson() {
    return JsonRecords.toJson(this) + "\n";
  }

  /** Parses {@link #toJson()} output; errors name the field. Files without fpWeight/fpProbes/augmentedDim read them as 0. */
  public static TrainConfig fromJson(String text) {
    return fromJson(Json.parse(text), "");
  }

  /** Parses an already parsed JSON object; {@code context} prefixes field names in errors. */
  public static TrainConfig fromJson(Object parsed, String context) {
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("training config must be a JSON object");
    }
    return JsonRecords.fromJson(TrainConfig.class, m, context, DEFAULTS);
  }

  /**
   * The fields in which {@code other} differs from this config, ignoring {@code steps} and
   * {@code checkpointEvery} (which a resumed run may change); empty when compatible.
   */
  public List<String> differences(TrainConfig other) {
    List<String> diffs = new ArrayList<>();
    Map<?, ?> a = (Map<?, ?>) Json.parse(toJson());
    Map<?, ?> b = (Map<?, ?>) Json.parse(other.toJson());
    java.util.Set<Object> keys = new java.util.LinkedHashSet<>(a.keySet());
    keys.addAll(b.keySet());
    for (Object key : keys) {
      if (key.equals("steps") || key.equals("checkpointEvery") || key.equals("keepCheckpoints")) {
        continue;
      }
      if (!java.util.Objects.equals(a.get(key), b.get(key))) {
        diffs.add(key + " (checkpoint " + a.get(key) + ", requested " + b.get(key) + ")");
      }
    }
    return diffs;
  }
}
