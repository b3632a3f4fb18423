package org.diffusion4j.nbody;

import org.diffusion4j.array.Batch;
import org.diffusion4j.likelihood.FixedStepSolver;
import org.diffusion4j.random.Rng;

/**
 * The charged-particle n-body system of the EGNN and GeoTDM experiments (Kipf et al. 2018's
 * simulator as shipped in hanjq17/GeoTDM, datasets/datagen/synthetic_sim.py,
 * {@code ChargedParticlesSim} with the defaults of gen_data.sh): N particles of unit mass with
 * charges q_i = +-1 (probability 1/2 each), Coulomb forces
 * <pre>
 *   dx_i/dt = v_i,   dv_i/dt = F_i = k sum_{j != i} q_i q_j (x_i - x_j) / |x_i - x_j|^3,
 * </pre>
 * each force component clipped to [-maxForce, maxForce] (the official {@code _max_F = 0.1 / dt}),
 * positions drawn N(0, locStd^2) per coordinate, velocities uniform in direction with norm
 * {@code velNorm}. The energy E = sum_i |v_i|^2 / 2 + k sum_{i &lt; j} q_i q_j / |x_i - x_j| is
 * conserved while no clip is active.
 *
 * <p>The official code steps a first-order leapfrog with dt = 0.001 and keeps every 100th step;
 * here the library's classical RK4 ({@link FixedStepSolver#rk4}) takes {@code stepsPerFrame}
 * steps of dt between saved frames (same frame spacing 0.1), and frame k is the state at time
 * (k + 1) stepsPerFrame dt, as the official sampler saves its first frame after one interval.
 * The official box reflection is commented out there and absent here.
 *
 * @param particles N
 * @param frames saved frames F
 * @param stepsPerFrame integrator steps between frames (official sample_freq 100)
 * @param dt integrator step (official 0.001)
 * @param locStd initial position standard deviation (official 1)
 * @param velNorm initial speed (official 0.5)
 * @param strength interaction strength k (official 1)
 * @param maxForce force-component clip (official 100; infinity = none)
 */
public record ChargedParticles(int particles, int frames, int stepsPerFrame, double dt, double locStd, double velNorm,
    double strength, double maxForce) {

  public ChargedParticles {
    if (particles < 2 || frames < 1 || stepsPerFrame < 1) {
      throw new IllegalArgumentException("n-body simulation needs particles >= 2, frames >= 1 and steps-per-frame >= 1,"
          + " got particles=" + particles + ", frames=" + frames + ", steps-per-frame=" + stepsPerFrame);
    }
    if (!(dt > 0) || !(locStd > 0) || !(velNorm >= 0) || !(strength >= 0) || !(maxForce > 0)
        || !Double.isFinite(dt)) {
      throw new IllegalArgumentException("n-body simulation needs dt > 0, loc-std > 0, vel-norm >= 0, strength >= 0"
          + " and max-force > 0; got dt=" + dt + ", loc-std=" + locStd + ", vel-norm=" + velNorm + ", strength="
          + strength + ", max-force=" + maxForce);
    }
  }

  /** The EGNN / GeoTDM settings (5 particles, dt 0.001, 100 steps a frame) for {@code frames} frames. */
  public static ChargedParticles egnn(int frames) {
    return new ChargedParticles(5, frames, 100, 0.001, 1.0, 0.5, 1.0, 0.1 / 0.001);
  }

  /** The same system with another integrator step count and dt (same frame spacing when their product is kept). */
  public ChargedParticles withIntegrator(int steps, double step) {
    return new ChargedParticles(particles, frames, steps, step, locStd, velNorm, strength, maxForce);
  }

  /** The same system without force clipping. */
  public ChargedParticles unclipped() {
    return new ChargedParticles(particles, frames, stepsPerFrame, dt, locStd, velNorm, strength,
        Double.POSITIVE_INFINITY);
  }

  /** Values of one state row: positions (N 3) then velocities (N 3). */
  int stateSize() {
    return 6 * particles;
  }

  /** Draws the initial states and charges of {@code count} systems; system r uses stream r of {@code seed}. */
  public Batch initialStates(int count, long seed, double[] chargesOut) {
    if (count < 1) {
      throw new IllegalArgumentException("number of systems must be >= 1, got " + count);
    }
    int n = particles;
    Batch y = new Batch(count, stateSize());
    Rng root = Rng.of(seed);
    for (int r = 0; r < count; r++) {
      Rng rng = root.stream(r);
      for (int i = 0; i < n; i++) {
        chargesOut[r * n + i] = rng.nextDouble() < 0.5 ? -1 : 1;
      }
      for (int j = 0; j < 3 * n; j++) {
        y.set(r, j, locStd * rng.nextGaussian());
      }
      for (int i = 0; i < n; i++) {
        double[] v = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
        double norm = Math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        for (int a = 0; a < 3; a++) {
          y.set(r, 3 * n + 3 * i + a, velNorm * v[a] / norm);
        }
      }
    }
    return y;
  }

  /** Simulates {@code count} systems from {@code seed}: same seed, same bits. */
  public Trajectories simulate(int count, long seed) {
    double[] charges = new double[count * particles];
    Batch y = initialStates(count, seed, charges);
    double[] pos = new double[count * frames * particles * 3];
    int per = 3 * particles;
    FixedStepSolver solver = FixedStepSolver.rk4(stepsPerFrame);
    double span = stepsPerFrame * dt;
    for (int f = 0; f < frames; f++) {
      solver.solve((s, t, out) -> rhs(s, charges, out), y, f * span, (f + 1) * span, (t, k, nfe) -> { });
      for (int r = 0; r < count; r++) {
        System.arraycopy(y.data(), r * y.d(), pos, (r * frames + f) * per, per);
      }
    }
    return new Trajectories(count, frames, particles, pos, charges);
  }

  /** Writes (v, F(x)) for every state row. */
  void rhs(Batch state, double[] charges, Batch out) {
    int n = particles;
    int d = state.d();
    double[] s = state.data();
    double[] o = out.data();
    for (int r = 0; r < state.n(); r++) {
      int base = r * d;
      System.arraycopy(s, base + 3 * n, o, base, 3 * n);
      for (int i = 0; i < n; i++) {
        double fx = 0;
        double fy = 0;
        double fz = 0;
        double qi = charges[r * n + i];
        for (int j = 0; j < n; j++) {
          if (j == i) {
            continue;
          }
          double dx = s[base + 3 * i] - s[base + 3 * j];
          double dy = s[base + 3 * i + 1] - s[base + 3 * j + 1];
          double dz = s[base + 3 * i + 2] - s[base + 3 * j + 2];
          double r2 = dx * dx + dy * dy + dz * dz;
          double w = strength * qi * charges[r * n + j] / (r2 * Math.sqrt(r2));
          fx += w * dx;
          fy += w * dy;
          fz += w * dz;
        }
        int v = base + 3 * n + 3 * i;
        o[v] = clip(fx);
        o[v + 1] = clip(fy);
        o[v + 2] = clip(fz);
      }
    }
  }

  private double clip(double f) {
    return Math.max(-maxForce, Math.min(maxForce, f));
  }

  /** Total energy sum |v|^2 / 2 + k sum_{i &lt; j} q_i q_j / r_ij of state row {@code r}. */
  public double energy(Batch state, double[] charges, int r) {
    int n = particles;
    double[] s = state.data();
    int base = r * state.d();
    double kinetic = 0;
    for (int j = 0; j < 3 * n; j++) {
      double v = s[base + 3 * n + j];
      kinetic += 0.5 * v * v;
    }
    double potential = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        potential += strength * charges[r * n + i] * charges[r * n + j] / Trajectories.distance(s, base, i, j);
      }
    }
    return kinetic + potential;
  }

  /**
   * Integrates the states {@code y} in place over {@code duration} with {@code steps} RK4 steps
   * (used by the energy test to measure the integrator's order).
   */
  public void advance(Batch y, double[] charges, double duration, int steps) {
    FixedStepSolver.rk4(steps).solve((s, t, out) -> rhs(s, charges, out), y, 0, duration, (t, k, nfe) -> { });
  }
}
