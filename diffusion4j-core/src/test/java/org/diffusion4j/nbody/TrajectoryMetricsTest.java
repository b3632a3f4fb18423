package org.diffusion4j.nbody;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class TrajectoryMetricsTest {
  @Test
  void adeAndFdeOfAKnownOffset() {
    Trajectories truth = ChargedParticles.egnn(4).simulate(3, 1);
    double[] p = truth.positions().clone();
    // Shift frame f of every particle by (f + 1) * (0.3, 0.4, 0): error (f + 1) * 0.5.
    for (int r = 0; r < 3; r++) {
      for (int f = 0; f < 4; f++) {
        for (int i = 0; i < 5; i++) {
          int b = ((r * 4 + f) * 5 + i) * 3;
          p[b] += 0.3 * (f + 1);
          p[b + 1] += 0.4 * (f + 1);
        }
      }
    }
    TrajectoryMetrics.Errors e = TrajectoryMetrics.errors(truth.withPositions(4, p), truth);
    assertEquals(0.5 * 2.5, e.ade(), 1e-12);
    assertEquals(0.5 * 4, e.fde(), 1e-12);
    TrajectoryMetrics.Errors best = TrajectoryMetrics.bestOf(new Trajectories[] {truth.withPositions(4, p), truth},
        truth);
    assertEquals(0, best.ade(), 0);
  }

  @Test
  void constantVelocityIsExactOnUniformMotion() {
    double[] p = new double[2 * 3 * 3];
    for (int f = 0; f < 3; f++) {
      for (int i = 0; i < 2; i++) {
        for (int a = 0; a < 3; a++) {
          p[(f * 2 + i) * 3 + a] = i + a + 0.25 * f * (a + 1);
        }
      }
    }
    Trajectories t = new Trajectories(1, 3, 2, p, new double[] {1, -1});
    Trajectories cv = TrajectoryMetrics.constantVelocity(t.frames(0, 2), 1);
    assertEquals(0, TrajectoryMetrics.errors(cv, t.frames(2, 3)).ade(), 1e-15);
  }

  @Test
  void distanceMmdSeparatesDifferentSystems() {
    Trajectories a = ChargedParticles.egnn(5).simulate(60, 1);
    Trajectories b = ChargedParticles.egnn(5).simulate(60, 2);
    ChargedParticles hot = new ChargedParticles(5, 5, 100, 0.001, 2.0, 0.5, 1.0, 100);
    Trajectories c = hot.simulate(60, 3);
    double same = TrajectoryMetrics.distanceMmd(a, b);
    double other = TrajectoryMetrics.distanceMmd(a, c);
    assertTrue(other > 10 * Math.abs(same) && other > 0.05, "same " + same + ", other " + other);
  }

  @Test
  void rotationTestAcceptsIsotropicAndRejectsAnisotropicSets() {
    Trajectories iso = ChargedParticles.egnn(3).simulate(120, 5);
    double pIso = TrajectoryMetrics.rotationInvarianceP(iso, 200, 1);
    assertTrue(pIso > 0.01, "isotropic set rejected, p = " + pIso);
    // Squash every configuration along z: no longer rotation-invariant.
    double[] p = iso.positions().clone();
    for (int j = 2; j < p.length; j += 3) {
      p[j] *= 0.2;
    }
    double pFlat = TrajectoryMetrics.rotationInvarianceP(iso.withPositions(3, p), 200, 1);
    assertTrue(pFlat < 0.01, "flattened set accepted, p = " + pFlat);
  }

  @Test
  void randomRotationIsOrthogonalWithUnitDeterminant() {
    double[] r = TrajectoryMetrics.randomRotation(Rng.of(3));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2];
        assertEquals(i == j ? 1 : 0, dot, 1e-12);
      }
    }
    double det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6])
        + r[2] * (r[3] * r[7] - r[4] * r[6]);
    assertEquals(1, det, 1e-12);
  }

  @Test
  void shapeMismatchIsRejected() {
    Trajectories a = ChargedParticles.egnn(4).simulate(2, 1);
    assertThrows(IllegalArgumentException.class, () -> TrajectoryMetrics.errors(a.frames(0, 3), a));
  }
}
