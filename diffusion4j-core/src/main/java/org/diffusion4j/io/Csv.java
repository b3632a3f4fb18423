package org.diffusion4j.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import org.diffusion4j.array.Batch;

/**
 * Reads numeric CSV files into a {@link Batch} (one row per line, one column per selected field)
 * and writes batches as CSV.
 *
 * <p>Cells are trimmed; fields may be quoted with {@code "} ({@code ""} inside a quoted field is
 * a quote); blank lines are skipped; a UTF-8 byte-order mark is ignored. A number is
 * {@code [+-]digits[.digits][e[+-]digits]}, {@code inf}/{@code infinity} or {@code nan} (any case).
 * A cell equal to one of the missing-value tokens (by default empty, {@code NA}, {@code N/A},
 * {@code NaN}, {@code nan}, {@code null}, as pandas reads them) is missing and handled by the
 * {@link MissingValues} policy. Any other cell is an error. Every problem is a
 * {@link FormatException} naming the file, the line and the column.
 *
 * <pre>{@code
 * Csv.Table t = Csv.read(Path.of("data.csv"), Csv.Options.defaults().columns("x", "y")
 *     .missing(Csv.MissingValues.DROP_ROW));
 * Batch xy = t.data();   // (rows, 2)
 * }</pre>
 */
public final class Csv {
  private Csv() {}

  /** What to do with missing cells in the selected columns. */
  public enum MissingValues {
    /** A missing cell is an error naming the line and column (the default). */
    ERROR,
    /** Rows with a missing cell in any selected column are skipped. */
    DROP_ROW,
    /** Missing cells get the mean of the column's present values. */
    FILL_MEAN
  }

  /** Whether the first line holds column names. */
  public enum Header {
    /** A header iff some cell of the first line is neither a number nor a missing token. */
    AUTO,
    PRESENT,
    ABSENT
  }

  /** The selected column names (header names, or 0-based indices as text without a header) and the data. */
  public record Table(List<String> columns, Batch data) {
    public Table {
      columns = List.copyOf(columns);
    }
  }

  /** Immutable reading options; start from {@link #defaults()} and chain the with-methods. */
  public static final class Options {
    private static final Set<String> DEFAULT_MISSING = Set.of("", "NA", "N/A", "NaN", "nan", "null");

    private final char delimiter;
    private final Header header;
    private final List<String> names;
    private final int[] indices;
    private final MissingValues missing;
    private final Set<String> missingTokens;

    private Options(char delimiter, Header header, List<String> names, int[] indices, MissingValues missing,
        Set<String> missingTokens) {
      this.delimiter = delimiter;
      this.header = header;
      this.names = names;
      this.indices = indices;
      this.missing = missing;
      this.missingTokens = missingTokens;
    }

    /** Comma-delimited, header auto-detected, all columns, missing values are an error. */
    public static Options defaults() {
      return new Options(',', Header.AUTO, null, null, MissingValues.ERROR, DEFAULT_MISSING);
    }

    /** The field delimiter, e.g. {@code ';'} or {@code '\t'}. */
    public Options delimiter(char c) {
      if (c == '"' || c == '\n' || c == '\r') {
        throw new IllegalArgumentException("CSV delimiter cannot be a quote or a line break");
      }
      return new Options(c, header, names, indices, missing, missingTokens);
    }

    public Options header(Header h) {
      return new Options(delimiter, java.util.Objects.requireNonNull(h, "header"), names, indices, missing,
          missingTokens);
    }

    /** Selects columns by header name, in this order (needs a header). */
    public Options columns(String... columnNames) {
      if (columnNames.length == 0) {
        throw new IllegalArgumentException("select at least one column");
      }
      return new Options(delimiter, header, List.of(columnNames), null, missing, missingTokens);
    }

    /** Selects columns by 0-based position, in this order. */
    public Options columnIndices(int... columnIndices) {
      if (columnIndices.length == 0) {
        throw new IllegalArgumentException("select at least one column");
      }
      for (int i : columnIndices) {
        if (i < 0) {
          throw new IllegalArgumentException("column index " + i + " must be >= 0");
        }
      }
      return new Options(delimiter, header, null, columnIndices.clone(), missing, missingTokens);
    }

    public Options missing(MissingValues policy) {
      return new Options(delimiter, header, names, indices, java.util.Objects.requireNonNull(policy, "policy"),
          missingTokens);
    }

    /** The cell texts (after trimming) that mean "missing"; replaces the defaults. */
    public Options missingTokens(String... tokens) {
      return new Options(delimiter, header, names, indices, missing, Set.of(tokens));
    }
  }

  /** Reads all columns with the {@linkplain Options#defaults() default options}. */
  public static Table read(Path file) throws IOException {
    return read(file, Options.defaults());
  }

  public static Table read(Path file, Options options) throws IOException {
    ReadLimits.requireCsv(file);
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r, file.toString(), options);
    } catch (CharacterCodingException e) {
      throw new FormatException(file + ": not valid UTF-8 text", e);
    }
  }

  /** Parses CSV text; {@code name} names it in errors. */
  public static Table parse(String text, String name, Options options) {
    try {
      return read(new BufferedReader(new StringReader(text)), name, options);
    } catch (IOException e) {
      throw new AssertionError("a string cannot fail to read", e);
    }
  }

  private static Table read(BufferedReader r, String name, Options o) throws IOException {
    Lines lines = new Lines(r);
    List<String> first = null;
    int firstLine = 0;
    String text;
    while ((text = lines.next()) != null) {
      if (lines.number == 1 && text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      if (!text.isBlank()) {
        first = split(text, o.delimiter, name, lines.number);
        firstLine = lines.number;
        break;
      }
    }
    if (first == null) {
      throw new FormatException(name + ": empty CSV file (no header and no data rows)");
    }
    boolean hasHeader = switch (o.header) {
      case PRESENT -> true;
      case ABSENT -> false;
      case AUTO -> first.stream().anyMatch(c -> !o.missingTokens.contains(c) && !isNumber(c));
    };
    int width = first.size();
    List<String> allNames = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      allNames.add(hasHeader ? first.get(i) : Integer.toString(i));
    }
    int[] sel = select(o, hasHeader, allNames, name);
    List<String> selNames = new ArrayList<>();
    for (int c : sel) {
      selNames.add(allNames.get(c));
    }
    int d = sel.length;
    double[] data = new double[Math.max(d, 1) * 64];
    BitSet missing = new BitSet();
    int rows = 0;
    List<String> cells = hasHeader ? null : first;
    int lineNo = firstLine;
    while (true) {
      if (cells == null) {
        while ((text = lines.next()) != null && text.isBlank()) {
          // skip blank lines
        }
        if (text == null) {
          break;
        }
        lineNo = lines.number;
        cells = split(text, o.delimiter, name, lineNo);
      }
      if (cells.size() != width) {
        throw new FormatException(name + ": line " + lineNo + " has " + cells.size() + " fields, expected " + width
            + (hasHeader ? " like the header" : " like line " + firstLine));
      }
      if ((long) (rows + 1) * d > ArrayData.MAX_ELEMENTS) {
        throw new FormatException(name + ": more than " + ArrayData.MAX_ELEMENTS + " values, too many for one batch");
      }
      if ((rows + 1) * d > data.length) {
        data = Arrays.copyOf(data, (int) Math.min(ArrayData.MAX_ELEMENTS, 2L * data.length));
      }
      boolean rowMissing = false;
      for (int j = 0; j < d; j++) {
        String cell = cells.get(sel[j]);
        int at = rows * d + j;
        if (o.missingTokens.contains(cell)) {
          if (o.missing == MissingValues.ERROR) {
            throw new FormatException(name + ": line " + lineNo + ", column '" + Npy.printable(selNames.get(j))
                + "' (" + (sel[j] + 1) + "): missing value" + (cell.isEmpty() ? "" : " '" + cell + "'")
                + " (choose a missing-value policy: DROP_ROW or FILL_MEAN)");
          }
          missing.set(at);
          rowMissing = true;
        } else if (isNumber(cell)) {
          data[at] = parseNumber(cell);
        } else {
          throw new FormatException(name + ": line " + lineNo + ", column '" + Npy.printable(selNames.get(j)) + "' ("
              + (sel[j] + 1) + "): '" + Npy.printable(cell) + "' is not a number");
        }
      }
      if (rowMissing && o.missing == MissingValues.DROP_ROW) {
        missing.clear(rows * d, rows * d + d);
      } else {
        rows++;
      }
      cells = null;
    }
    if (o.missing == MissingValues.FILL_MEAN && !missing.isEmpty()) {
      fillMeans(data, rows, d, missing, selNames, name);
    }
    return new Table(selNames, new Batch(rows, d, Arrays.copyOf(data, rows * d)));
  }

  private static void fillMeans(double[] data, int rows, int d, BitSet missing, List<String> names, String name) {
    for (int j = 0; j < d; j++) {
      double sum = 0;
      int count = 0;
      for (int i = 0; i < rows; i++) {
        if (!missing.get(i * d + j)) {
          sum += data[i * d + j];
          count++;
        }
      }
      if (count == 0) {
        throw new FormatException(name + ": column '" + Npy.printable(names.get(j))
            + "' has no values, so its missing values cannot be filled with the mean");
      }
      double mean = sum / count;
      for (int i = 0; i < rows; i++) {
        if (missing.get(i * d + j)) {
          data[i * d + j] = mean;
        }
      }
    }
  }

  private static int[] select(Options o, boolean hasHeader, List<String> allNames, String name) {
    if (o.names != null) {
      if (!hasHeader) {
        throw new FormatException(name + ": columns are selected by name but the file has no header row");
      }
      int[] sel = new int[o.names.size()];
      for (int i = 0; i < sel.length; i++) {
        sel[i] = allNames.indexOf(o.names.get(i));
        if (sel[i] < 0) {
          throw new FormatException(name + ": no column named '" + o.names.get(i) + "'; the header has "
              + allNames);
        }
        if (allNames.lastIndexOf(o.names.get(i)) != sel[i]) {
          throw new FormatException(name + ": the header names two columns '" + o.names.get(i) + "'");
        }
      }
      return sel;
    }
    if (o.indices != null) {
      for (int c : o.indices) {
        if (c >= allNames.size()) {
          throw new FormatException(name + ": column index " + c + " is out of range; the file has "
              + allNames.size() + " columns (0-based indices)");
        }
      }
      return o.indices.clone();
    }
    int[] all = new int[allNames.size()];
    Arrays.setAll(all, i -> i);
    return all;
  }

  /** Splits one line into trimmed fields, honouring double quotes. */
  static List<String> split(String line, char delim, String name, int lineNo) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && line.charAt(i) != delim && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new FormatException(name + ": line " + lineNo + ": unterminated quoted field");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              sb.append('"');
              i++;
            } else {
              break;
            }
          } else {
            sb.append(c);
          }
        }
        while (i < n && line.charAt(i) != delim && Character.isWhitespace(line.charAt(i))) {
          i++;
        }
        if (i < n && line.charAt(i) != delim) {
          throw new FormatException(name + ": line " + lineNo + ": unexpected text after a quoted field");
        }
        out.add(sb.toString().strip());
      } else {
        int start = i;
        while (i < n && line.charAt(i) != delim) {
          if (line.charAt(i) == '"') {
            throw new FormatException(name + ": line " + lineNo + ": a quote inside an unquoted field");
          }
          i++;
        }
        out.add(line.substring(start, i).strip());
      }
      if (i >= n) {
        return out;
      }
      i++; // delimiter
    }
  }

  /** The strict number grammar of this reader (no hex, no Java suffixes like {@code 1d}). */
  static boolean isNumber(String s) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    String rest = s.substring(i).toLowerCase(java.util.Locale.ROOT);
    if (rest.equals("inf") || rest.equals("infinity") || rest.equals("nan")) {
      return true;
    }
    int digits = 0;
    while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int exp = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        exp++;
      }
      if (exp == 0) {
        return false;
      }
    }
    return i == n;
  }

  private static double parseNumber(String s) {
    String t = s.toLowerCase(java.util.Locale.ROOT);
    boolean neg = t.startsWith("-");
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    if (body.equals("inf") || body.equals("infinity")) {
      return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (body.equals("nan")) {
      return Double.NaN;
    }
    return Double.parseDouble(s);
  }

  // ---- writing ----

  /**
   * Writes a batch as CSV with a header line of {@code columns} (null for no header), values in
   * shortest round-trip form. Atomic.
   */
  public static void write(Path file, Batch data, List<String> columns) throws IOException {
    if (columns != null && columns.size() != data.d()) {
      throw new IllegalArgumentException(columns.size() + " column names for a batch of dimension " + data.d());
    }
    StringBuilder sb = new StringBuilder();
    if (columns != null) {
      for (int j = 0; j < columns.size(); j++) {
        String c = columns.get(j);
        sb.append(j > 0 ? "," : "");
        if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || !c.equals(c.strip())) {
          sb.append('"').append(c.replace("\"", "\"\"")).append('"');
        } else {
          sb.append(c);
        }
      }
      sb.append('\n');
    }
    double[] x = data.data();
    for (int i = 0; i < data.n(); i++) {
      for (int j = 0; j < data.d(); j++) {
        sb.append(j > 0 ? "," : "").append(x[i * data.d() + j]);
      }
      sb.append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /** Counts lines as {@link BufferedReader#readLine} splits them. */
  private static final class Lines {
    private final BufferedReader r;
    int number;

    Lines(BufferedReader r) {
      this.r = r;
    }

    String next() throws IOException {
      String s = r.readLine();
      if (s != null) {
        number++;
      }
      return s;
    }
  }
}
