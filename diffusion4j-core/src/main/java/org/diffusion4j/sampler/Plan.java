package org.diffusion4j.sampler;

import java.util.Arrays;

/**
 * How a sampler spends its model evaluations on a grid: one order per grid step (the step count is
 * {@code orders.length}) and the exact number of model evaluations {@code nfe} this costs.
 * Multistep solvers use it for their warm-up and lower-order final steps, singlestep solvers for
 * DPM-Solver's order mix (Lu et al. 2022, Sec. 3.4, "DPM-Solver-fast").
 */
public record Plan(int[] orders, int nfe) {
  public Plan {
    if (orders.length < 1) {
      throw new IllegalArgumentException("a plan needs at least one step");
    }
    orders = orders.clone();
  }

  /** Number of grid steps. */
  public int steps() {
    return orders.length;
  }

  /** The order used on step i. */
  public int order(int i) {
    return orders[i];
  }

  @Override
  public int[] orders() {
    return orders.clone();
  }

  /** N steps of order 1 with one evaluation each (Euler, DDIM, ancestral, Euler-Maruyama). */
  public static Plan firstOrder(int steps, int nfePerStep) {
    int[] o = new int[steps];
    Arrays.fill(o, 1);
    return new Plan(o, steps * nfePerStep);
  }

  /**
   * A multistep plan with diffusers' rule ({@link LowerOrderFinal#DIFFUSERS}, below 15 steps) when
   * {@code lowerOrderFinal}, else {@link LowerOrderFinal#NEVER}.
   */
  public static Plan multistep(int steps, int order, boolean lowerOrderFinal) {
    return multistep(steps, order, lowerOrderFinal ? LowerOrderFinal.DIFFUSERS : LowerOrderFinal.NEVER);
  }

  /**
   * A multistep plan (one evaluation per step): step i uses min(order, i + 1) for the warm-up and,
   * when {@code rule} lowers the final orders for this step count, min(order, N - i) at the end,
   * which stabilises few-step sampling (Lu et al. 2022b, Sec. 5; dpm_solver_pytorch.py does so
   * below 10 steps, uni_pc.py always, diffusers below 15: {@link LowerOrderFinal}).
   *
   * @param rule a resolved rule (not {@link LowerOrderFinal#AUTO})
   */
  public static Plan multistep(int steps, int order, LowerOrderFinal rule) {
    if (steps < 1) {
      throw new IllegalArgumentException("need at least 1 step, got " + steps);
    }
    boolean lower = rule.lowers(steps);
    int[] o = new int[steps];
    for (int i = 0; i < steps; i++) {
      o[i] = Math.min(order, i + 1);
      if (lower) {
        o[i] = Math.min(o[i], steps - i);
      }
    }
    return new Plan(o, steps);
  }

  /**
   * The singlestep plan of DPM-Solver (Lu et al. 2022, Sec. 3.4 and Appendix D.1) using exactly
   * {@code nfe} evaluations with steps of order at most {@code order}: for order 3,
   * K = floor(nfe/3) + 1 steps of order 3 followed by [2, 1], [1] or [2] depending on nfe mod 3
   * ("DPM-Solver-fast"); for order 2, steps of order 2 and a final order-1 step if nfe is odd.
   */
  public static Plan singlestep(int nfe, int order) {
    if (nfe < 1) {
      throw new IllegalArgumentException("need at least 1 model evaluation, got " + nfe);
    }
    int[] o;
    switch (order) {
      case 1 -> {
        o = new int[nfe];
        Arrays.fill(o, 1);
      }
      case 2 -> {
        int k = (nfe + 1) / 2;
        o = new int[k];
        Arrays.fill(o, 2);
        if (nfe % 2 == 1) {
          o[k - 1] = 1;
        }
      }
      case 3 -> {
        int k = nfe / 3 + 1;
        if (nfe % 3 == 0) {
          o = new int[k];
          Arrays.fill(o, 3);
          o[k - 2] = 2;
          o[k - 1] = 1;
        } else {
          o = new int[k];
          Arrays.fill(o, 3);
          o[k - 1] = nfe % 3;
        }
      }
      default -> throw new IllegalArgumentException("singlestep order must be 1, 2 or 3, got " + order);
    }
    return new Plan(o, nfe);
  }

  /** A singlestep plan on a given number of steps, all of the same order. */
  public static Plan singlestepSteps(int steps, int order) {
    int[] o = new int[steps];
    Arrays.fill(o, order);
    return new Plan(o, steps * order);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Plan p && p.nfe == nfe && Arrays.equals(p.orders, orders);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(orders) + nfe;
  }

  @Override
  public String toString() {
    return "Plan[orders=" + Arrays.toString(orders) + ", nfe=" + nfe + "]";
  }
}
