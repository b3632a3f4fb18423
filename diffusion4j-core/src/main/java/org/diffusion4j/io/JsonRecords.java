package org.diffusion4j.io;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One helper that turns a configuration record into JSON and back (the role of diffusers'
 * {@code ConfigMixin}): every component is written under its own name, in declaration order, so
 * no class writes JSON by hand.
 *
 * <p>Supported component types: {@code int}, {@code long}, {@code double}, {@code boolean},
 * {@link String}, enums (written as their {@code cliName()} when they have one, else their
 * lower-case name; read case-insensitively by either), {@code int[]}, {@code long[]},
 * {@code double[]}, {@code Map<String, String>} and nested records of these. Reading is strict:
 * a missing field, a wrong type or a non-integer where an integer belongs is a
 * {@link JsonException} naming the field; unknown fields are an error too, so a typo in a
 * hand-edited config is not silently ignored. A field that is absent and whose name is listed in
 * {@code defaults} takes that value, which lets configs gain fields without breaking old files.
 * A component whose declared type is an interface (e.g. a network config, one of several record
 * types) is written and read by a {@link Codec} registered for that type, typically in the static
 * initialiser of the record that uses it (run before its fields are read).
 */
public final class JsonRecords {
  private JsonRecords() {}

  /** JSON form of a component type that is not a plain record (e.g. an interface with a type registry). */
  public interface Codec<T> {
    /** JSON object text of {@code value}. */
    String toJson(T value);

    /** Reads the value from a parsed JSON object; {@code field} names it in errors. */
    T fromJson(Map<?, ?> m, String field);
  }

  /** Codecs registered by component type. */
  private static final Map<Class<?>, Codec<?>> CODECS = new java.util.concurrent.ConcurrentHashMap<>();

  /** Registers the codec of an interface type used as a record component. */
  public static <T> void register(Class<T> type, Codec<T> codec) {
    CODECS.put(type, codec);
  }

  /** JSON object text of {@code r}, optionally led by {@code "type": type} (null for none). */
  public static String toJson(Record r, String type) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    if (type != null) {
      sb.append("\"type\": ");
      Json.appendString(sb, type);
      first = false;
    }
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      Json.appendString(sb, c.getName());
      sb.append(": ");
      Object v = read(c, r);
      @SuppressWarnings("unchecked")
      Codec<Object> codec = (Codec<Object>) CODECS.get(c.getType());
      if (codec != null && v != null) {
        sb.append(codec.toJson(v));
      } else {
        appendValue(sb, v, c.getName());
      }
    }
    return sb.append('}').toString();
  }

  /** JSON object text of {@code r}. */
  public static String toJson(Record r) {
    return toJson(r, null);
  }

  /**
   * Builds a {@code type} record from a parsed JSON object (through its canonical constructor, so
   * the record's own validation runs). A {@code "type"} key is ignored; {@code context} prefixes
   * field names in errors; {@code defaults} supplies values for absent fields (may be empty).
   */
  public static <R extends Record> R fromJson(Class<R> type, Map<?, ?> m, String context, Map<String, Object> defaults) {
    initialize(type);
    RecordComponent[] comps = type.getRecordComponents();
    Object[] args = new Object[comps.length];
    Class<?>[] types = new Class<?>[comps.length];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < comps.length; i++) {
      RecordComponent c = comps[i];
      names.add(c.getName());
      types[i] = c.getType();
      String field = context.isEmpty() ? c.getName() : context + "." + c.getName();
      Object v = m.get(c.getName());
      if (v == null && !m.containsKey(c.getName()) && defaults.containsKey(c.getName())) {
        args[i] = defaults.get(c.getName());
      } else {
        args[i] = convert(v, c.getType(), field);
      }
    }
    for (Object k : m.keySet()) {
      if (!"type".equals(k) && !names.contains(String.valueOf(k))) {
        throw new JsonException("unknown field '" + (context.isEmpty() ? "" : context + ".") + k + "'; expected one of "
            + names);
      }
    }
    try {
      Constructor<R> ctor = type.getDeclaredConstructor(types);
      return ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot construct " + type.getSimpleName() + ": " + e, e);
    }
  }

  /** {@link #fromJson(Class, Map, String, Map)} without defaults. */
  public static <R extends Record> R fromJson(Class<R> type, Map<?, ?> m, String context) {
    return fromJson(type, m, context, Map.of());
  }

  /** Runs the record class's static initialiser, where it registers the codecs its components need. */
  private static void initialize(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object read(RecordComponent c, Record r) {
    try {
      Method acc = c.getAccessor();
      acc.setAccessible(true);
      return acc.invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + c.getName() + ": " + e, e);
    }
  }

  private static void appendValue(StringBuilder sb, Object v, String field) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Integer || v instanceof Long) {
      sb.append(v);
    } else if (v instanceof Double d) {
      Json.appendNumber(sb, d);
    } else if (v instanceof Boolean b) {
      sb.append(b);
    } else if (v instanceof String s) {
      Json.appendString(sb, s);
    } else if (v instanceof Enum<?> e) {
      Json.appendString(sb, enumName(e));
    } else if (v instanceof int[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        sb.append(i > 0 ? ", " : "").append(a[i]);
      }
      sb.append(']');
    } else if (v instanceof long[] a) {
      sb.append('[');
      for (int i = 0; i < a.length; i++) {
        sb.append(i > 0 ? ", " : "").append(a[i]);
      }
      sb.append(']');
    } else if (v instanceof double[] a) {
      Json.appendArray(sb, a);
    } else if (v instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        sb.append(first ? "" : ", ");
        first = false;
        Json.appendString(sb, String.valueOf(e.getKey()));
        sb.append(": ");
        Json.appendString(sb, String.valueOf(e.getValue()));
      }
      sb.append('}');
    } else if (v instanceof Record rec) {
      sb.append(toJson(rec));
    } else {
      throw new IllegalArgumentException("field '" + field + "' has unsupported type " + v.getClass().getSimpleName());
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object convert(Object v, Class<?> t, String field) {
    Codec<?> codec = CODECS.get(t);
    if (codec != null) {
      if (!(v instanceof Map<?, ?> map)) {
        throw new JsonException("field '" + field + "' must be an object");
      }
      return codec.fromJson(map, field);
    }
    if (t == int.class || t == Integer.class) {
      return (int) integral(v, field, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }
    if (t == long.class || t == Long.class) {
      return integral(v, field, -(1L << 53), 1L << 53);
    }
    if (t == double.class || t == Double.class) {
      return Json.number(v, field);
    }
    if (t == boolean.class || t == Boolean.class) {
      if (v instanceof Boolean b) {
        return b;
      }
      throw new JsonException("field '" + field + "' must be true or false");
    }
    if (t == String.class) {
      return Json.string(v, field);
    }
    if (t.isEnum()) {
      String s = Json.string(v, field);
      for (Object e : t.getEnumConstants()) {
        if (enumName((Enum<?>) e).equalsIgnoreCase(s) || ((Enum<?>) e).name().equalsIgnoreCase(s)) {
          return e;
        }
      }
      List<String> allowed = new ArrayList<>();
      for (Object e : t.getEnumConstants()) {
        allowed.add(enumName((Enum<?>) e));
      }
      throw new JsonException("field '" + field + "' is '" + s + "'; expected one of " + allowed);
    }
    if (t == int[].class || t == long[].class) {
      if (!(v instanceof List<?> list)) {
        throw new JsonException("field '" + field + "' must be an array of integers");
      }
      long[] out = new long[list.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = integral(list.get(i), field + "[" + i + "]", t == int[].class ? Integer.MIN_VALUE : -(1L << 53),
            t == int[].class ? Integer.MAX_VALUE : 1L << 53);
      }
      if (t == long[].class) {
        return out;
      }
      int[] ints = new int[out.length];
      for (int i = 0; i < out.length; i++) {
        ints[i] = (int) out[i];
      }
      return ints;
    }
    if (t == double[].class) {
      return Json.doubleArray(v, field);
    }
    if (Map.class.isAssignableFrom(t)) {
      if (!(v instanceof Map<?, ?> map)) {
        throw new JsonException("field '" + field + "' must be an object");
      }
      Map<String, String> out = new TreeMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.put(String.valueOf(e.getKey()), Json.string(e.getValue(), field + "." + e.getKey()));
      }
      return out;
    }
    if (t.isRecord()) {
      if (!(v instanceof Map<?, ?> map)) {
        throw new JsonException("field '" + field + "' must be an object");
      }
      return fromJson((Class) t, map, field);
    }
    throw new IllegalArgumentException("field '" + field + "' has unsupported type " + t.getSimpleName());
  }

  private static long integral(Object v, String field, long lo, long hi) {
    double d = Json.number(v, field);
    if (d != Math.rint(d) || d < lo || d > hi) {
      throw new JsonException("field '" + field + "' must be an integer in [" + lo + ", " + hi + "], got " + d);
    }
    return (long) d;
  }

  private static String enumName(Enum<?> e) {
    try {
      Method m = e.getClass().getMethod("cliName");
      return String.valueOf(m.invoke(e));
    } catch (NoSuchMethodException ex) {
      return e.name().toLowerCase(Locale.ROOT);
    } catch (ReflectiveOperationException ex) {
      throw new IllegalStateException(ex);
    }
  }
}
