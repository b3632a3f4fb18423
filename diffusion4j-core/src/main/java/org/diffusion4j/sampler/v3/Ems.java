package org.diffusion4j.sampler.v3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npz;

/**
 * Empirical model statistics of DPM-Solver-v3 (Zheng et al. 2023, Sec. 3.1-3.2, Eq. 7-9): per
 * half log-SNR lambda on an increasing grid and per coordinate, the linear coefficient
 * l_lambda, and the scale s_lambda and bias b_lambda of the first-order model of df/dlambda.
 * Between grid points l, s, b are linear in lambda, and constant beyond the ends; the cumulative
 * integrals L(lambda) = int l and S(lambda) = int s from {@code lambdas[0]} are then exact
 * piecewise quadratics ({@link #cumL}, {@link #cumS}).
 *
 * <p>With l = 1, s = 0, b = 0 ({@link #degenerate}) DPM-Solver-v3 is DPM-Solver++ (multistep,
 * Taylor form): N = sigma eps - x = -alpha x0.
 *
 * <p>Immutable: the arrays are copied in and out.
 */
public final class Ems {
  public static final String FORMAT = "d4j-ems";

  private final double[] lambdas;
  private final double[][] l;
  private final double[][] s;
  private final double[][] b;
  /** Prefix integrals of l and s at the grid points, for O(log K) cumulative integrals. */
  private final double[][] prefixL;
  private final double[][] prefixS;

  /**
   * @param lambdas increasing grid of half log-SNR values, at least 2
   * @param l l[k][j] for grid point k and coordinate j
   * @param s s[k][j]
   * @param b b[k][j]
   */
  public Ems(double[] lambdas, double[][] l, double[][] s, double[][] b) {
    if (lambdas == null || lambdas.length < 2) {
      throw new IllegalArgumentException("EMS field 'lambda' needs at least 2 grid points");
    }
    for (int k = 0; k < lambdas.length; k++) {
      if (!Double.isFinite(lambdas[k]) || (k > 0 && !(lambdas[k] > lambdas[k - 1]))) {
        throw new IllegalArgumentException("EMS field 'lambda' must be finite and strictly increasing; lambda["
            + k + "] = " + lambdas[k]);
      }
    }
    check("l", l, lambdas.length);
    int d = l[0].length;
    check("s", s, lambdas.length);
    check("b", b, lambdas.length);
    if (s[0].length != d || b[0].length != d) {
      throw new IllegalArgumentException("EMS fields 'l', 's', 'b' must have the same dimension, got " + d + ", "
          + s[0].length + ", " + b[0].length);
    }
    this.lambdas = lambdas.clone();
    this.l = deepCopy(l);
    this.s = deepCopy(s);
    this.b = deepCopy(b);
    prefixL = prefix(this.l);
    prefixS = prefix(this.s);
  }

  private double[][] prefix(double[][] m) {
    double[][] p = new double[lambdas.length][m[0].length];
    for (int k = 1; k < lambdas.length; k++) {
      double w = lambdas[k] - lambdas[k - 1];
      for (int j = 0; j < m[0].length; j++) {
        p[k][j] = p[k - 1][j] + 0.5 * w * (m[k - 1][j] + m[k][j]);
      }
    }
    return p;
  }

  /** The lambda grid (a copy). */
  public double[] lambdas() {
    return lambdas.clone();
  }

  /** l[k][j] (a copy). */
  public double[][] l() {
    return deepCopy(l);
  }

  /** s[k][j] (a copy). */
  public double[][] s() {
    return deepCopy(s);
  }

  /** b[k][j] (a copy). */
  public double[][] b() {
    return deepCopy(b);
  }

  /** Number of lambda grid points. */
  public int size() {
    return lambdas.length;
  }

  double lambda(int k) {
    return lambdas[k];
  }

  /** True when every b is zero (the integrals with b can be skipped). */
  boolean zeroB() {
    for (double[] row : b) {
      for (double v : row) {
        if (v != 0) {
          return false;
        }
      }
    }
    return true;
  }

  private static void check(String field, double[][] m, int rows) {
    if (m == null || m.length != rows) {
      throw new IllegalArgumentException("EMS field '" + field + "' must have one row per lambda (" + rows + "), got "
          + (m == null ? "none" : m.length));
    }
    for (int k = 0; k < rows; k++) {
      if (m[k] == null || m[k].length != m[0].length || m[k].length == 0) {
        throw new IllegalArgumentException("EMS field '" + field + "[" + k + "]' must have the same non-zero length as "
            + field + "[0]");
      }
      for (int j = 0; j < m[k].length; j++) {
        if (!Double.isFinite(m[k][j])) {
          throw new IllegalArgumentException("EMS field '" + field + "[" + k + "][" + j + "]' is " + m[k][j]);
        }
      }
    }
  }

  private static double[][] deepCopy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }

  /** l = 1, s = 0, b = 0 on {@code lambdas}: the statistics that make v3 DPM-Solver++. */
  public static Ems degenerate(double[] lambdas, int dim) {
    double[][] one = new double[lambdas.length][dim];
    for (double[] r : one) {
      java.util.Arrays.fill(r, 1.0);
    }
    return new Ems(lambdas, one, new double[lambdas.length][dim], new double[lambdas.length][dim]);
  }

  /** Dimension of a state. */
  public int dim() {
    return l[0].length;
  }

  /** Index k of the grid cell [lambdas[k], lambdas[k+1]] holding {@code lam} (clamped). */
  int cell(double lam) {
    int lo = 0;
    int hi = lambdas.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lambdas[mid] <= lam) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /** Linear interpolation of {@code m} at {@code lam} into {@code out} (constant beyond the ends). */
  void interpolate(double[][] m, double lam, double[] out) {
    int d = dim();
    if (lam <= lambdas[0]) {
      System.arraycopy(m[0], 0, out, 0, d);
      return;
    }
    int last = lambdas.length - 1;
    if (lam >= lambdas[last]) {
      System.arraycopy(m[last], 0, out, 0, d);
      return;
    }
    int k = cell(lam);
    double w = (lam - lambdas[k]) / (lambdas[k + 1] - lambdas[k]);
    for (int j = 0; j < d; j++) {
      out[j] = (1 - w) * m[k][j] + w * m[k + 1][j];
    }
  }

  /** l at {@code lam}. */
  public void l(double lam, double[] out) {
    interpolate(l, lam, out);
  }

  /** L(lam) = int_{lambdas[0]}^{lam} l, exact for the piecewise-linear l. */
  public void cumL(double lam, double[] out) {
    cumulative(l, lam, out);
  }

  /** S(lam) = int_{lambdas[0]}^{lam} s. */
  public void cumS(double lam, double[] out) {
    cumulative(s, lam, out);
  }

  void interpolateS(double lam, double[] out) {
    interpolate(s, lam, out);
  }

  void interpolateB(double lam, double[] out) {
    interpolate(b, lam, out);
  }

  private void cumulative(double[][] m, double lam, double[] out) {
    double[][] pre = m == l ? prefixL : prefixS;
    int d = dim();
    int last = lambdas.length - 1;
    if (lam <= lambdas[0]) {
      for (int j = 0; j < d; j++) {
        out[j] = m[0][j] * (lam - lambdas[0]);
      }
      return;
    }
    if (lam >= lambdas[last]) {
      for (int j = 0; j < d; j++) {
        out[j] = pre[last][j] + m[last][j] * (lam - lambdas[last]);
      }
      return;
    }
    int k = cell(lam);
    double w = lambdas[k + 1] - lambdas[k];
    double u = lam - lambdas[k];
    for (int j = 0; j < d; j++) {
      out[j] = pre[k][j] + m[k][j] * u + (m[k + 1][j] - m[k][j]) * u * u / (2 * w);
    }
  }

  /** The statistics as JSON: {"format": "d4j-ems", "lambda": [...], "l": [[...]], "s": ..., "b": ...}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"format\": ");
    Json.appendString(sb, FORMAT);
    sb.append(",\n \"lambda\": ");
    Json.appendArray(sb, lambdas);
    sb.append(",\n \"l\": ");
    Json.appendMatrix(sb, l);
    sb.append(",\n \"s\": ");
    Json.appendMatrix(sb, s);
    sb.append(",\n \"b\": ");
    Json.appendMatrix(sb, b);
    sb.append("}\n");
    return sb.toString();
  }

  /** Parses {@link #toJson()} output; every error names the field. */
  public static Ems fromJson(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof Map<?, ?> m)) {
      throw new JsonException("EMS file must be a JSON object with format, lambda, l, s, b");
    }
    for (Object key : m.keySet()) {
      if (!List.of("format", "lambda", "l", "s", "b").contains(key)) {
        throw new JsonException("EMS file has unknown field '" + key + "'; expected format, lambda, l, s, b");
      }
    }
    String format = Json.string(m.get("format"), "format");
    if (!FORMAT.equals(format)) {
      throw new JsonException("EMS field 'format' must be \"" + FORMAT + "\", got \"" + format + "\"");
    }
    double[] lam = Json.doubleArray(m.get("lambda"), "lambda");
    double[][] l = Json.doubleMatrix(m.get("l"), "l");
    double[][] s = Json.doubleMatrix(m.get("s"), "s");
    double[][] b = Json.doubleMatrix(m.get("b"), "b");
    try {
      return new Ems(lam, l, s, b);
    } catch (IllegalArgumentException e) {
      throw new JsonException(e.getMessage());
    }
  }

  /**
   * Reads an EMS file: NPZ (arrays {@code lambda} (K), {@code l}, {@code s}, {@code b} (K, d)) when
   * the name ends in {@code .npz}, else JSON. Errors name the file and the field.
   */
  public static Ems read(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".npz")) {
      Map<String, NdArray> a = Npz.read(file);
      for (String key : a.keySet()) {
        if (!List.of("lambda", "l", "s", "b").contains(key)) {
          throw new FormatException(file + ": EMS has unknown array '" + key + "'; expected lambda, l, s, b");
        }
      }
      try {
        double[] lam = array(file, a, "lambda", 1).data();
        return new Ems(lam, matrix(file, a, "l", lam.length), matrix(file, a, "s", lam.length),
            matrix(file, a, "b", lam.length));
      } catch (FormatException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new FormatException(file + ": " + e.getMessage());
      }
    }
    try {
      return fromJson(org.diffusion4j.io.ReadLimits.readJson(file));
    } catch (JsonException e) {
      throw new JsonException(file + ": " + e.getMessage());
    }
  }

  private static NdArray array(Path file, Map<String, NdArray> a, String name, int rank) {
    NdArray x = a.get(name);
    if (x == null) {
      throw new FormatException(file + ": EMS field '" + name + "' is missing");
    }
    if (x.rank() != rank) {
      throw new FormatException(file + ": EMS field '" + name + "' must have rank " + rank + ", got shape "
          + java.util.Arrays.toString(x.shape()));
    }
    return x;
  }

  private static double[][] matrix(Path file, Map<String, NdArray> a, String name, int rows) {
    NdArray x = array(file, a, name, 2);
    if (x.dim(0) != rows) {
      throw new FormatException(file + ": EMS field '" + name + "' must have one row per lambda (" + rows + "), got "
          + x.dim(0));
    }
    int d = (int) x.dim(1);
    double[] flat = x.data();
    double[][] m = new double[rows][];
    for (int k = 0; k < rows; k++) {
      m[k] = java.util.Arrays.copyOfRange(flat, k * d, (k + 1) * d);
    }
    return m;
  }

  /** Writes the statistics atomically: NPZ (float64) when the name ends in {@code .npz}, else JSON. */
  public void write(Path file) throws IOException {
    if (file.getFileName().toString().endsWith(".npz")) {
      int k = lambdas.length;
      int d = dim();
      Map<String, NdArray> a = new java.util.LinkedHashMap<>();
      a.put("lambda", new NdArray(new long[] {k}, lambdas.clone()));
      a.put("l", flat(l, k, d));
      a.put("s", flat(s, k, d));
      a.put("b", flat(b, k, d));
      Npz.write(file, a);
      return;
    }
    AtomicFiles.writeString(file, toJson());
  }

  private static NdArray flat(double[][] m, int k, int d) {
    double[] out = new double[k * d];
    for (int i = 0; i < k; i++) {
      System.arraycopy(m[i], 0, out, i * d, d);
    }
    return new NdArray(new long[] {k, d}, out);
  }
}
