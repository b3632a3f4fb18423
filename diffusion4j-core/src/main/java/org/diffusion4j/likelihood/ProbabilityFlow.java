package org.diffusion4j.likelihood;

import org.diffusion4j.model.VectorField;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.path.GaussianPath;

/**
 * The probability-flow ODE of a model on a Gaussian path (Song et al. 2021, "Score-Based
 * Generative Modeling through SDEs", Eq. 13):
 * <pre>
 *   dx/dt = v(x, t) = f(t) x - g^2(t)/2 * score(x, t),
 *   div v = f(t) d - g^2(t)/2 * div score.
 * </pre>
 * For every prediction kind p the velocity is an affine function of the model output,
 * v = a(t) x + b(t) p(x, t), with coefficients read off the exact converters of
 * {@link Predictions} (target: the flow-matching velocity alpha' x0 + sigma' eps, which equals
 * f x - g^2/2 score on the path). Hence div v = a d + b div p, and divergence estimators only
 * differentiate the model's own output. For a VELOCITY model a = 0, b = 1, so cond-OT reaches
 * t = 1 without the 1/(1 - t) cancellation of the score form.
 */
public final class ProbabilityFlow {
  private final Denoiser model;
  private final GaussianPath path;
  private final AtomicLong modelRows = new AtomicLong();
  private final AtomicLong modelCalls = new AtomicLong();

  public ProbabilityFlow(Denoiser model, GaussianPath path) {
    if (model == null || path == null) {
      throw new IllegalArgumentException("probability flow needs a model and a path");
    }
    this.model = model;
    this.path = path;
  }

  public Denoiser model() {
    return model;
  }

  public GaussianPath path() {
    return path;
  }

  public int dim() {
    return model.dim();
  }

  /** Coefficients (a, b) with v(x, t) = a x + b p(x, t), p the model's prediction. */
  public record Affine(double ofState, double ofPrediction) {}

  /** The coefficients of the velocity at time t (finite, or an IllegalArgumentException). */
  public Affine coefficients(double t) {
    Batch unit = new Batch(1, 1, new double[] {1});
    Batch zero = new Batch(1, 1);
    Batch out = new Batch(1, 1);
    Prediction kind = model.prediction();
    // v is linear in (x, p): a = v(x=1, p=0), b = v(x=0, p=1).
    Predictions.convert(path, t, unit, kind, zero, Prediction.VELOCITY, out);
    double a = out.get(0, 0);
    Predictions.convert(path, t, zero, kind, unit, Prediction.VELOCITY, out);
    double b = out.get(0, 0);
    if (!Double.isFinite(a) || !Double.isFinite(b)) {
      throw new IllegalArgumentException("the probability-flow velocity of a " + kind.cliName() + " model on path "
          + path.name() + " is undefined at t = " + t + " (coefficients " + a + ", " + b
          + "); move eps or T inside the path's range, where it is finite");
    }
    return new Affine(a, b);
  }

  /** The model's raw prediction as a vector field (counts calls). */
  public VectorField prediction() {
    return (x, t, out) -> {
      modelCalls.incrementAndGet();
      model.predict(x, t, out);
    };
  }

  /**
   * The velocity v(x_i, t) into {@code velocity} and div v(x_i, t) (as computed by
   * {@code estimator}) into {@code div}, for every row.
   */
  public void evaluate(DivergenceEstimator estimator, Batch x, double t, long firstRow, Batch velocity,
      double[] div) {
    Affine c = coefficients(t);
    estimator.evaluate(prediction(), x, t, firstRow, velocity, div);
    modelRows.addAndGet((long) estimator.evaluationsPerRow(x.d()) * x.n());
    velocity.setLinear(c.ofState(), x, c.ofPrediction(), velocity);
    double trace = c.ofState() * x.d();
    for (int i = 0; i < div.length; i++) {
      div[i] = trace + c.ofPrediction() * div[i];
    }
  }

  /** The velocity alone (one model call). */
  public void velocity(Batch x, double t, Batch out) {
    Affine c = coefficients(t);
    prediction().evaluate(x, t, out);
    modelRows.addAndGet(x.n());
    out.setLinear(c.ofState(), x, c.ofPrediction(), out);
  }

  /**
   * Model evaluations (rows) so far, as declared by the divergence estimators
   * ({@link DivergenceEstimator#evaluationsPerRow}: 1 + 2d for the exact central differences, d
   * network passes for an autograd trace).
   */
  public long modelRows() {
    return modelRows.get();
  }

  /** Model calls (batches) so far. */
  public long modelCalls() {
    return modelCalls.get();
  }
}
