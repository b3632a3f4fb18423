package org.diffusion4j.nbody;

/**
 * A set of n trajectories of N particles in 3-D over F frames: {@code positions} flat in
 * (n, F, N, 3) row-major order, {@code charges} flat (n, N). Immutable by convention: methods
 * return new sets.
 *
 * @param count number of trajectories n
 * @param frames frames F per trajectory
 * @param particles particles N per system
 * @param positions (n, F, N, 3) coordinates
 * @param charges (n, N) invariant node features (the particle charges)
 */
public record Trajectories(int count, int frames, int particles, double[] positions, double[] charges) {
  /** Coordinates per point. */
  public static final int SPACE = 3;

  /** Euclidean distance between particles i and j of the frame whose x_0 starts at {@code base} in {@code xyz}. */
  static double distance(double[] xyz, int base, int i, int j) {
    double dx = xyz[base + 3 * i] - xyz[base + 3 * j];
    double dy = xyz[base + 3 * i + 1] - xyz[base + 3 * j + 1];
    double dz = xyz[base + 3 * i + 2] - xyz[base + 3 * j + 2];
    return Math.sqrt(dx * dx + dy * dy + dz * dz);
  }

  public Trajectories {
    if (count < 1 || frames < 1 || particles < 1) {
      throw new IllegalArgumentException("trajectories need count, frames and particles >= 1, got count=" + count
          + ", frames=" + frames + ", particles=" + particles);
    }
    long want = (long) count * frames * particles * SPACE;
    if (positions.length != want) {
      throw new IllegalArgumentException("positions must hold count*frames*particles*3 = " + want + " values, got "
          + positions.length);
    }
    if (charges.length != (long) count * particles) {
      throw new IllegalArgumentException("charges must hold count*particles = " + (long) count * particles
          + " values, got " + charges.length);
    }
  }

  /** Values per trajectory, F N 3. */
  public int size() {
    return frames * particles * SPACE;
  }

  /** Frames [from, to) of every trajectory. */
  public Trajectories frames(int from, int to) {
    if (from < 0 || to > frames || from >= to) {
      throw new IllegalArgumentException("frame range [" + from + ", " + to + ") must lie in [0, " + frames
          + "] and be non-empty");
    }
    int per = particles * SPACE;
    int f = to - from;
    double[] out = new double[count * f * per];
    for (int r = 0; r < count; r++) {
      System.arraycopy(positions, (r * frames + from) * per, out, r * f * per, f * per);
    }
    return new Trajectories(count, f, particles, out, charges);
  }

  /** Trajectories [from, to). */
  public Trajectories rows(int from, int to) {
    if (from < 0 || to > count || from >= to) {
      throw new IllegalArgumentException("row range [" + from + ", " + to + ") must lie in [0, " + count
          + "] and be non-empty");
    }
    double[] p = java.util.Arrays.copyOfRange(positions, from * size(), to * size());
    double[] q = java.util.Arrays.copyOfRange(charges, from * particles, to * particles);
    return new Trajectories(to - from, frames, particles, p, q);
  }

  /** The same systems with other positions (n, F', N, 3) for F' frames. */
  public Trajectories withPositions(int newFrames, double[] newPositions) {
    return new Trajectories(count, newFrames, particles, newPositions, charges);
  }
}
