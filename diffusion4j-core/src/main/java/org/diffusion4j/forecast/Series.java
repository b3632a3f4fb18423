package org.diffusion4j.forecast;

import java.util.Arrays;
import java.util.List;

/**
 * One univariate series: equally spaced values in time order, with the date of each value when
 * the source had a date column (empty list otherwise).
 *
 * @param name the column the values came from (and the filter, if any)
 * @param dates one date text per value, or an empty list
 * @param values the observations, all finite
 */
public record Series(String name, List<String> dates, double[] values) {
  public Series {
    if (values.length == 0) {
      throw new IllegalArgumentException("series '" + name + "' has no values");
    }
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        throw new IllegalArgumentException("series '" + name + "' value " + i + " is " + values[i]
            + "; values must be finite");
      }
    }
    dates = List.copyOf(dates);
    if (!dates.isEmpty() && dates.size() != values.length) {
      throw new IllegalArgumentException("series '" + name + "' has " + dates.size() + " dates for "
          + values.length + " values");
    }
    values = values.clone();
  }

  /** Number of values. */
  public int length() {
    return values.length;
  }

  /** A copy of the values. */
  @Override
  public double[] values() {
    return values.clone();
  }

  /** Value i (no copy). */
  public double value(int i) {
    return values[i];
  }

  /** The first {@code n} values as a new series (dates cut alike). */
  public Series head(int n) {
    if (n < 1 || n > values.length) {
      throw new IllegalArgumentException("head length must be in [1, " + values.length + "], got " + n);
    }
    return new Series(name, dates.isEmpty() ? dates : dates.subList(0, n), Arrays.copyOf(values, n));
  }
}
