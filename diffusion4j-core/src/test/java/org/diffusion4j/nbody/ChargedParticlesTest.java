package org.diffusion4j.nbody;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.array.Batch;
import org.junit.jupiter.api.Test;

class ChargedParticlesTest {
  @Test
  void sameSeedSameBitsAndSystemsIndependentOfCount() {
    ChargedParticles sim = ChargedParticles.egnn(6);
    Trajectories a = sim.simulate(4, 7);
    Trajectories b = sim.simulate(4, 7);
    assertArrayEquals(a.positions(), b.positions());
    assertArrayEquals(a.charges(), b.charges());
    Trajectories c = sim.simulate(2, 7);
    assertArrayEquals(c.positions(), a.rows(0, 2).positions());
    assertFalse(java.util.Arrays.equals(a.positions(), sim.simulate(4, 8).positions()));
    for (double q : a.charges()) {
      assertEquals(1.0, Math.abs(q));
    }
  }

  @Test
  void firstFrameIsOneIntervalAfterTheStart() {
    ChargedParticles sim = ChargedParticles.egnn(1);
    double[] q = new double[5];
    Batch y = sim.initialStates(1, 3, q);
    sim.advance(y, q, 0.1, 100);
    double[] pos = sim.simulate(1, 3).positions();
    for (int j = 0; j < 15; j++) {
      assertEquals(y.get(0, j), pos[j], 0.0);
    }
  }

  /**
   * Energy drift of the RK4 integration shrinks as h^4: halving the step divides the error by
   * ~16. Measured on 16 unclipped systems over half a time unit; the order estimate per system is
   * log2(e(h) / e(h/2)), and its median must lie near 4 (a system in a close encounter can sit
   * outside the asymptotic regime at the coarsest step).
   */
  @Test
  void energyIsConservedToTheIntegratorsOrder() {
    ChargedParticles sim = ChargedParticles.egnn(1).unclipped();
    int count = 16;
    double[] q = new double[count * 5];
    Batch start = sim.initialStates(count, 11, q);
    int[] steps = {100, 200, 400};
    double[][] err = new double[steps.length][count];
    for (int k = 0; k < steps.length; k++) {
      Batch y = start.copy();
      sim.advance(y, q, 0.5, steps[k]);
      for (int r = 0; r < count; r++) {
        err[k][r] = Math.abs(sim.energy(y, q, r) - sim.energy(start, q, r));
      }
    }
    for (int k = 1; k < steps.length; k++) {
      double[] order = new double[count];
      for (int r = 0; r < count; r++) {
        order[r] = Math.log(err[k - 1][r] / err[k][r]) / Math.log(2);
      }
      java.util.Arrays.sort(order);
      double median = 0.5 * (order[count / 2 - 1] + order[count / 2]);
      assertTrue(median > 3.6 && median < 4.6, "median measured order " + median + " between " + steps[k - 1]
          + " and " + steps[k] + " steps: " + java.util.Arrays.toString(order));
    }
    // At the dataset's dt = 0.001 the typical drift over the half unit is negligible (a close
    // encounter of opposite charges, a near-singularity, can still cost more).
    Batch y = start.copy();
    sim.advance(y, q, 0.5, 500);
    double[] drift = new double[count];
    for (int r = 0; r < count; r++) {
      drift[r] = Math.abs(sim.energy(y, q, r) - sim.energy(start, q, r));
    }
    java.util.Arrays.sort(drift);
    assertTrue(drift[count / 2] < 1e-8, "median energy drift at dt = 0.001: " + drift[count / 2]);
  }

  @Test
  void badSettingsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new ChargedParticles(1, 5, 100, 0.001, 1, 0.5, 1, 100));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ChargedParticles(5, 5, 100, -0.001, 1, 0.5, 1, 100));
    assertTrue(e.getMessage().contains("dt=-0.001"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ChargedParticles.egnn(5).simulate(0, 1));
  }
}
