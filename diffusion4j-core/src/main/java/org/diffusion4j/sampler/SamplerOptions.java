package org.diffusion4j.sampler;

import org.diffusion4j.sampler.v3.DpmSolverV3;
import org.diffusion4j.sampler.v3.Ems;

/**
 * Options of the samplers in {@link Samplers}; each sampler reads the ones it understands. Build
 * with {@link #builder()}; {@link #defaults()} gives every default.
 *
 * @param order overrides the order in the sampler's name (0 = keep the name's order)
 * @param eta noise level of stochastic samplers (ancestral, SDE, Euler-Maruyama); NaN = the sampler's default
 * @param sChurn EDM churn S_churn (Heun); 0 = deterministic
 * @param sTmin EDM S_tmin (noise level sigma/alpha)
 * @param sTmax EDM S_tmax
 * @param sNoise EDM S_noise
 * @param lowerOrderFinal when multistep solvers lower the order of their last steps; {@link LowerOrderFinal#AUTO}
 *     (default) follows each solver's reference code on the path sampled (DPM-Solver(++) below 10 steps on
 *     diffusion paths and below 15 on flow paths, UniPC always, DEIS and v3 below 15; {@link LowerOrderFinal})
 * @param uniC apply the UniC corrector after DPM-Solver / DEIS multistep steps (null = none)
 * @param rtol relative tolerance of the adaptive solver
 * @param atol absolute tolerance of the adaptive solver
 * @param snr Langevin signal-to-noise ratio r of the PC corrector
 * @param correctorSteps Langevin steps per PC step
 * @param predictor PC predictor
 * @param referenceThirdOrder third-order multistep DPM-Solver(++) with the reference code's D2
 *     weighting (reproduces its samples; second order, see {@link DpmSolverMultistep})
 * @param ems empirical model statistics of the model (dpm-solver-v3 needs them; null = none)
 * @param pseudoOrder dpm-solver-v3: divided differences (pseudo-order) instead of Taylor derivatives
 * @param v3Corrector dpm-solver-v3: when to apply its corrector (default FULL)
 * @param singlestepPoints singlestep DPM-Solver(++): where steps and inner points lie on non-logSNR
 *     grids (default OFFICIAL, as dpm_solver_pytorch.py; see {@link DpmSolverSinglestep})
 *
 * <p>Dynamic thresholding is a property of the model evaluation, not of a sampler: set it with
 * {@link Sampling.Builder#thresholding}.
 */
public record SamplerOptions(int order, double eta, double sChurn, double sTmin, double sTmax, double sNoise,
    LowerOrderFinal lowerOrderFinal, MultistepSampler.Bh uniC, double rtol, double atol, double snr, int correctorSteps,
    PredictorCorrector.Predictor predictor, boolean referenceThirdOrder, Ems ems, boolean pseudoOrder,
    DpmSolverV3.Corrector v3Corrector, DpmSolverSinglestep.InnerPoints singlestepPoints) {

  /** All defaults. */
  public static SamplerOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.order = order;
    b.eta = eta;
    b.sChurn = sChurn;
    b.sTmin = sTmin;
    b.sTmax = sTmax;
    b.sNoise = sNoise;
    b.lowerOrderFinal = lowerOrderFinal;
    b.uniC = uniC;
    b.rtol = rtol;
    b.atol = atol;
    b.snr = snr;
    b.correctorSteps = correctorSteps;
    b.predictor = predictor;
    b.referenceThirdOrder = referenceThirdOrder;
    b.ems = ems;
    b.pseudoOrder = pseudoOrder;
    b.v3Corrector = v3Corrector;
    b.singlestepPoints = singlestepPoints;
    return b;
  }

  /** Mutable builder with the documented defaults. */
  public static final class Builder {
    private int order;
    private double eta = Double.NaN;
    private double sChurn;
    private double sTmin;
    private double sTmax = Double.POSITIVE_INFINITY;
    private double sNoise = 1;
    private LowerOrderFinal lowerOrderFinal = LowerOrderFinal.AUTO;
    private MultistepSampler.Bh uniC;
    private double rtol = 0.05;
    private double atol = 0.0078;
    private double snr = 0.16;
    private int correctorSteps = 1;
    private PredictorCorrector.Predictor predictor = PredictorCorrector.Predictor.REVERSE_DIFFUSION;
    private boolean referenceThirdOrder;
    private Ems ems;
    private boolean pseudoOrder;
    private DpmSolverV3.Corrector v3Corrector = DpmSolverV3.Corrector.FULL;
    private DpmSolverSinglestep.InnerPoints singlestepPoints = DpmSolverSinglestep.InnerPoints.OFFICIAL;

    public Builder order(int v) { order = v; return this; }
    public Builder eta(double v) { eta = v; return this; }
    public Builder churn(double churn, double tmin, double tmax, double noise) {
      sChurn = churn; sTmin = tmin; sTmax = tmax; sNoise = noise; return this;
    }
    /** true: {@link LowerOrderFinal#AUTO}; false: {@link LowerOrderFinal#NEVER}. */
    public Builder lowerOrderFinal(boolean v) { lowerOrderFinal = v ? LowerOrderFinal.AUTO : LowerOrderFinal.NEVER; return this; }
    public Builder lowerOrderFinal(LowerOrderFinal v) {
      if (v == null) {
        throw new IllegalArgumentException("lower-order-final rule must not be null (use LowerOrderFinal.AUTO)");
      }
      lowerOrderFinal = v;
      return this;
    }
    public Builder uniC(MultistepSampler.Bh v) { uniC = v; return this; }
    public Builder tolerances(double relative, double absolute) { rtol = relative; atol = absolute; return this; }
    public Builder snr(double v) { snr = v; return this; }
    public Builder correctorSteps(int v) { correctorSteps = v; return this; }
    public Builder predictor(PredictorCorrector.Predictor v) { predictor = v; return this; }
    public Builder referenceThirdOrder(boolean v) { referenceThirdOrder = v; return this; }
    public Builder ems(Ems v) { ems = v; return this; }
    public Builder pseudoOrder(boolean v) { pseudoOrder = v; return this; }
    public Builder v3Corrector(DpmSolverV3.Corrector v) { v3Corrector = v; return this; }
    public Builder singlestepPoints(DpmSolverSinglestep.InnerPoints v) {
      if (v == null) {
        throw new IllegalArgumentException("singlestep points must be OFFICIAL or LAMBDA_FRACTIONS, got null");
      }
      singlestepPoints = v;
      return this;
    }

    public SamplerOptions build() {
      if (order < 0) {
        throw new IllegalArgumentException("order must be >= 1 (or 0 for the solver's own), got " + order);
      }
      return new SamplerOptions(order, eta, sChurn, sTmin, sTmax, sNoise, lowerOrderFinal, uniC, rtol, atol, snr,
          correctorSteps, predictor, referenceThirdOrder, ems, pseudoOrder, v3Corrector, singlestepPoints);
    }
  }
}
