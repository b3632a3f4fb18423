package org.diffusion4j.interpolant;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds interpolants by name with string options (for the CLI and JSON specs), mirroring
 * {@link org.diffusion4j.path.Paths#create}.
 */
public final class Interpolants {
  private static final List<String> NAMES =
      List.of("linear", "trig", "encoder-decoder", "one-sided-linear", "one-sided-trig", "mirror");
  private static final List<String> GAMMAS = List.of("zero", "sqrt", "sin2");

  private Interpolants() {}

  /** The names {@link #create} accepts. */
  public static List<String> names() {
    return NAMES;
  }

  /**
   * An interpolant by name. Options: {@code gamma} = zero | sqrt | sin2 (default sqrt for linear,
   * trig and mirror; fixed for the others) and {@code a} (default 2) for gamma = sqrt(a t (1 - t)).
   *
   * @throws IllegalArgumentException for an unknown name, option or value
   */
  public static Interpolant create(String name, Map<String, String> options) {
    if (name == null) {
      throw new IllegalArgumentException("interpolant name is missing; expected one of " + String.join(", ", NAMES));
    }
    Map<String, String> o = options == null ? Map.of() : options;
    Set<String> extra = new TreeSet<>(o.keySet());
    extra.removeAll(Set.of("gamma", "a"));
    if (!extra.isEmpty()) {
      throw new IllegalArgumentException("interpolant " + name + " does not take option(s) " + extra);
    }
    boolean fixedGamma = !name.equals("linear") && !name.equals("trig") && !name.equals("mirror");
    if (fixedGamma && (o.containsKey("gamma") || o.containsKey("a"))) {
      throw new IllegalArgumentException("interpolant " + name + " has a fixed gamma; options gamma and a do not apply");
    }
    return switch (name) {
      case "linear" -> Interpolant.linear(gamma(name, o));
      case "trig" -> Interpolant.trigonometric(gamma(name, o));
      case "mirror" -> Interpolant.mirror(gamma(name, o));
      case "encoder-decoder" -> Interpolant.encoderDecoder();
      case "one-sided-linear" -> Interpolant.oneSidedLinear();
      case "one-sided-trig" -> Interpolant.oneSidedTrigonometric();
      default -> throw new IllegalArgumentException(
          "unknown interpolant '" + name + "'; expected one of " + String.join(", ", NAMES));
    };
  }

  private static Gamma gamma(String name, Map<String, String> o) {
    String g = o.getOrDefault("gamma", "sqrt").trim();
    if (o.containsKey("a") && !g.equals("sqrt")) {
      throw new IllegalArgumentException("interpolant " + name + ": option a applies only to gamma=sqrt");
    }
    return switch (g) {
      case "zero" -> Gamma.zero();
      case "sin2" -> Gamma.sinSquared();
      case "sqrt" -> {
        String a = o.getOrDefault("a", "2");
        double v;
        try {
          v = Double.parseDouble(a.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("interpolant " + name + ": option a is not a number: '" + a + "'");
        }
        yield Gamma.sqrtBridge(v);
      }
      default -> throw new IllegalArgumentException("interpolant " + name + ": unknown gamma '" + g + "'; expected one of "
          + String.join(", ", GAMMAS));
    };
  }
}
