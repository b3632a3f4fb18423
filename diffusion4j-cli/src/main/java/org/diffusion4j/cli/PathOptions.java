package org.diffusion4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import picocli.CommandLine.Option;

/** The {@code --path} option group shared by commands that need a Gaussian path. */
public final class PathOptions {
  @Option(names = "--path", defaultValue = "vp-linear", paramLabel = "NAME",
      description = "Gaussian path: vp-linear, vp-cosine, discrete, ve, sub-vp, edm, cond-ot, trig (default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--beta-min", paramLabel = "B", description = "vp-linear / sub-vp beta_min.")
  Double betaMin;

  @Option(names = "--beta-max", paramLabel = "B", description = "vp-linear / sub-vp beta_max.")
  Double betaMax;

  @Option(names = "--sigma-min", paramLabel = "S", description = "ve / edm sigma_min.")
  Double sigmaMin;

  @Option(names = "--sigma-max", paramLabel = "S", description = "ve / edm sigma_max.")
  Double sigmaMax;

  @Option(names = "--path-option", paramLabel = "KEY=VALUE", description = "Any other path option, e.g. s=0.008.")
  Map<String, String> extra = new LinkedHashMap<>();

  /** The path with the given options (errors name the bad option). */
  public GaussianPath create() {
    Map<String, String> o = new LinkedHashMap<>(extra);
    put(o, "beta-min", betaMin);
    put(o, "beta-max", betaMax);
    put(o, "sigma-min", sigmaMin);
    put(o, "sigma-max", sigmaMax);
    return Paths.create(name, o);
  }

  private static void put(Map<String, String> o, String key, Double v) {
    if (v != null) {
      o.put(key, Double.toString(v));
    }
  }
}
