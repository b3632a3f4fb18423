package org.diffusion4j.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader (RFC 8259) for specs: objects become {@link LinkedHashMap}, arrays
 * {@link List}, numbers {@link Double}, plus {@link String}, {@link Boolean} and {@code null}.
 *
 * <p>Core keeps its dependency list to the JDK (DESIGN: core depends on nothing else), and specs
 * are tiny, so a 200-line parser that is fuzzed in the tests is cheaper to trust than a library.
 * Nesting is limited to {@value #MAX_DEPTH} levels so hostile input cannot overflow the stack;
 * numbers beyond the double range (such as {@code 1e999}) are an error rather than infinity.
 * Every problem is a {@link JsonException} naming the position.
 */
public final class Json {
  static final int MAX_DEPTH = 256;

  private final String s;
  private int pos;

  private Json(String s) {
    this.s = s;
  }

  /** Parses one JSON value (surrounding white space allowed, nothing else). */
  public static Object parse(String text) {
    if (text == null) {
      throw new JsonException("JSON text is null");
    }
    Json p = new Json(text);
    p.skipWs();
    Object v = p.value(0);
    p.skipWs();
    if (p.pos != text.length()) {
      throw p.error("unexpected trailing characters");
    }
    return v;
  }

  private JsonException error(String what) {
    return new JsonException("malformed JSON at character " + pos + ": " + what);
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private Object value(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("nesting deeper than " + MAX_DEPTH);
    }
    if (pos >= s.length()) {
      throw error("unexpected end of input");
    }
    char c = s.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", null);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + printable(c) + "'");
    }
  }

  private static String printable(char c) {
    return c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw error("expected " + word);
    }
    pos += word.length();
    return v;
  }

  private Map<String, Object> object(int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    pos++;
    skipWs();
    if (pos < s.length() && s.charAt(pos) == '}') {
      pos++;
      return m;
    }
    while (true) {
      skipWs();
      if (pos >= s.length() || s.charAt(pos) != '"') {
        throw error("expected a field name in quotes");
      }
      String key = string();
      skipWs();
      expect(':');
      skipWs();
      Object v = value(depth + 1);
      if (m.containsKey(key)) {
        throw error("duplicate field '" + key + "'");
      }
      m.put(key, v);
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect('}');
      return m;
    }
  }

  private List<Object> array(int depth) {
    List<Object> list = new ArrayList<>();
    pos++;
    skipWs();
    if (pos < s.length() && s.charAt(pos) == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWs();
      list.add(value(depth + 1));
      skipWs();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        continue;
      }
      expect(']');
      return list;
    }
  }

  private void expect(char c) {
    if (pos >= s.length()) {
      throw error("expected '" + c + "' but the input ended");
    }
    if (s.charAt(pos) != c) {
      throw error("expected '" + c + "' but found '" + printable(s.charAt(pos)) + "'");
    }
    pos++;
  }

  private String string() {
    pos++; // opening quote
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw error("unterminated string");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return sb.toString();
      }
      if (c < 0x20) {
        throw error("control character in string");
      }
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw error("unterminated escape");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (pos + 4 > s.length()) {
            throw error("short \\u escape");
          }
          int code = 0;
          for (int i = 0; i < 4; i++) {
            char x = s.charAt(pos++);
            // only ASCII hex digits: Character.digit would also take e.g. Arabic-Indic digits
            int h = x < 128 ? Character.digit(x, 16) : -1;
            if (h < 0) {
              throw error("bad hex digit in \\u escape");
            }
            code = code * 16 + h;
          }
          sb.append((char) code);
        }
        default -> throw error("bad escape \\" + printable(e));
      }
    }
  }

  private Double number() {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= s.length()) {
      throw error("bad number");
    }
    if (s.charAt(pos) == '0') {
      pos++;
    } else if (isDigit()) {
      while (isDigit()) {
        pos++;
      }
    } else {
      throw error("bad number");
    }
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      if (!isDigit()) {
        throw error("bad number: digit expected after '.'");
      }
      while (isDigit()) {
        pos++;
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      if (!isDigit()) {
        throw error("bad number: digit expected in exponent");
      }
      while (isDigit()) {
        pos++;
      }
    }
    Double v = Double.valueOf(s.substring(start, pos));
    if (v.isInfinite()) {
      pos = start;
      throw error("number " + s.substring(start, Math.min(s.length(), start + 40)).split("[^-+.eE0-9]")[0]
          + " is beyond the range of a double");
    }
    return v;
  }

  private boolean isDigit() {
    return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
  }

  // ---- typed access for specs: errors name the field ----

  /** A number field; {@code field} names it in errors. */
  public static double number(Object v, String field) {
    if (v instanceof Double d) {
      return d;
    }
    throw new JsonException("field '" + field + "' must be a number, got " + describe(v));
  }

  /** An array of numbers. */
  public static double[] doubleArray(Object v, String field) {
    if (!(v instanceof List<?> list)) {
      throw new JsonException("field '" + field + "' must be an array of numbers, got " + describe(v));
    }
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = number(list.get(i), field + "[" + i + "]");
    }
    return out;
  }

  /** An array of equally long arrays of numbers. */
  public static double[][] doubleMatrix(Object v, String field) {
    if (!(v instanceof List<?> list)) {
      throw new JsonException("field '" + field + "' must be an array of arrays of numbers, got " + describe(v));
    }
    double[][] out = new double[list.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubleArray(list.get(i), field + "[" + i + "]");
      if (out[i].length != out[0].length) {
        throw new JsonException("field '" + field + "[" + i + "]' has length " + out[i].length + ", expected "
            + out[0].length + " like " + field + "[0]");
      }
    }
    return out;
  }

  /** A string field. */
  public static String string(Object v, String field) {
    if (v instanceof String str) {
      return str;
    }
    throw new JsonException("field '" + field + "' must be a string, got " + describe(v));
  }

  private static String describe(Object v) {
    if (v == null) {
      return "null (or missing)";
    }
    if (v instanceof Map) {
      return "an object";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    return "the number " + v;
  }

  // ---- writing ----

  /** Appends {@code [a0, a1, ...]} with round-trip precision. */
  public static void appendArray(StringBuilder sb, double[] a) {
    sb.append('[');
    for (int i = 0; i < a.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      appendNumber(sb, a[i]);
    }
    sb.append(']');
  }

  /** Appends an array of arrays. */
  public static void appendMatrix(StringBuilder sb, double[][] m) {
    sb.append('[');
    for (int i = 0; i < m.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      appendArray(sb, m[i]);
    }
    sb.append(']');
  }

  /** A finite number in shortest round-trip form; NaN and infinities are not JSON. */
  public static void appendNumber(StringBuilder sb, double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("JSON cannot hold the non-finite number " + x);
    }
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      sb.append((long) x);
    } else {
      sb.append(x);
    }
  }

  /** Appends a quoted, escaped string. */
  public static void appendString(StringBuilder sb, String str) {
    sb.append('"');
    for (int i = 0; i < str.length(); i++) {
      char c = str.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
