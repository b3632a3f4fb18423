package org.diffusion4j.nn.interpolant;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.diffusion4j.interpolant.Interpolant;
import org.diffusion4j.interpolant.Interpolants;
import org.diffusion4j.interpolant.coupling.Coupling;
import org.diffusion4j.interpolant.coupling.Couplings;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.train.TrainConfig;

/**
 * Everything that determines a two-sided interpolant training run (Albergo, Boffi &amp;
 * Vanden-Eijnden 2023, "Stochastic Interpolants"): the interpolant x_t = alpha x0 + beta x1 +
 * gamma z ({@link Interpolants#create}), the end points (source {@code gaussian} or a data set,
 * target a data set), how x0 and x1 are coupled, whether a score network is learned next to the
 * velocity and with which objective (denoiser eta_z or score s), the training-time margin, and the network / optimiser settings,
 * reused from {@link TrainConfig} (its path and objective fields are unused here). Stored as
 * {@code interpolant.json} in the run folder.
 *
 * @param interpolant interpolant name for {@link Interpolants#create}
 * @param interpolantOptions its options (gamma, a)
 * @param source {@code gaussian} (x0 ~ N(0, I)) or a data-set spec
 * @param target a data-set spec
 * @param coupling {@code independent}, {@code paired} or {@code ot} (exact minibatch OT)
 * @param learnScore whether to learn a second network for the score as well (needed for the SDEs)
 * @param scoreObjective how that network is trained: {@code denoiser} (default: eta_z with L_eta,
 *     s = -eta / gamma) or {@code score} (s directly with L_s); see {@link InterpolantTrainer}.
 *     Stored runs without the field are {@code denoiser} runs. Kept (unused) when
 *     {@code learnScore} is false, so that derived runs (reflow, resume) carry it.
 * @param timeMargin training times are uniform on [timeMargin, 1 - timeMargin]
 * @param train network, steps, batch, optimiser, EMA, seed, checkpoint cadence
 */
public record InterpolantTrainConfig(String interpolant, Map<String, String> interpolantOptions, String source,
    String target, String coupling, boolean learnScore, String scoreObjective, double timeMargin, TrainConfig train) {
  /** The couplings by name. */
  public static final List<String> COUPLINGS = List.of("independent", "paired", "ot");
  /** The second network's objectives by name: the denoiser eta_z (default) or the score s itself. */
  public static final List<String> SCORE_OBJECTIVES = List.of("denoiser", "score");
  /** The default of {@link #scoreObjective()}: today's (and every older run's) behaviour. */
  public static final String DENOISER = "denoiser";
  /** {@link #scoreObjective()} value that trains s directly with L_s. */
  public static final String SCORE = "score";

  /** A configuration whose score network (if any) is the denoiser eta_z ({@code scoreObjective = "denoiser"}). */
  public InterpolantTrainConfig(String interpolant, Map<String, String> interpolantOptions, String source, String target,
      String coupling, boolean learnScore, double timeMargin, TrainConfig train) {
    this(interpolant, interpolantOptions, source, target, coupling, learnScore, DENOISER, timeMargin, train);
  }

  public InterpolantTrainConfig {
    if (scoreObjective == null || !SCORE_OBJECTIVES.contains(scoreObjective)) {
      throw new IllegalArgumentException("unknown scoreObjective '" + scoreObjective + "'; expected one of "
          + String.join(", ", SCORE_OBJECTIVES));
    }
    interpolantOptions = Map.copyOf(new TreeMap<>(interpolantOptions));
    Interpolant it = Interpolants.create(interpolant, interpolantOptions);
    if (!COUPLINGS.contains(coupling)) {
      throw new IllegalArgumentException("unknown coupling '" + coupling + "'; expected one of " + String.join(", ", COUPLINGS));
    }
    if (source == null || source.isBlank() || target == null || target.isBlank()) {
      throw new IllegalArgumentException("interpolant training needs a source and a target");
    }
    if (!(timeMargin >= 0 && timeMargin < 0.5)) {
      throw new IllegalArgumentException("time margin must be in [0, 0.5), got " + timeMargin);
    }
    if (coupling.equals("paired") && isGaussian(source)) {
      throw new IllegalArgumentException("coupling 'paired' needs a data source paired row by row with the target, not gaussian");
    }
    if (learnScore && it.gamma() instanceof org.diffusion4j.interpolant.Gamma.Zero
        && !(isGaussian(source) && coupling.equals("independent"))) {
      throw new IllegalArgumentException("interpolant " + interpolant + " has gamma = 0: its score can be learned only"
          + " from a gaussian source with independent coupling; choose a gamma > 0 or do not learn the score");
    }
    if (learnScore && scoreObjective.equals(SCORE) && !(timeMargin > 0)) {
      throw new IllegalArgumentException("scoreObjective 'score' needs a time margin > 0: its target -z/gamma is"
          + " infinite at the end points");
    }
    if (it.gaussianSource() && !isGaussian(source)) {
      throw new IllegalArgumentException("one-sided interpolant " + interpolant + " needs --source gaussian");
    }
  }

  static boolean isGaussian(String spec) {
    return spec.equals("gaussian");
  }

  /** Whether x0 ~ N(0, I). */
  public boolean gaussianSource() {
    return isGaussian(source);
  }

  /** The interpolant object. */
  public Interpolant interpolantObject() {
    return Interpolants.create(interpolant, interpolantOptions);
  }

  /** Whether the score network outputs s itself (L_s) rather than the denoiser eta_z (L_eta). */
  public boolean learnsScoreDirectly() {
    return scoreObjective.equals(SCORE);
  }

  /** The coupling object (core {@link Couplings}). */
  public Coupling couplingObject() {
    return switch (coupling) {
      case "independent" -> Couplings.independent();
      case "paired" -> Couplings.paired();
      case "ot" -> Couplings.exactOt();
      default -> throw new IllegalStateException(coupling);
    };
  }

  /** A copy with another step budget. */
  public InterpolantTrainConfig withTrain(TrainConfig t) {
    return new InterpolantTrainConfig(interpolant, interpolantOptions, source, target, coupling, learnScore,
        scoreObjective, timeMargin, t);
  }

  /** JSON object text (through the one record helper); the TrainConfig is embedded under {@code train}. */
  public String toJson() {
    return JsonRecords.toJson(this) + "\n";
  }

  /** Parses {@link #toJson()}; errors name the field. A missing {@code scoreObjective} (older runs) is {@code denoiser}. */
  public static InterpolantTrainConfig fromJson(String text) {
    if (!(Json.parse(text) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("interpolant config must be a JSON object");
    }
    return JsonRecords.fromJson(InterpolantTrainConfig.class, m, "", Map.of("scoreObjective", DENOISER));
  }
}
