package org.diffusion4j.cli;

import java.util.ArrayList;
import java.util.List;

/** Parses save times for {@code d4j sde}: lists, start:stop:step ranges, or --save-every. */
final class SaveTimes {
  /** Above this many save times the table shows the first and last rows only. */
  static final int FULL_TABLE = 12;

  private SaveTimes() {}

  /** The sorted save times; default {t1}. Bad forms are a UsageException naming the token. */
  static double[] parse(List<String> tokens, Double every, double t0, double t1) {
    if (tokens != null && every != null) {
      throw new UsageException("give --save-at or --save-every, not both");
    }
    List<Double> out = new ArrayList<>();
    if (every != null) {
      if (!(every > 0) || !Double.isFinite(every)) {
        throw new UsageException("--save-every must be positive and finite, got " + every);
      }
      range(t0 + every, t1, every, out, "--save-every " + every);
      if (out.isEmpty() || out.get(out.size() - 1) < t1) {
        out.add(t1);
      }
    } else if (tokens == null) {
      out.add(t1);
    } else {
      for (String tok : tokens) {
        String[] parts = tok.trim().split(":", -1);
        if (parts.length == 1) {
          out.add(number(parts[0], tok));
        } else if (parts.length == 3) {
          double start = number(parts[0], tok);
          double stop = number(parts[1], tok);
          double step = number(parts[2], tok);
          if (!(step > 0) || !(stop >= start)) {
            throw new UsageException("--save-at range '" + tok + "' needs start <= stop and step > 0");
          }
          range(start, stop, step, out, "--save-at " + tok);
        } else {
          throw new UsageException("--save-at takes times or start:stop:step ranges, got '" + tok + "'");
        }
      }
    }
    double[] a = out.stream().mapToDouble(Double::doubleValue).toArray();
    java.util.Arrays.sort(a);
    return a;
  }

  /** start, start + step, ... up to stop (included when within 1e-9 steps of the grid). */
  private static void range(double start, double stop, double step, List<Double> out, String what) {
    double count = Math.floor((stop - start) / step + 1e-9);
    if (count > 10_000_000) {
      throw new UsageException(what + " gives " + (long) count + " save times: at most 10,000,000");
    }
    for (long k = 0; k <= (long) count; k++) {
      double t = k == (long) count && Math.abs(start + k * step - stop) <= 1e-9 * step ? stop : start + k * step;
      out.add(t);
    }
  }

  private static double number(String s, String tok) {
    try {
      double v = Double.parseDouble(s.trim());
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--save-at: '" + s + "' in '" + tok + "' is not a finite number");
  }

  /** Rows of the statistics table: all when few, else the first 5 and the last 5. */
  static int[] summaryRows(int saves) {
    if (saves <= FULL_TABLE) {
      int[] all = new int[saves];
      for (int i = 0; i < saves; i++) {
        all[i] = i;
      }
      return all;
    }
    return new int[] {0, 1, 2, 3, 4, saves - 5, saves - 4, saves - 3, saves - 2, saves - 1};
  }
}
