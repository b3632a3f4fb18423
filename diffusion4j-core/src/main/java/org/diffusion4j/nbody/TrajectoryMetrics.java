package org.diffusion4j.nbody;

import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.Mmd;
import org.diffusion4j.random.Rng;

/**
 * Scores for geometric trajectories, as GeoTDM reports them (hanjq17/GeoTDM,
 * experiments/nbody_sampling.py, scores.py):
 * <ul>
 *   <li>ADE, the mean over future frames and particles of the Euclidean error |x_hat - x|, and
 *       FDE, the same at the last frame; with K samples per system, minADE/minFDE take the best
 *       of the K per system (GeoTDM's K = 5) before averaging over systems;</li>
 *   <li>{@link #constantVelocity}, the extrapolation baseline x_{c-1} + k (x_{c-1} - x_{c-2});</li>
 *   <li>{@link #distanceMmd}, a marginal score for generation: the unbiased squared MMD (median
 *       heuristic bandwidth) between the per-system features "sorted pairwise distances of every
 *       frame", invariant to rotations, translations and particle relabelling;</li>
 *   <li>{@link #rotationInvarianceP}, a permutation test that a set is rotation-invariant in
 *       distribution.</li>
 * </ul>
 */
public final class TrajectoryMetrics {
  private TrajectoryMetrics() {}

  /** Features of the rotation test: 6 normalised gyration entries, then two dipole directions. */
  private static final int ORIENTATION_FEATURES = 12;
  /**
   * Weight of the dipole directions against the gyration entries in the rotation test's kernel:
   * unit vectors would otherwise dominate the median bandwidth and mask the gyration signal.
   */
  private static final double DIPOLE_WEIGHT = 0.25;

  /** ADE and FDE (means over systems) of a forecast. */
  public record Errors(double ade, double fde) {}

  /** Per-system ADE of {@code pred} against {@code truth} (same systems and frames). */
  public static double[] adePerSystem(Trajectories pred, Trajectories truth) {
    requireSame(pred, truth);
    double[] out = new double[truth.count()];
    for (int r = 0; r < truth.count(); r++) {
      double s = 0;
      for (int f = 0; f < truth.frames(); f++) {
        s += frameError(pred, truth, r, f);
      }
      out[r] = s / truth.frames();
    }
    return out;
  }

  /** Per-system FDE: the mean particle error at the last frame. */
  public static double[] fdePerSystem(Trajectories pred, Trajectories truth) {
    requireSame(pred, truth);
    double[] out = new double[truth.count()];
    for (int r = 0; r < truth.count(); r++) {
      out[r] = frameError(pred, truth, r, truth.frames() - 1);
    }
    return out;
  }

  /** ADE/FDE of one forecast per system. */
  public static Errors errors(Trajectories pred, Trajectories truth) {
    return new Errors(mean(adePerSystem(pred, truth)), mean(fdePerSystem(pred, truth)));
  }

  /**
   * minADE/minFDE over K forecasts per system: {@code samples[k]} is the k-th forecast of every
   * system; each system keeps its best ADE and its best FDE.
   */
  public static Errors bestOf(Trajectories[] samples, Trajectories truth) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("best-of-K needs at least one forecast per system");
    }
    double[] ade = null;
    double[] fde = null;
    for (Trajectories s : samples) {
      double[] a = adePerSystem(s, truth);
      double[] f = fdePerSystem(s, truth);
      if (ade == null) {
        ade = a;
        fde = f;
      } else {
        for (int r = 0; r < a.length; r++) {
          ade[r] = Math.min(ade[r], a[r]);
          fde[r] = Math.min(fde[r], f[r]);
        }
      }
    }
    return new Errors(mean(ade), mean(fde));
  }

  /** Extrapolates the last two of the {@code observed} frames with constant velocity for {@code future} frames. */
  public static Trajectories constantVelocity(Trajectories observed, int future) {
    if (observed.frames() < 2 || future < 1) {
      throw new IllegalArgumentException("constant velocity needs >= 2 observed frames and >= 1 future frame, got "
          + observed.frames() + " and " + future);
    }
    int per = observed.particles() * Trajectories.SPACE;
    int fo = observed.frames();
    double[] out = new double[observed.count() * future * per];
    double[] p = observed.positions();
    for (int r = 0; r < observed.count(); r++) {
      int last = (r * fo + fo - 1) * per;
      int prev = last - per;
      for (int k = 0; k < future; k++) {
        for (int j = 0; j < per; j++) {
          out[(r * future + k) * per + j] = p[last + j] + (k + 1) * (p[last + j] - p[prev + j]);
        }
      }
    }
    return observed.withPositions(future, out);
  }

  /** Per-system features: the sorted pairwise distances of every frame, (n, F N(N-1)/2). */
  public static Batch distanceFeatures(Trajectories t) {
    int n = t.particles();
    int pairs = n * (n - 1) / 2;
    Batch out = new Batch(t.count(), t.frames() * pairs);
    double[] d = new double[pairs];
    double[] p = t.positions();
    for (int r = 0; r < t.count(); r++) {
      for (int f = 0; f < t.frames(); f++) {
        int base = (r * t.frames() + f) * n * 3;
        int k = 0;
        for (int i = 0; i < n; i++) {
          for (int j = i + 1; j < n; j++) {
            d[k++] = Trajectories.distance(p, base, i, j);
          }
        }
        Arrays.sort(d);
        for (int k2 = 0; k2 < pairs; k2++) {
          out.set(r, f * pairs + k2, d[k2]);
        }
      }
    }
    return out;
  }

  /** Unbiased squared MMD (median-heuristic RBF) between the distance features of two sets. */
  public static double distanceMmd(Trajectories a, Trajectories b) {
    return Mmd.medianHeuristic().between(distanceFeatures(a), distanceFeatures(b));
  }

  /**
   * p-value of a permutation test of "the set is rotation-invariant in distribution": the first
   * half A is compared with the second half B, each of B's trajectories turned by an independent
   * uniformly random rotation (Haar, from a normalised Gaussian quaternion), by the squared MMD
   * (median-heuristic RBF) of orientation-dependent, scale-free per-system features: the gyration
   * tensor (6 entries of the mean over frames and particles of (x - com)(x - com)^T, divided by
   * its trace) and the directions of the charge dipole sum_i q_i (x_i - com) at the first and the
   * last frame (weighted 1/4 against the gyration entries). Under the null A and rot(B) are
   * exchangeable, so the statistic's rank among {@code permutations} random relabellings of the
   * pooled set gives a valid p-value (1 + #{perm &gt;= observed}) / (1 + permutations).
   */
  public static double rotationInvarianceP(Trajectories set, int permutations, long seed) {
    if (set.count() < 4) {
      throw new IllegalArgumentException("rotation-invariance test needs >= 4 trajectories, got " + set.count());
    }
    if (permutations < 1) {
      throw new IllegalArgumentException("permutations must be >= 1, got " + permutations);
    }
    Rng rng = Rng.of(seed);
    int half = set.count() / 2;
    Batch pooled = new Batch(2 * half, ORIENTATION_FEATURES);
    double[] all = new double[12];
    for (int r = 0; r < 2 * half; r++) {
      double[] rot = r < half ? null : randomRotation(rng);
      java.util.Arrays.fill(all, 0);
      orientationFeatures(set, r, rot, all, 0);
      for (int k = 0; k < ORIENTATION_FEATURES; k++) {
        pooled.set(r, k, all[k] * (k < 6 ? 1 : DIPOLE_WEIGHT));
      }
    }
    Mmd mmd = Mmd.rbf(Mmd.medianDistance(pooled, pooled));
    int[] idx = identity(2 * half);
    double observed = mmd.between(rowsOf(pooled, idx, 0, half), rowsOf(pooled, idx, half, 2 * half));
    int atLeast = 0;
    for (int k = 0; k < permutations; k++) {
      for (int i = idx.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      double s = mmd.between(rowsOf(pooled, idx, 0, half), rowsOf(pooled, idx, half, 2 * half));
      if (s >= observed) {
        atLeast++;
      }
    }
    return (1.0 + atLeast) / (1.0 + permutations);
  }

  /** Gyration tensor (6) and first/last-frame charge dipoles (3 + 3) of system r, turned by {@code rot} if given. */
  private static void orientationFeatures(Trajectories set, int r, double[] rot, double[] out, int off) {
    int n = set.particles();
    double[] p = set.positions();
    double[] gyr = new double[6];
    for (int f = 0; f < set.frames(); f++) {
      int base = (r * set.frames() + f) * n * 3;
      double[] com = new double[3];
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < 3; a++) {
          com[a] += p[base + 3 * i + a] / n;
        }
      }
      for (int i = 0; i < n; i++) {
        double[] v = new double[3];
        for (int a = 0; a < 3; a++) {
          v[a] = p[base + 3 * i + a] - com[a];
        }
        if (rot != null) {
          v = new double[] {rot[0] * v[0] + rot[1] * v[1] + rot[2] * v[2], rot[3] * v[0] + rot[4] * v[1]
              + rot[5] * v[2], rot[6] * v[0] + rot[7] * v[1] + rot[8] * v[2]};
        }
        double w = 1.0 / (n * set.frames());
        gyr[0] += w * v[0] * v[0];
        gyr[1] += w * v[1] * v[1];
        gyr[2] += w * v[2] * v[2];
        gyr[3] += w * v[0] * v[1];
        gyr[4] += w * v[0] * v[2];
        gyr[5] += w * v[1] * v[2];
        if (f == 0 || f == set.frames() - 1) {
          int d = off + 6 + (f == 0 ? 0 : 3);
          double q = set.charges()[r * n + i];
          for (int a = 0; a < 3; a++) {
            out[d + a] += q * v[a];
          }
        }
      }
    }
    double trace = gyr[0] + gyr[1] + gyr[2];
    for (int k = 0; k < 6; k++) {
      out[off + k] = trace > 0 ? gyr[k] / trace : 0;
    }
    for (int d = off + 6; d < off + 12; d += 3) {
      double norm = Math.sqrt(out[d] * out[d] + out[d + 1] * out[d + 1] + out[d + 2] * out[d + 2]);
      for (int a = 0; a < 3; a++) {
        out[d + a] = norm > 0 ? out[d + a] / norm : 0;
      }
    }
  }

  /** A uniformly random rotation matrix (row-major 3x3) from a normalised Gaussian quaternion. */
  public static double[] randomRotation(Rng rng) {
    double w = rng.nextGaussian();
    double x = rng.nextGaussian();
    double y = rng.nextGaussian();
    double z = rng.nextGaussian();
    double norm = Math.sqrt(w * w + x * x + y * y + z * z);
    w /= norm;
    x /= norm;
    y /= norm;
    z /= norm;
    return new double[] {
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)};
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static Batch rowsOf(Batch b, int[] idx, int from, int to) {
    Batch out = new Batch(to - from, b.d());
    for (int r = from; r < to; r++) {
      System.arraycopy(b.data(), idx[r] * b.d(), out.data(), (r - from) * b.d(), b.d());
    }
    return out;
  }

  private static double frameError(Trajectories pred, Trajectories truth, int r, int f) {
    int n = truth.particles();
    int base = (r * truth.frames() + f) * n * 3;
    double s = 0;
    for (int i = 0; i < n; i++) {
      double e = 0;
      for (int a = 0; a < 3; a++) {
        double d = pred.positions()[base + 3 * i + a] - truth.positions()[base + 3 * i + a];
        e += d * d;
      }
      s += Math.sqrt(e);
    }
    return s / n;
  }

  private static void requireSame(Trajectories a, Trajectories b) {
    if (a.count() != b.count() || a.frames() != b.frames() || a.particles() != b.particles()) {
      throw new IllegalArgumentException("forecast shape (" + a.count() + ", " + a.frames() + ", " + a.particles()
          + ") differs from the truth's (" + b.count() + ", " + b.frames() + ", " + b.particles() + ")");
    }
  }

  private static double mean(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s / a.length;
  }
}
