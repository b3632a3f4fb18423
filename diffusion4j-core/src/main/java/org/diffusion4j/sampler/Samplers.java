package org.diffusion4j.sampler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.diffusion4j.sampler.v3.DpmSolverV3;

/**
 * The registry of samplers by CLI name. Names are lower case with hyphens; a trailing digit is
 * the predictor order, which {@link SamplerOptions#order()} may override (the declared convergence
 * order of the sampler built is {@link Sampler#order()}). To add a sampler, add one
 * {@link #register} line in the static block. A sampler that needs more than the model (e.g.
 * dpm-solver-v3 its {@link SamplerOptions#ems()}) takes it from the options and refuses, with an
 * IllegalArgumentException saying what to supply, when it is missing ({@link #needsEms}).
 */
public final class Samplers {
  private static final Map<String, BiFunction<String, SamplerOptions, Sampler>> REGISTRY = new LinkedHashMap<>();
  private static final Map<String, String> DESCRIPTIONS = new LinkedHashMap<>();

  static {
    register("euler", "Euler on the probability-flow ODE", (n, o) -> new EulerSampler());
    register("ddim", "DDIM (deterministic) = DPM-Solver-1", (n, o) -> new DdimSampler());
    register("heun", "Heun, EDM Alg. 1/2 (churn via S_churn)",
        (n, o) -> new HeunSampler(o.sChurn(), o.sTmin(), o.sTmax(), o.sNoise()));
    for (int k = 1; k <= 3; k++) {
      int order = k;
      register("dpm-solver-" + k, "singlestep DPM-Solver order " + k + " (noise prediction)",
          (n, o) -> new DpmSolverSinglestep(n, ord(o, order), false, o.singlestepPoints()));
    }
    register("dpm-solver-fast", "DPM-Solver-fast: singlestep order-3 mix for the NFE budget",
        (n, o) -> new DpmSolverSinglestep(n, ord(o, 3), false, o.singlestepPoints()));
    for (int k = 1; k <= 3; k++) {
      int order = k;
      register("dpm-solver-multistep-" + k, "multistep DPM-Solver order " + k + " (noise prediction)",
          (n, o) -> new DpmSolverMultistep(n, ord(o, order), false, o.lowerOrderFinal(), o.uniC(),
              o.referenceThirdOrder()));
    }
    register("dpm-solver++-1", "DPM-Solver++ first order (data prediction)",
        (n, o) -> new DpmSolverSinglestep(n, ord(o, 1), true, o.singlestepPoints()));
    register("dpm-solver++-2s", "DPM-Solver++(2S), singlestep",
        (n, o) -> new DpmSolverSinglestep(n, ord(o, 2), true, o.singlestepPoints()));
    register("dpm-solver++-3s", "DPM-Solver++ singlestep order 3",
        (n, o) -> new DpmSolverSinglestep(n, ord(o, 3), true, o.singlestepPoints()));
    register("dpm-solver++-2m", "DPM-Solver++(2M), multistep",
        (n, o) -> new DpmSolverMultistep(n, ord(o, 2), true, o.lowerOrderFinal(), o.uniC(),
            o.referenceThirdOrder()));
    register("dpm-solver++-3m", "DPM-Solver++ multistep order 3",
        (n, o) -> new DpmSolverMultistep(n, ord(o, 3), true, o.lowerOrderFinal(), o.uniC(),
            o.referenceThirdOrder()));
    register("dpm-solver++-2m-sde", "DPM-Solver++(2M) SDE (eta, default 1)",
        (n, o) -> new DpmSolverSde(n, ord(o, 2), eta(o, 1), o.lowerOrderFinal(),
            o.referenceThirdOrder()));
    register("dpm-solver++-3m-sde", "DPM-Solver++(3M) SDE (eta, default 1)",
        (n, o) -> new DpmSolverSde(n, ord(o, 3), eta(o, 1), o.lowerOrderFinal(),
            o.referenceThirdOrder()));
    for (MultistepSampler.Bh bh : MultistepSampler.Bh.values()) {
      for (int k = 1; k <= 3; k++) {
        int order = k;
        String v = bh.name().toLowerCase(java.util.Locale.ROOT);
        register("unipc-" + v + "-" + k, "UniPC " + v + ", UniP-" + k + " + UniC (data prediction)",
            (n, o) -> new UniPc(n, ord(o, order), bh, true, o.lowerOrderFinal()));
      }
    }
    for (int k = 1; k <= 3; k++) {
      int order = k;
      register("deis-" + k, "DEIS tAB order " + k + " (polynomial extrapolation in t)",
          (n, o) -> new DeisMultistep(n, ord(o, order), o.lowerOrderFinal(), o.uniC()));
    }
    register("dpm-solver-v3", "DPM-Solver-v3 (Zheng et al. 2023), multistep order 2 + corrector; needs --ems FILE",
        (n, o) -> {
          if (o.ems() == null) {
            throw new IllegalArgumentException("dpm-solver-v3 needs the model's empirical statistics: "
                + "SamplerOptions.builder().ems(Ems.read(file)) (CLI: --ems FILE, from 'd4j ems')");
          }
          return new DpmSolverV3(o.ems(), ord(o, 2), o.pseudoOrder(), o.v3Corrector(),
              o.lowerOrderFinal().resolve(LowerOrderFinal.DIFFUSERS));
        });
    register("dpm-solver-adaptive", "adaptive DPM-Solver-23 (order 2 gives -12), rtol/atol",
        (n, o) -> new DpmSolverAdaptive(n, ord(o, 3), o.rtol(), o.atol()));
    register("dpm-solver-12", "adaptive DPM-Solver-12", (n, o) -> new DpmSolverAdaptive(n, 2, o.rtol(), o.atol()));
    register("dpm-solver-23", "adaptive DPM-Solver-23", (n, o) -> new DpmSolverAdaptive(n, 3, o.rtol(), o.atol()));
    register("pc", "predictor-corrector: reverse diffusion (or Euler-Maruyama) + Langevin (snr)",
        (n, o) -> new PredictorCorrector(n, o.predictor(), o.snr(), o.correctorSteps()));
    register("euler-maruyama", "Euler-Maruyama on the reverse SDE with noise level eta (default 1)",
        (n, o) -> new EulerMaruyama(n, eta(o, 1)));
    register("euler-ancestral", "ancestral sampling with eta (default 1)", (n, o) -> new EulerAncestral(n, eta(o, 1)));
    register("ddpm", "DDPM ancestral sampling (= euler-ancestral, eta 1)", (n, o) -> new EulerAncestral(n, eta(o, 1)));
    register("consistency", "multistep consistency sampling (Song et al. 2023, Alg. 1), for d4j distill runs",
        (n, o) -> new ConsistencySampler(n));
  }

  private Samplers() {}

  private static void register(String name, String description, BiFunction<String, SamplerOptions, Sampler> f) {
    REGISTRY.put(name, f);
    DESCRIPTIONS.put(name, description);
  }

  private static int ord(SamplerOptions o, int fromName) {
    return o.order() > 0 ? o.order() : fromName;
  }

  private static double eta(SamplerOptions o, double def) {
    return Double.isNaN(o.eta()) ? def : o.eta();
  }

  /** Whether the sampler called {@code name} reads {@link SamplerOptions#eta()} (the stochastic ones). */
  public static boolean takesEta(String name) {
    requireKnown(name);
    return java.util.Set.of("dpm-solver++-2m-sde", "dpm-solver++-3m-sde", "euler-maruyama", "euler-ancestral", "ddpm")
        .contains(name);
  }

  /** Whether the sampler called {@code name} needs {@link SamplerOptions#ems()} (dpm-solver-v3). */
  public static boolean needsEms(String name) {
    requireKnown(name);
    return name.equals("dpm-solver-v3");
  }

  /** All names, in registry order. */
  public static List<String> names() {
    return Collections.unmodifiableList(new ArrayList<>(REGISTRY.keySet()));
  }

  /** A one-line description of a sampler. */
  public static String description(String name) {
    requireKnown(name);
    return DESCRIPTIONS.get(name);
  }

  /** The sampler called {@code name} with default options. */
  public static Sampler create(String name) {
    return create(name, SamplerOptions.defaults());
  }

  /**
   * The sampler called {@code name} with {@code options}.
   *
   * @throws IllegalArgumentException for an unknown name or bad options
   */
  public static Sampler create(String name, SamplerOptions options) {
    requireKnown(name);
    return REGISTRY.get(name).apply(name, options);
  }

  private static void requireKnown(String name) {
    if (!REGISTRY.containsKey(name)) {
      throw new IllegalArgumentException("unknown solver '" + name + "'; 'd4j solvers' lists the " + REGISTRY.size()
          + " known ones, e.g. euler, ddim, heun, dpm-solver++-2m, unipc-bh2-3");
    }
  }
}
