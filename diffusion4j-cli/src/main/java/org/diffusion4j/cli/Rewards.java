package org.diffusion4j.cli;

import org.diffusion4j.interpolant.RolloverBudgetForcing.Reward;

/**
 * The {@code --reward SPEC} language of {@code d4j sample} (rewards of a denoised sample, higher
 * is better, in the data's units, on its first coordinates):
 * <ul>
 *   <li>{@code region:xmin,xmax,ymin,ymax} the indicator of the box on coordinates 0 and 1;
 *       {@code region:xmin,xmax,ymin,ymax,k} its smooth version, the product of the four
 *       logistic steps 1 / (1 + exp(-k d)) of the signed distances d to the box's sides;
 *   <li>{@code gaussian:c1,...,cm,scale} the log-density bonus -|x - c|^2 / (2 scale^2) of an
 *       isotropic Gaussian at c on the first m coordinates;
 *   <li>{@code halfplane:a,b,c} the indicator of a x0 + b x1 + c &gt;= 0;
 *       {@code halfplane:a,b,c,k} its logistic version 1 / (1 + exp(-k (a x0 + b x1 + c))).
 * </ul>
 */
final class Rewards {
  static final String FORMS = "region:xmin,xmax,ymin,ymax[,k], gaussian:c1,...,cm,scale or halfplane:a,b,c[,k]";

  private Rewards() {}

  /**
   * Parses {@code spec} for samples of dimension {@code dim}.
   *
   * @throws UsageException naming the spec if it is malformed or does not fit the dimension
   */
  static Reward parse(String spec, int dim) {
    int colon = spec.indexOf(':');
    if (colon < 0) {
      throw bad(spec, "expected " + FORMS);
    }
    String kind = spec.substring(0, colon).trim();
    double[] p = numbers(spec, spec.substring(colon + 1));
    switch (kind) {
      case "region" -> {
        needPlane(spec, dim);
        if (p.length != 4 && p.length != 5) {
          throw bad(spec, "region takes xmin,xmax,ymin,ymax and an optional sharpness k, got " + p.length + " numbers");
        }
        double x0 = p[0];
        double x1 = p[1];
        double y0 = p[2];
        double y1 = p[3];
        if (!(x0 < x1 && y0 < y1)) {
          throw bad(spec, "region needs xmin < xmax and ymin < ymax");
        }
        if (p.length == 4) {
          return x -> x[0] >= x0 && x[0] <= x1 && x[1] >= y0 && x[1] <= y1 ? 1 : 0;
        }
        double k = positive(spec, p[4], "sharpness k");
        return x -> step(k * (x[0] - x0)) * step(k * (x1 - x[0])) * step(k * (x[1] - y0)) * step(k * (y1 - x[1]));
      }
      case "gaussian" -> {
        if (p.length < 2 || p.length - 1 > dim) {
          throw bad(spec, "gaussian takes 1 to " + dim + " centre coordinates and a scale, got " + p.length + " numbers");
        }
        int m = p.length - 1;
        double[] c = java.util.Arrays.copyOf(p, m);
        double s = positive(spec, p[m], "scale");
        return x -> {
          double q = 0;
          for (int j = 0; j < m; j++) {
            double e = x[j] - c[j];
            q += e * e;
          }
          return -q / (2 * s * s);
        };
      }
      case "halfplane" -> {
        needPlane(spec, dim);
        if (p.length != 3 && p.length != 4) {
          throw bad(spec, "halfplane takes a,b,c and an optional sharpness k, got " + p.length + " numbers");
        }
        if (p[0] == 0 && p[1] == 0) {
          throw bad(spec, "halfplane needs a or b nonzero");
        }
        if (p.length == 3) {
          return x -> p[0] * x[0] + p[1] * x[1] + p[2] >= 0 ? 1 : 0;
        }
        double k = positive(spec, p[3], "sharpness k");
        return x -> step(k * (p[0] * x[0] + p[1] * x[1] + p[2]));
      }
      default -> throw bad(spec, "unknown reward '" + kind + "'; expected " + FORMS);
    }
  }

  /** The logistic function, computed without overflow. */
  static double step(double z) {
    return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  }

  private static double[] numbers(String spec, String list) {
    String[] parts = list.split(",", -1);
    double[] p = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        p[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw bad(spec, "'" + parts[i].trim() + "' is not a number");
      }
      if (!Double.isFinite(p[i])) {
        throw bad(spec, "'" + parts[i].trim() + "' is not finite");
      }
    }
    return p;
  }

  private static double positive(String spec, double v, String what) {
    if (!(v > 0)) {
      throw bad(spec, what + " must be > 0, got " + v);
    }
    return v;
  }

  private static void needPlane(String spec, int dim) {
    if (dim < 2) {
      throw bad(spec, "needs samples of dimension >= 2, the model has " + dim);
    }
  }

  private static UsageException bad(String spec, String why) {
    return new UsageException("--reward '" + spec + "': " + why);
  }
}
