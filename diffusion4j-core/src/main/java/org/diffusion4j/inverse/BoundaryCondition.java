package org.diffusion4j.inverse;

import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;

/**
 * A boundary condition x_T = sigma_T n* shared by every input of the deterministic conditional ODE
 * ({@link Restoration.Method#BC_ODE}), after Ma et al., "Solving Diffusion ODEs with Optimal
 * Boundary Conditions for Better Image Super-Resolution" (ICLR 2024), Sec. 4: the ODE sampler is
 * a deterministic map (x_T, y) -&gt; x_0, and a single x_T that is good on average over the
 * inputs is approximated by sampling candidates and keeping the one whose outputs on a reference
 * set of (clean, degraded) pairs are closest to the clean images (here: the lowest mean squared
 * error, i.e. the best PSNR). We did not find the authors' code; the selection criterion and the
 * reuse of one x_T for all inputs follow the paper's description.
 *
 * @param noise n*, the standard-normal vector (model dimension); x_T = priorStd(t_start) n*
 * @param referenceMse mean squared error of the ODE outputs on the reference set with n*
 * @param candidates how many random candidates were compared
 * @param references the size of the reference set
 */
public record BoundaryCondition(double[] noise, double referenceMse, int candidates, int references) {
  /**
   * Picks the best of {@code candidates} seeded standard-normal candidates on the reference pairs
   * (rows of {@code referenceClean}, measured by {@code op} with noise sigma_y). Costs
   * candidates x references x nfe row evaluations, made as one batch per step.
   */
  public static BoundaryCondition search(Denoiser model, GaussianPath path, LinearOperator op, Batch referenceClean,
      double sigmaY, int candidates, int nfe, long seed) {
    if (candidates < 1) {
      throw new IllegalArgumentException("boundary search needs >= 1 candidate, got " + candidates);
    }
    op.requireInput(referenceClean);
    int refs = referenceClean.n();
    int d = op.inputDim();
    Measurement ref = Measurement.observe(op, referenceClean, sigmaY, seed);
    Rng root = Rng.of(seed).stream(1L << 40);
    double[][] cand = new double[candidates][d];
    for (int k = 0; k < candidates; k++) {
      root.stream(k).fillGaussian(cand[k], 0, d);
    }
    // All (candidate, reference) pairs in one batch: row k * refs + r.
    Batch ys = new Batch(candidates * refs, op.outputDim());
    double[] boundaries = new double[candidates * refs * d];
    for (int k = 0; k < candidates; k++) {
      for (int r = 0; r < refs; r++) {
        System.arraycopy(ref.y().data(), r * op.outputDim(), ys.data(), (k * refs + r) * op.outputDim(),
            op.outputDim());
        System.arraycopy(cand[k], 0, boundaries, (k * refs + r) * d, d);
      }
    }
    Restoration.Result out = Restoration.with(Restoration.Method.BC_ODE, model, path)
        .measurement(new Measurement(op, ys, sigmaY)).nfe(nfe).seed(seed).perRowBoundaries(boundaries).run();
    int best = -1;
    double bestMse = Double.POSITIVE_INFINITY;
    for (int k = 0; k < candidates; k++) {
      double se = 0;
      for (int r = 0; r < refs; r++) {
        int off = (k * refs + r) * d;
        for (int j = 0; j < d; j++) {
          double e = out.x().data()[off + j] - referenceClean.data()[r * d + j];
          se += e * e;
        }
      }
      double mse = se / ((double) refs * d);
      if (mse < bestMse) {
        bestMse = mse;
        best = k;
      }
    }
    return new BoundaryCondition(cand[best], bestMse, candidates, refs);
  }
}
