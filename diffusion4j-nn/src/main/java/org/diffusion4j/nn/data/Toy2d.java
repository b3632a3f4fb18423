package org.diffusion4j.nn.data;

import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.array.Parallel;
import org.diffusion4j.random.Rng;

/**
 * Two-dimensional toy distributions, as used in FFJORD (Grathwohl et al. 2019, Fig. 2) and
 * most flow-matching papers, scaled to roughly unit spread. Row i is drawn from
 * {@code Rng.of(seed).stream(i)}, so a (seed, n) pair gives the same points at any thread count,
 * and the first m rows of n &gt; m points equal the m-point set.
 */
public enum Toy2d {
  /** Uniform on the 8 squares of a 4x4 board on [-2, 2]^2 with floor(x) + floor(y) even. */
  CHECKERBOARD("checkerboard", 0),
  /** Two interleaved half circles (scikit-learn's make_moons), noise 0.05, centred. */
  MOONS("moons", 2),
  /** Eight Gaussians (std 0.2) evenly spaced on the circle of radius 2. */
  EIGHT_GAUSSIANS("8gaussians", 8),
  /** Swiss roll (make_swiss_roll, noise 0.25, first and third coordinates), scaled by 1/5. */
  SWISS_ROLL("swissroll", 0),
  /** Four concentric rings of radii 0.5, 1, 1.5, 2 (noise 0.05), equal mass. */
  RINGS("rings", 4),
  /** Five-armed pinwheel (Johnson et al. 2016; FFJORD's pinwheel), scaled by 1.5. */
  PINWHEEL("pinwheel", 5);

  private final String cliName;
  private final int classes;

  Toy2d(String cliName, int classes) {
    this.cliName = cliName;
    this.classes = classes;
  }

  public String cliName() {
    return cliName;
  }

  /** Number of natural classes (component, moon, ring or arm), 0 if none. */
  public int classes() {
    return classes;
  }

  /** The accepted names. */
  public static List<String> names() {
    return java.util.Arrays.stream(values()).map(Toy2d::cliName).toList();
  }

  public static Toy2d parse(String s) {
    String k = s.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    for (Toy2d t : values()) {
      if (t.cliName.replace("-", "").equals(k)) {
        return t;
      }
    }
    if (k.equals("eightgaussians") || k.equals("gaussians")) {
      return EIGHT_GAUSSIANS;
    }
    if (k.equals("twomoons")) {
      return MOONS;
    }
    if (k.equals("circles")) {
      return RINGS;
    }
    throw new IllegalArgumentException("unknown toy data set '" + s + "'; expected one of " + String.join(", ", names()));
  }

  /** {@code n} points from {@code seed}, with labels where the set has classes. */
  public Dataset sample(long seed, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("need n >= 1 points, got " + n);
    }
    Batch b = new Batch(n, 2);
    int[] labels = classes > 0 ? new int[n] : null;
    double[] a = b.data();
    Rng root = Rng.of(seed);
    Parallel.forRows(n, (from, to) -> {
      double[] p = new double[2];
      for (int i = from; i < to; i++) {
        int label = point(root.stream(i), p);
        a[2 * i] = p[0];
        a[2 * i + 1] = p[1];
        if (labels != null) {
          labels[i] = label;
        }
      }
    });
    return new Dataset(cliName, b, labels, classes);
  }

  private int point(Rng r, double[] p) {
    switch (this) {
      case CHECKERBOARD -> {
        double x = 4 * r.nextDouble() - 2;
        int col = (int) Math.floor(x + 2);
        int row = 2 * r.nextInt(2) + (col % 2);
        p[0] = x;
        p[1] = row + r.nextDouble() - 2;
        return 0;
      }
      case MOONS -> {
        int m = r.nextInt(2);
        double th = Math.PI * r.nextDouble();
        double x = m == 0 ? Math.cos(th) : 1 - Math.cos(th);
        double y = m == 0 ? Math.sin(th) : 0.5 - Math.sin(th);
        p[0] = (x - 0.5 + 0.05 * r.nextGaussian()) * 1.5;
        p[1] = (y - 0.25 + 0.05 * r.nextGaussian()) * 1.5;
        return m;
      }
      case EIGHT_GAUSSIANS -> {
        int k = r.nextInt(8);
        double th = 2 * Math.PI * k / 8;
        p[0] = 2 * Math.cos(th) + 0.2 * r.nextGaussian();
        p[1] = 2 * Math.sin(th) + 0.2 * r.nextGaussian();
        return k;
      }
      case SWISS_ROLL -> {
        double th = 1.5 * Math.PI * (1 + 2 * r.nextDouble());
        p[0] = (th * Math.cos(th) + 0.25 * r.nextGaussian()) / 5;
        p[1] = (th * Math.sin(th) + 0.25 * r.nextGaussian()) / 5;
        return 0;
      }
      case RINGS -> {
        int k = r.nextInt(4);
        double th = 2 * Math.PI * r.nextDouble();
        double rad = 0.5 * (k + 1);
        p[0] = rad * Math.cos(th) + 0.05 * r.nextGaussian();
        p[1] = rad * Math.sin(th) + 0.05 * r.nextGaussian();
        return k;
      }
      case PINWHEEL -> {
        int k = r.nextInt(5);
        double f0 = 0.3 * r.nextGaussian() + 1;
        double f1 = 0.1 * r.nextGaussian();
        double angle = 2 * Math.PI * k / 5 + 0.25 * Math.exp(f0);
        double c = Math.cos(angle);
        double s = Math.sin(angle);
        p[0] = 1.5 * (c * f0 - s * f1);
        p[1] = 1.5 * (s * f0 + c * f1);
        return k;
      }
      default -> throw new AssertionError(this);
    }
  }
}
