package org.diffusion4j.sde.models;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diffusion4j.sde.Calculus;

/**
 * Registry of built-in SDE models by name, with options as strings (from the CLI):
 * <ul>
 *   <li>{@code gbm}: mu (0.05), sigma (0.2), dim (1), calculus (ito|stratonovich)</li>
 *   <li>{@code ou}: theta (1), mu (0), sigma (1), dim (1)</li>
 *   <li>{@code cir}: kappa (1), theta (0.04), sigma (0.2)</li>
 *   <li>{@code double-well}: sigma (0.5), dim (1)</li>
 *   <li>{@code lorenz}: s (10), rho (28), beta (8/3), a1 (0.1), a2 (0.28), a3 (0.3)</li>
 *   <li>{@code heston}: mu (0.05), kappa (1.5), theta (0.04), xi (0.3), rho (-0.7)</li>
 *   <li>{@code fou}: fractional OU driven by Markov-approximate fBM: theta (1), mu (0), sigma (1),
 *       hurst (0.3), k (5 OU components; state dim 1 + k, X first)</li>
 * </ul>
 */
public final class SdeModels {
  private static final Map<String, Set<String>> OPTIONS = new LinkedHashMap<>();

  static {
    OPTIONS.put("gbm", Set.of("mu", "sigma", "dim", "calculus"));
    OPTIONS.put("ou", Set.of("theta", "mu", "sigma", "dim"));
    OPTIONS.put("cir", Set.of("kappa", "theta", "sigma"));
    OPTIONS.put("double-well", Set.of("sigma", "dim"));
    OPTIONS.put("lorenz", Set.of("s", "rho", "beta", "a1", "a2", "a3"));
    OPTIONS.put("heston", Set.of("mu", "kappa", "theta", "xi", "rho"));
    OPTIONS.put("fou", Set.of("theta", "mu", "sigma", "hurst", "k"));
  }

  private SdeModels() {}

  /** The registered names. */
  public static List<String> names() {
    return List.copyOf(OPTIONS.keySet());
  }

  /** The option names a model accepts. */
  public static Set<String> options(String name) {
    Set<String> s = OPTIONS.get(name);
    if (s == null) {
      throw unknown(name);
    }
    return s;
  }

  /** Builds model {@code name}; unknown names or options are an IllegalArgumentException naming the allowed ones. */
  public static SdeModel create(String name, Map<String, String> options) {
    Set<String> allowed = options(name);
    for (String k : options.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("model " + name + " has no option '" + k + "'; options: "
            + String.join(", ", allowed));
      }
    }
    switch (name) {
      case "gbm":
        return new Gbm(num(options, "mu", 0.05), num(options, "sigma", 0.2), dim(options),
            calculus(options.getOrDefault("calculus", "ito")));
      case "ou":
        return new OrnsteinUhlenbeck(num(options, "theta", 1.0), num(options, "mu", 0.0),
            num(options, "sigma", 1.0), dim(options));
      case "cir":
        return new CoxIngersollRoss(num(options, "kappa", 1.0), num(options, "theta", 0.04), num(options, "sigma", 0.2));
      case "double-well":
        return new DoubleWell(num(options, "sigma", 0.5), dim(options));
      case "lorenz":
        return new StochasticLorenz(num(options, "s", 10), num(options, "rho", 28), num(options, "beta", 8.0 / 3.0),
            num(options, "a1", 0.1), num(options, "a2", 0.28), num(options, "a3", 0.3));
      case "heston":
        return new Heston(num(options, "mu", 0.05), num(options, "kappa", 1.5), num(options, "theta", 0.04),
            num(options, "xi", 0.3), num(options, "rho", -0.7));
      case "fou":
        double k = num(options, "k", 5);
        if (k != Math.rint(k) || k < 1 || k > 40) {
          throw new IllegalArgumentException("model option k must be an integer in [1, 40], got " + options.get("k"));
        }
        return new FractionalOu(num(options, "theta", 1.0), num(options, "mu", 0.0), num(options, "sigma", 1.0),
            num(options, "hurst", 0.3), (int) k);
      default:
        throw unknown(name);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown SDE model '" + name + "'; known: " + String.join(", ", OPTIONS.keySet()));
  }

  private static double num(Map<String, String> o, String key, double def) {
    String v = o.get(key);
    if (v == null) {
      return def;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model option " + key + " must be a number, got '" + v + "'");
    }
  }

  private static int dim(Map<String, String> o) {
    double d = num(o, "dim", 1);
    if (d != Math.rint(d) || d < 1 || d > 1_000_000) {
      throw new IllegalArgumentException("model option dim must be a positive integer, got " + o.get("dim"));
    }
    return (int) d;
  }

  private static Calculus calculus(String s) {
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "ito":
        return Calculus.ITO;
      case "stratonovich":
      case "strat":
        return Calculus.STRATONOVICH;
      default:
        throw new IllegalArgumentException("calculus must be ito or stratonovich, got '" + s + "'");
    }
  }
}
