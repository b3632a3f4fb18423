package org.diffusion4j.path;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds paths by name, with options as strings (the CLI and JSON specs use this). */
public final class Paths {
  private static final List<String> NAMES =
      List.of("vp-linear", "vp-cosine", "discrete", "ve", "sub-vp", "edm", "cond-ot", "trig");

  private Paths() {}

  /** The names {@link #create} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * A path by name. Options (all optional): {@code beta-min, beta-max} (vp-linear, sub-vp),
   * {@code s} (vp-cosine), {@code sigma-min, sigma-max} (ve, edm), {@code steps, schedule
   * (linear|scaled-linear), beta-start, beta-end} (discrete).
   *
   * @throws IllegalArgumentException for an unknown name or option, or a bad value
   */
  public static GaussianPath create(String name, Map<String, String> options) {
    if (name == null) {
      throw new IllegalArgumentException("path name is missing; expected one of " + String.join(", ", NAMES));
    }
    Opts o = new Opts(name, options);
    GaussianPath p;
    switch (name) {
      case "vp-linear" -> p = new VpLinearPath(o.num("beta-min", VpLinearPath.DEFAULT_BETA_MIN),
          o.num("beta-max", VpLinearPath.DEFAULT_BETA_MAX));
      case "sub-vp" -> p = new SubVpPath(o.num("beta-min", VpLinearPath.DEFAULT_BETA_MIN),
          o.num("beta-max", VpLinearPath.DEFAULT_BETA_MAX));
      case "vp-cosine" -> p = new VpCosinePath(o.num("s", VpCosinePath.DEFAULT_S));
      case "ve" -> p = new VePath(o.num("sigma-min", VePath.DEFAULT_SIGMA_MIN),
          o.num("sigma-max", VePath.DEFAULT_SIGMA_MAX));
      case "edm" -> p = new EdmPath(o.num("sigma-min", EdmPath.DEFAULT_SIGMA_MIN),
          o.num("sigma-max", EdmPath.DEFAULT_SIGMA_MAX));
      case "cond-ot" -> p = new CondOtPath();
      case "trig" -> p = new TrigPath();
      case "discrete" -> {
        String schedule = o.str("schedule", "linear");
        double steps = o.num("steps", 1000);
        if (steps != Math.rint(steps)) {
          throw new IllegalArgumentException("discrete path: steps must be an integer, got " + steps);
        }
        switch (schedule) {
          case "linear" -> p = DiscreteDdpmPath.linear((int) steps, o.num("beta-start", 1e-4), o.num("beta-end", 0.02));
          case "scaled-linear" -> p = DiscreteDdpmPath.scaledLinear((int) steps,
              o.num("beta-start", 0.00085), o.num("beta-end", 0.012));
          default -> throw new IllegalArgumentException(
              "unknown discrete schedule '" + schedule + "'; expected linear or scaled-linear");
        }
      }
      default -> throw new IllegalArgumentException(
          "unknown path '" + name + "'; expected one of " + String.join(", ", NAMES));
    }
    o.checkAllUsed();
    return p;
  }

  /** Tracks which options were read so unknown ones are reported, not ignored. */
  private static final class Opts {
    private final String path;
    private final Map<String, String> options;
    private final java.util.HashSet<String> used = new java.util.HashSet<>();

    Opts(String path, Map<String, String> options) {
      this.path = path;
      this.options = options == null ? Map.of() : options;
    }

    double num(String key, double def) {
      used.add(key);
      String v = options.get(key);
      if (v == null) {
        return def;
      }
      try {
        return Double.parseDouble(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("path " + path + ": option " + key + " is not a number: '" + v + "'");
      }
    }

    String str(String key, String def) {
      used.add(key);
      return options.getOrDefault(key, def);
    }

    void checkAllUsed() {
      Set<String> extra = new java.util.TreeSet<>(options.keySet());
      extra.removeAll(used);
      if (!extra.isEmpty()) {
        throw new IllegalArgumentException("path " + path + " does not take option(s) " + extra);
      }
    }
  }
}
