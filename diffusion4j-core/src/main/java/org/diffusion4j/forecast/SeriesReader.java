package org.diffusion4j.forecast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;

/**
 * Reads one univariate {@link Series} from a CSV file (a header line with column names, a value
 * column, an optional date column and an optional filter such as {@code symbol=AAPL}) or from an
 * NPY array of shape (T) or (T, C).
 *
 * <p>CSV: comma-delimited, fields may be double-quoted ({@code ""} inside quotes is a quote). The
 * date column is the one named {@link Options#dateColumn()} or, when that is null, a column named
 * "date" (any case) if there is one. Rows keep the file's order, which must be time order.
 *
 * <p>Missing values (an empty cell or NA, NaN, null, in any case) follow {@link Missing}: an error
 * naming the line and column (the default), dropping the row, or linear interpolation between the
 * neighbouring present values (a missing first or last value is still an error). A cell that is
 * present but not a number is always an error naming the file, line and column.
 */
public final class SeriesReader {
  private static final Set<String> MISSING_TOKENS = Set.of("", "na", "nan", "null", "n/a");

  private SeriesReader() {}

  /** What to do with a missing value in the selected column. */
  public enum Missing {
    /** An error naming the line and column. */
    ERROR,
    /** The row is left out (the series then has a gap in time; use only when that is acceptable). */
    DROP,
    /** Linear interpolation between the nearest present values before and after. */
    INTERPOLATE;

    public static Missing parse(String s) {
      for (Missing m : values()) {
        if (m.name().equalsIgnoreCase(s.trim())) {
          return m;
        }
      }
      throw new IllegalArgumentException("unknown missing-value policy '" + s + "'; expected error, drop or interpolate");
    }
  }

  /**
   * @param column the value column: a header name for CSV, a 0-based index (as text) for NPY
   * @param dateColumn the date column, or null to use a column named "date" if present
   * @param filterColumn a column whose value selects rows (e.g. "symbol"), or null
   * @param filterValue the value the filter column must have, or null when there is no filter
   * @param missing the missing-value policy
   */
  public record Options(String column, String dateColumn, String filterColumn, String filterValue, Missing missing) {
    public Options {
      if (column == null || column.isBlank()) {
        throw new IllegalArgumentException("a value column is needed");
      }
      if ((filterColumn == null) != (filterValue == null)) {
        throw new IllegalArgumentException("a filter needs both a column and a value (COL=VALUE)");
      }
      if (missing == null) {
        missing = Missing.ERROR;
      }
    }

    /** The value column only; dates auto-detected, no filter, missing values are an error. */
    public static Options column(String column) {
      return new Options(column, null, null, null, Missing.ERROR);
    }

    /** A copy with the filter COL=VALUE parsed from text. */
    public Options withFilter(String spec) {
      if (spec == null) {
        return new Options(column, dateColumn, null, null, missing);
      }
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException("filter must look like COL=VALUE, got '" + spec + "'");
      }
      return new Options(column, dateColumn, spec.substring(0, eq).trim(), spec.substring(eq + 1).trim(), missing);
    }

    public Options withDateColumn(String c) {
      return new Options(column, c, filterColumn, filterValue, missing);
    }

    public Options withMissing(Missing m) {
      return new Options(column, dateColumn, filterColumn, filterValue, m);
    }
  }

  /** Reads a series from a .csv or .npy file (by extension). */
  public static Series read(Path file, Options options) throws IOException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      return fromNpy(Npy.read(file), file.toString(), options);
    }
    return parseCsv(Files.readString(file, StandardCharsets.UTF_8), file.toString(), options);
  }

  /** Column {@code options.column()} (a 0-based index) of an array of shape (T) or (T, C). */
  static Series fromNpy(NdArray a, String source, Options options) {
    if (options.filterColumn() != null) {
      throw new IllegalArgumentException(source + ": an NPY file has no columns to filter on");
    }
    int col;
    try {
      col = Integer.parseInt(options.column().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": for an NPY file the column is a 0-based index, got '"
          + options.column() + "'");
    }
    int t = (int) a.dim(0);
    int c = a.rank() == 1 ? 1 : (int) a.dim(1);
    if (a.rank() > 2) {
      throw new IllegalArgumentException(source + ": a series array must have shape (T) or (T, C), got rank " + a.rank());
    }
    if (col < 0 || col >= c) {
      throw new IllegalArgumentException(source + ": column " + col + " is outside [0, " + (c - 1) + "]");
    }
    double[] v = new double[t];
    boolean[] present = new boolean[t];
    for (int i = 0; i < t; i++) {
      v[i] = a.flat(i * c + col);
      present[i] = !Double.isNaN(v[i]);
      if (Double.isInfinite(v[i])) {
        throw new IllegalArgumentException(source + ": row " + i + " column " + col + " is " + v[i]);
      }
    }
    return finish(source, "column " + col, new ArrayList<>(), v, present, rowsAsLines(t), options.missing(), false);
  }

  private static int[] rowsAsLines(int t) {
    int[] lines = new int[t];
    for (int i = 0; i < t; i++) {
      lines[i] = i;
    }
    return lines;
  }

  /** Parses CSV text; {@code source} names it in errors. */
  public static Series parseCsv(String text, String source, Options options) {
    String[] lines = text.split("\r?\n", -1);
    if (lines.length == 0 || lines[0].isBlank()) {
      throw new IllegalArgumentException(source + ": empty file, expected a header line with column names");
    }
    List<String> header = splitLine(lines[0], source, 1);
    int valueCol = indexOf(header, options.column(), source, "value");
    int dateCol = options.dateColumn() != null ? indexOf(header, options.dateColumn(), source, "date") : -1;
    if (options.dateColumn() == null) {
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).equalsIgnoreCase("date")) {
          dateCol = i;
        }
      }
    }
    int filterCol = options.filterColumn() != null ? indexOf(header, options.filterColumn(), source, "filter") : -1;
    List<String> dates = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Boolean> present = new ArrayList<>();
    List<Integer> lineNumbers = new ArrayList<>();
    boolean filterSeen = false;
    for (int li = 1; li < lines.length; li++) {
      if (lines[li].isBlank()) {
        continue;
      }
      int lineNo = li + 1;
      List<String> cells = splitLine(lines[li], source, lineNo);
      if (cells.size() != header.size()) {
        throw new IllegalArgumentException(source + ":" + lineNo + ": " + cells.size() + " fields, the header has "
            + header.size());
      }
      if (filterCol >= 0 && !cells.get(filterCol).equals(options.filterValue())) {
        continue;
      }
      filterSeen = true;
      String cell = cells.get(valueCol);
      boolean missing = MISSING_TOKENS.contains(cell.toLowerCase(Locale.ROOT));
      double v = Double.NaN;
      if (!missing) {
        try {
          v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(source + ":" + lineNo + ": column '" + header.get(valueCol) + "': '"
              + cell + "' is not a number");
        }
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(source + ":" + lineNo + ": column '" + header.get(valueCol) + "': '"
              + cell + "' is not finite");
        }
      }
      values.add(v);
      present.add(!missing);
      lineNumbers.add(lineNo);
      if (dateCol >= 0) {
        dates.add(cells.get(dateCol));
      }
    }
    if (filterCol >= 0 && !filterSeen) {
      throw new IllegalArgumentException(source + ": no row has " + options.filterColumn() + "=" + options.filterValue());
    }
    if (values.isEmpty()) {
      throw new IllegalArgumentException(source + ": no data rows");
    }
    double[] v = new double[values.size()];
    boolean[] p = new boolean[values.size()];
    int[] ln = new int[values.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = values.get(i);
      p[i] = present.get(i);
      ln[i] = lineNumbers.get(i);
    }
    String name = header.get(valueCol) + (filterCol >= 0 ? " (" + options.filterColumn() + "=" + options.filterValue()
        + ")" : "");
    return finish(source, name, dates, v, p, ln, options.missing(), true);
  }

  private static Series finish(String source, String name, List<String> dates, double[] v, boolean[] present,
      int[] lines, Missing policy, boolean csv) {
    String where = csv ? "line " : "row ";
    int firstMissing = -1;
    for (int i = 0; i < v.length; i++) {
      if (!present[i]) {
        firstMissing = i;
        break;
      }
    }
    if (firstMissing < 0) {
      return new Series(name, dates, v);
    }
    switch (policy) {
      case ERROR -> throw new IllegalArgumentException(source + ": " + where + lines[firstMissing] + ", column '" + name
          + "': missing value (policy 'error'; use drop or interpolate to accept gaps)");
      case DROP -> {
        List<String> keptDates = new ArrayList<>();
        double[] kept = new double[v.length];
        int k = 0;
        for (int i = 0; i < v.length; i++) {
          if (present[i]) {
            kept[k++] = v[i];
            if (!dates.isEmpty()) {
              keptDates.add(dates.get(i));
            }
          }
        }
        if (k == 0) {
          throw new IllegalArgumentException(source + ": column '" + name + "' has no present values");
        }
        return new Series(name, keptDates, java.util.Arrays.copyOf(kept, k));
      }
      case INTERPOLATE -> {
        double[] out = v.clone();
        for (int i = 0; i < v.length; i++) {
          if (present[i]) {
            continue;
          }
          int a = i - 1;
          int b = i + 1;
          while (b < v.length && !present[b]) {
            b++;
          }
          if (a < 0 || b >= v.length) {
            throw new IllegalArgumentException(source + ": " + where + lines[i] + ", column '" + name
                + "': missing value at the " + (a < 0 ? "start" : "end") + " of the series cannot be interpolated");
          }
          for (int j = i; j < b; j++) {
            double w = (double) (j - a) / (b - a);
            out[j] = (1 - w) * v[a] + w * v[b];
          }
          i = b;
        }
        return new Series(name, dates, out);
      }
      default -> throw new AssertionError(policy);
    }
  }

  private static int indexOf(List<String> header, String column, String source, String role) {
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).equals(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException(source + ": no " + role + " column '" + column + "'; the columns are " + header);
  }

  /** Splits one CSV line into trimmed fields, honouring double quotes. */
  static List<String> splitLine(String line, String source, int lineNo) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(source + ":" + lineNo + ": unterminated quote");
    }
    out.add(cur.toString().trim());
    return out;
  }
}
