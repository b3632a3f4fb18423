package org.diffusion4j.interpolant;

import org.diffusion4j.model.VectorField;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Reward-guided particle sampling of a one-sided flow with a fixed budget of velocity
 * evaluations and rollover budget forcing (Kim, Yoon &amp; Sung 2025, "Inference-Time Scaling for
 * Flow Models via Stochastic Generation and Rollover Budget Forcing").
 *
 * <p>The flow's ODE is turned into the SDE dX = [b + eps s] dt + sqrt(2 eps) dW with the same
 * marginals, the score s coming from the velocity ({@link FlowConversions#scoreFromVelocity}).
 * Each chain takes Euler-Maruyama steps on a uniform grid. At step k it has
 * {@code budgetPerStep} plus the rolled-over budget; it draws candidate next states one at a time
 * (one velocity evaluation each, which gives the candidate's denoised estimate
 * x1hat = E[x1 | x_t] = (alpha' x - alpha b) / (alpha' beta - alpha beta') and is reused as the
 * next drift), accepts the first candidate whose reward r(x1hat) beats the current state's, and
 * rolls the unspent budget over to the next step; if none beats it, the best candidate is taken.
 * With a budget of 1 this is plain Euler-Maruyama sampling, identical bit for bit to
 * {@link InterpolantGenerator#sde} with {@link InterpolantGenerator.Scheme#EULER} and the same seed.
 *
 * <p>Chains are independent and each draws from its own stream {@code Rng.of(seed).stream(i)},
 * so results do not depend on the thread count.
 */
public final class RolloverBudgetForcing {
  /** A reward of one denoised state (higher is better). */
  @FunctionalInterface
  public interface Reward {
    double of(double[] x1hat);
  }

  /**
   * Samples, the reward of each sample's final denoised estimate, and velocity evaluations used.
   *
   * @param samples final states at t1
   * @param rewards r(x1hat) of each final state
   * @param evaluations velocity evaluations per chain (at most 1 + steps * budgetPerStep)
   */
  public record Result(Batch samples, double[] rewards, int[] evaluations) {
    /** Mean reward. */
    public double meanReward() {
      double s = 0;
      for (double r : rewards) {
        s += r;
      }
      return s / rewards.length;
    }
  }

  private RolloverBudgetForcing() {}

  /**
   * Runs one chain per row of {@code x0} from t = 0 to {@code t1} &lt; 1 in {@code steps} steps.
   *
   * @param eps the SDE's diffusion eps(t) &gt;= 0 (the score is singular at t = 1, hence t1 &lt; 1)
   */
  public static Result sample(Interpolant oneSided, VectorField velocity, DoubleUnaryOperator eps, Reward reward,
      Batch x0, double t1, int steps, int budgetPerStep, long seed) {
    if (!oneSided.gaussianSource()) {
      throw new IllegalArgumentException("rollover budget forcing needs a one-sided interpolant, got " + oneSided.name());
    }
    if (steps < 1 || budgetPerStep < 1) {
      throw new IllegalArgumentException("steps and budget per step must be >= 1, got " + steps + ", " + budgetPerStep);
    }
    if (!(t1 > 0 && t1 < 1)) {
      throw new IllegalArgumentException("final time must be in (0, 1), got " + t1);
    }
    int n = x0.n();
    int d = x0.d();
    Batch out = x0.copy();
    double[] rewards = new double[n];
    int[] evaluations = new int[n];
    double dt = t1 / steps;
    Rng root = Rng.of(seed);
    Parallel.forRows(n, 1, (from, to) -> {
      Batch x = new Batch(1, d);
      Batch b = new Batch(1, d);
      Batch s = new Batch(1, d);
      Batch drift = new Batch(1, d);
      Batch cand = new Batch(1, d);
      Batch candB = new Batch(1, d);
      Batch bestX = new Batch(1, d);
      Batch bestB = new Batch(1, d);
      Batch noise = new Batch(1, d);
      double[] x1hat = new double[d];
      for (int i = from; i < to; i++) {
        Rng rng = root.stream(i);
        System.arraycopy(x0.data(), i * d, x.data(), 0, d);
        velocity.evaluate(x, 0, b);
        int used = 1;
        double current = reward.of(denoised(oneSided, 0, x, b, x1hat));
        int carry = 0;
        for (int k = 0; k < steps; k++) {
          double t = k * dt;
          double tNext = k == steps - 1 ? t1 : (k + 1) * dt;
          double h = tNext - t;
          double e = eps.applyAsDouble(t);
          if (!(e >= 0) || !Double.isFinite(e)) {
            throw new IllegalArgumentException("eps(" + t + ") = " + e + " must be finite and >= 0");
          }
          // Same operations, in the same order, as InterpolantGenerator's Euler step.
          drift.setFrom(b);
          if (e != 0) {
            // The score follows from the velocity already held in b: no second model call.
            FlowConversions.scoreFromVelocityValue(oneSided, x, t, b, s);
            drift.addScaled(e, s);
          }
          double amp = Math.sqrt(2 * e * Math.abs(h));
          int available = budgetPerStep + carry;
          double best = Double.NEGATIVE_INFINITY;
          int spent = 0;
          boolean accepted = false;
          for (int j = 0; j < available && !accepted; j++) {
            cand.setFrom(x).addScaled(h, drift);
            if (amp > 0) {
              rng.fillGaussian(noise.data(), 0, d);
              noise.scale(amp);
              cand.addScaled(1, noise);
            }
            velocity.evaluate(cand, tNext, candB);
            spent++;
            double r = reward.of(denoised(oneSided, tNext, cand, candB, x1hat));
            if (r > best || j == 0) {
              best = r;
              bestX.setFrom(cand);
              bestB.setFrom(candB);
            }
            accepted = r > current;
          }
          used += spent;
          carry = available - spent;
          x.setFrom(bestX);
          b.setFrom(bestB);
          current = best;
          if (x.firstNonFinite() >= 0) {
            throw new IllegalStateException("chain " + i + " became non-finite at step " + k + " (t=" + tNext + ")");
          }
        }
        System.arraycopy(x.data(), 0, out.data(), i * d, d);
        rewards[i] = current;
        evaluations[i] = used;
      }
    });
    return new Result(out, rewards, evaluations);
  }

  /** x1hat = (alpha' x - alpha b) / (alpha' beta - alpha beta') into buf. */
  static double[] denoised(Interpolant it, double t, Batch x, Batch b, double[] buf) {
    double a = it.alpha(t);
    double be = it.beta(t);
    double ad = it.alphaDot(t);
    double bd = it.betaDot(t);
    double det = ad * be - a * bd;
    for (int j = 0; j < buf.length; j++) {
      buf[j] = (ad * x.data()[j] - a * b.data()[j]) / det;
    }
    return buf;
  }
}
