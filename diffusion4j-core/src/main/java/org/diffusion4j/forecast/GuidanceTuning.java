package org.diffusion4j.forecast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;
import org.diffusion4j.sampler.NonFiniteModelOutputException;

/**
 * Chooses the self-guidance energy and scale per dataset on a validation block of rolling origins
 * that lies strictly before the test origins, so that no test value is seen.
 *
 * <p>TSDiff picks its scale per dataset by hand (configs/guidance/*.yaml: 1 for KDD, 2 for M4, Uber
 * and Wikipedia, 4 for electricity and traffic, 8 for solar and exchange). Here the choice is made
 * by the mean weighted quantile loss on V validation origins, one horizon apart, the last of whose
 * horizons ends at the first test origin: the validation block is {@code new RollingOrigin(
 * firstTestOrigin, H, V)}, and the forecasts are scored on the series cut at the first test origin.
 * A model used here must be trained on values before the first <em>validation</em> origin
 * ({@code d4j forecast train --val-origins V}) for the validation scores to be out of sample.
 */
public final class GuidanceTuning {
  private GuidanceTuning() {}

  /** One guidance setting to try: the energy and the scale s. */
  public record Candidate(SelfGuidance.Loss loss, double scale) {
    public Candidate {
      if (!(scale >= 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("guidance scale must be finite and >= 0, got " + scale);
      }
    }

    @Override
    public String toString() {
      return loss.name().toLowerCase(java.util.Locale.ROOT) + ":" + scale;
    }
  }

  /**
   * The chosen setting, as written to a run directory.
   *
   * @param loss the chosen energy
   * @param scale the chosen scale
   * @param validationOrigins V, the number of validation origins
   * @param firstValidationOrigin index of the first validation origin
   * @param samples sample paths per origin used for the choice
   * @param validationWql the chosen setting's mean wQL on the validation block
   */
  public record Choice(SelfGuidance.Loss loss, double scale, int validationOrigins, int firstValidationOrigin,
      int samples, double validationWql) {}

  /**
   * A candidate's validation scores and forecast wall time; {@code failure} is null, or the message
   * of a sampling run that produced non-finite values (its scores are then NaN).
   */
  public record Trial(Candidate candidate, ForecastMetrics.Scores scores, long nanos, String failure) {}

  /** The outcome: every trial in candidate order, and the index of the best one. */
  public record Result(List<Trial> trials, int best) {
    public Trial bestTrial() {
      return trials.get(best);
    }
  }

  /** TSDiff's published per-dataset scales, each with quantile guidance, plus MSE guidance at scale 1. */
  public static final String DEFAULT_CANDIDATES = "quantile:1,quantile:2,quantile:4,quantile:8,mse:1";

  /**
   * Parses {@code loss:scale} items separated by commas, e.g. {@code quantile:2,quantile:8,mse:1}.
   *
   * @throws IllegalArgumentException for an empty list, an item without ':' , an unknown loss or a
   *     bad scale
   */
  public static List<Candidate> parse(String text) {
    List<Candidate> out = new ArrayList<>();
    for (String item : text.split(",")) {
      String t = item.trim();
      int colon = t.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("guidance candidate must be loss:scale (e.g. quantile:4), got '" + t + "'");
      }
      double scale;
      try {
        scale = Double.parseDouble(t.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("guidance candidate scale must be a number, got '" + t + "'");
      }
      out.add(new Candidate(SelfGuidance.Loss.parse(t.substring(0, colon)), scale));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("need at least one guidance candidate");
    }
    return out;
  }

  /**
   * The validation block of {@code test}: V origins one horizon apart, the last horizon ending at
   * the first test origin.
   *
   * @throws IllegalArgumentException if V < 1 or the block does not fit before the first test origin
   */
  public static RollingOrigin validationBlock(RollingOrigin test, int validationOrigins) {
    if (validationOrigins < 1) {
      throw new IllegalArgumentException("validation origins must be >= 1, got " + validationOrigins);
    }
    return new RollingOrigin(test.firstOrigin(), test.horizon(), validationOrigins);
  }

  /**
   * Scores every candidate on {@code validation} and returns the one with the lowest mean wQL
   * (the first on ties; a candidate whose sampling run produced non-finite values, or whose scores
   * are NaN, is never chosen unless all are). {@code forecasts} maps a candidate and the histories before each
   * validation origin to forecasts (origins, samples, horizon); it is only given values before
   * the first test origin, i.e. {@code values[0, validation.length())}.
   *
   * @param values the whole series; only its first {@code validation.length()} values are used
   */
  public static Result tune(List<Candidate> candidates, RollingOrigin validation, double[] values, int season,
      BiFunction<Candidate, double[][], double[][][]> forecasts) {
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("need at least one guidance candidate");
    }
    if (values.length < validation.length()) {
      throw new IllegalArgumentException("series has " + values.length + " values, the validation block needs "
          + validation.length());
    }
    double[] seen = Arrays.copyOf(values, validation.length());
    double[][] histories = new double[validation.origins()][];
    for (int k = 0; k < validation.origins(); k++) {
      histories[k] = Arrays.copyOf(seen, validation.origin(k));
    }
    List<Trial> trials = new ArrayList<>();
    int best = 0;
    for (int i = 0; i < candidates.size(); i++) {
      long t0 = System.nanoTime();
      ForecastMetrics.Scores s;
      String failure = null;
      try {
        s = validation.score(forecasts.apply(candidates.get(i), histories), seen, season);
      } catch (NonFiniteModelOutputException e) {
        // strong guidance can blow a sampling run up; that candidate is out, the others are still tried
        s = new ForecastMetrics.Scores(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        failure = e.getMessage();
      }
      trials.add(new Trial(candidates.get(i), s, System.nanoTime() - t0, failure));
      double bestWql = trials.get(best).scores().wql();
      if (!Double.isNaN(s.wql()) && (Double.isNaN(bestWql) || s.wql() < bestWql)) {
        best = i;
      }
    }
    return new Result(List.copyOf(trials), best);
  }
}
