package org.diffusion4j.cli;

import java.util.Locale;
import org.diffusion4j.sampler.DpmSolverSinglestep;
import org.diffusion4j.sampler.LowerOrderFinal;
import org.diffusion4j.sampler.ModelEvaluator;
import org.diffusion4j.sampler.MultistepSampler;
import org.diffusion4j.sampler.PredictorCorrector;
import org.diffusion4j.sampler.SamplerOptions;
import org.diffusion4j.sampler.TimeGrid;
import picocli.CommandLine.Option;

/** Sampler and time-grid options shared by {@code d4j sample} and {@code d4j bench samplers}. */
public final class SolverOptions {
  @Option(names = "--order", paramLabel = "K", description = "Override the solver's order (1-3). Default: the order in its name; 3 for dpm-solver-fast"
      + " and dpm-solver-adaptive, 2 for dpm-solver-v3.")
  int order;

  @Option(names = "--eta", paramLabel = "ETA", description = "Noise level of stochastic solvers (default 1).")
  Double eta;

  @Option(names = "--churn", paramLabel = "S", description = "Heun: EDM S_churn (default 0 = deterministic).")
  double churn;

  @Option(names = "--s-tmin", paramLabel = "S", description = "Heun churn: S_tmin (noise level sigma/alpha).")
  double sTmin;

  @Option(names = "--s-tmax", paramLabel = "S", description = "Heun churn: S_tmax.")
  double sTmax = Double.POSITIVE_INFINITY;

  @Option(names = "--s-noise", paramLabel = "S", description = "Heun churn: S_noise (default 1).")
  double sNoise = 1;

  @Option(names = "--lower-order-final", paramLabel = "RULE", defaultValue = "auto",
      description = "When multistep solvers lower the order of their last steps: auto (each solver's reference code:"
          + " DPM-Solver(++) below 10 steps on diffusion paths and below 15 on flows, UniPC always, DEIS/v3 below 15),"
          + " never, always, below:N"
          + " (default ${DEFAULT-VALUE}).")
  String lowerOrderFinal;

  @Option(names = "--no-lower-order-final", description = "Same as --lower-order-final never.")
  boolean noLowerOrderFinal;

  @Option(names = "--singlestep-points", paramLabel = "official|lambda", defaultValue = "official",
      description = "Singlestep DPM-Solver(++) on non-logSNR grids: official (dpm_solver_pytorch.py: evaluate on the"
          + " NFE-step grid) or lambda (fixed lambda fractions inside each step) (default ${DEFAULT-VALUE}).")
  String singlestepPoints;

  @Option(names = "--unic", paramLabel = "bh1|bh2", description = "Apply the UniC corrector after DPM-Solver/DEIS multistep steps.")
  String uniC;

  @Option(names = "--rtol", paramLabel = "TOL", description = "Adaptive solver relative tolerance (default 0.05).")
  double rtol = 0.05;

  @Option(names = "--atol", paramLabel = "TOL", description = "Adaptive solver absolute tolerance (default 0.0078).")
  double atol = 0.0078;

  @Option(names = "--snr", paramLabel = "R", description = "pc: Langevin signal-to-noise ratio (default 0.16).")
  double snr = 0.16;

  @Option(names = "--corrector-steps", paramLabel = "M", description = "pc: Langevin steps per step (default 1).")
  int correctorSteps = 1;

  @Option(names = "--predictor", paramLabel = "KIND", description = "pc predictor: reverse-diffusion or euler-maruyama.")
  String predictor = "reverse-diffusion";

  @Option(names = "--reference-3m", description = "Third-order multistep DPM-Solver(++) with the reference code's"
      + " D2 weighting (reproduces dpm_solver_pytorch.py/diffusers samples; only second-order accurate).")
  boolean reference3m;

  @Option(names = "--thresholding", paramLabel = "RATIO:MAX",
      description = "Dynamic thresholding of data predictions, e.g. 0.995:1.5.")
  String thresholding;

  @Option(names = "--grid", defaultValue = "auto", paramLabel = "SPACING",
      description = "Time grid: uniform, logsnr, time-quadratic, karras, or auto: chosen per path, solver and NFE"
          + " from measurements (docs/fast-samplers.md) (default ${DEFAULT-VALUE}).")
  String grid;

  @Option(names = "--rho", paramLabel = "RHO", description = "Karras grid rho (default 7).")
  double rho = TimeGrid.DEFAULT_RHO;

  @Option(names = "--t-start", paramLabel = "T", description = "Start time (noise end); default the path's tMax (1e-3 inside it where alpha(tMax) = 0).")
  Double tStart;

  @Option(names = "--t-end", paramLabel = "T", description = "End time (data end); default the path's tMin (1e-3 inside it where sigma(tMin) = 0, e.g. VP).")
  Double tEnd;

  /** The spacing, or null for auto ({@link org.diffusion4j.sampler.Sampling#defaultSpacing}). */
  TimeGrid.Spacing spacing() {
    return grid.trim().equalsIgnoreCase("auto") ? null : TimeGrid.Spacing.parse(grid);
  }

  ModelEvaluator.Thresholding thresholding() {
    if (thresholding == null) {
      return null;
    }
    String[] p = thresholding.split(":");
    if (p.length != 2) {
      throw new UsageException("--thresholding must be RATIO:MAX, e.g. 0.995:1.5, got '" + thresholding + "'");
    }
    try {
      return new ModelEvaluator.Thresholding(Double.parseDouble(p[0]), Double.parseDouble(p[1]));
    } catch (NumberFormatException e) {
      throw new UsageException("--thresholding must be RATIO:MAX with numbers, got '" + thresholding + "'");
    }
  }

  LowerOrderFinal lowerOrderFinalRule() {
    LowerOrderFinal rule;
    try {
      rule = LowerOrderFinal.parse(lowerOrderFinal);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    if (noLowerOrderFinal && rule != LowerOrderFinal.AUTO && rule != LowerOrderFinal.NEVER) {
      throw new UsageException("--no-lower-order-final contradicts --lower-order-final " + rule);
    }
    return noLowerOrderFinal ? LowerOrderFinal.NEVER : rule;
  }

  SamplerOptions samplerOptions() {
    SamplerOptions.Builder b = SamplerOptions.builder().order(order).churn(churn, sTmin, sTmax, sNoise)
        .lowerOrderFinal(lowerOrderFinalRule()).referenceThirdOrder(reference3m).tolerances(rtol, atol).snr(snr).correctorSteps(correctorSteps);
    if (eta != null) {
      b.eta(eta);
    }
    if (uniC != null) {
      switch (uniC.toLowerCase(Locale.ROOT)) {
        case "bh1" -> b.uniC(MultistepSampler.Bh.BH1);
        case "bh2" -> b.uniC(MultistepSampler.Bh.BH2);
        default -> throw new UsageException("--unic must be bh1 or bh2, got '" + uniC + "'");
      }
    }
    switch (singlestepPoints.toLowerCase(Locale.ROOT)) {
      case "official" -> b.singlestepPoints(DpmSolverSinglestep.InnerPoints.OFFICIAL);
      case "lambda" -> b.singlestepPoints(DpmSolverSinglestep.InnerPoints.LAMBDA_FRACTIONS);
      default -> throw new UsageException("--singlestep-points must be official or lambda, got '" + singlestepPoints + "'");
    }
    switch (predictor.toLowerCase(Locale.ROOT)) {
      case "reverse-diffusion" -> b.predictor(PredictorCorrector.Predictor.REVERSE_DIFFUSION);
      case "euler-maruyama" -> b.predictor(PredictorCorrector.Predictor.EULER_MARUYAMA);
      default -> throw new UsageException("--predictor must be reverse-diffusion or euler-maruyama, got '" + predictor + "'");
    }
    return b.build();
  }
}
