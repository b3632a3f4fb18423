package org.diffusion4j.nn.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;

/**
 * The registry of networks by name, as {@link org.diffusion4j.sampler.Samplers} is for samplers,
 * and the one place where a {@link NetworkConfig} becomes JSON and back.
 */
public final class Networks {
  private static final Map<String, Class<? extends Record>> TYPES = new LinkedHashMap<>();
  private static final Map<String, Function<long[], NetworkConfig>> DEFAULTS = new LinkedHashMap<>();
  private static final Map<String, String> ALIASES = Map.of("mlp", "time-mlp", "unet", "unet2d");

  static {
    register("time-mlp", MlpConfig.class, shape -> MlpConfig.defaults(Math.toIntExact(product(shape))));
    // Flat rows of L values are univariate series of length L; (L, C) samples are multivariate.
    register("sequence", SequenceNetConfig.class, shape -> {
      if (shape.length != 1 && shape.length != 2) {
        throw new IllegalArgumentException("the sequence network needs series: rows of L values or samples of shape"
            + " (L, C), got samples of shape " + java.util.Arrays.toString(shape));
      }
      return SequenceNetConfig.defaults(Math.toIntExact(shape[0]), shape.length == 1 ? 1 : Math.toIntExact(shape[1]),
          SequenceNetConfig.Backbone.DILATED_CONV);
    });
    // Graphs: node features (N, F) scored given an adjacency; point sets (N, D) for the EGNN.
    register("unet2d", UNet2dConfig.class, shape -> {
      if (shape.length != 3) {
        throw new IllegalArgumentException("the U-Net needs images: samples of shape (C, H, W) such as --data mnist or"
            + " an NPY of shape (n, H, W) or (n, C, H, W), got samples of shape " + java.util.Arrays.toString(shape));
      }
      return UNet2dConfig.defaults(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), Math.toIntExact(shape[2]));
    });
    register("graph", GraphNetConfig.class, shape -> {
      if (shape.length != 2) {
        throw new IllegalArgumentException("the graph network needs node features of shape (N, F) per sample, got "
            + java.util.Arrays.toString(shape));
      }
      return GraphNetConfig.nodes(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]));
    });
    register("fake-quant", org.diffusion4j.nn.compress.FakeQuantNetConfig.class, org.diffusion4j.nn.compress.FakeQuantNetConfig::passThrough);
    register("egnn", EgnnConfig.class, shape -> {
      if (shape.length != 2) {
        throw new IllegalArgumentException("the EGNN needs point sets of shape (N, D) per sample, got "
            + java.util.Arrays.toString(shape));
      }
      return EgnnConfig.defaults(Math.toIntExact(shape[0]), Math.toIntExact(shape[1]), 0);
    });
    register("control-mlp", ControlMlpConfig.class, shape -> new ControlMlpConfig(Math.toIntExact(product(shape)), Math.toIntExact(product(shape)), 64, 2, 0, 0));
    register("gru", GruConfig.class, shape -> new GruConfig(Math.toIntExact(shape[0]), shape.length == 1 ? 1 : Math.toIntExact(shape[1]), shape.length == 1 ? 1 : Math.toIntExact(shape[1]), 32, 0, 0));
    register("pard", org.diffusion4j.nn.graph.pard.PardNetConfig.class, org.diffusion4j.nn.graph.pard.PardNetConfig::defaults);
    register("egtn", EgtnConfig.class, shape -> EgtnConfig.unconditional(shape));
  }

  /**
   * Registers a network: its name, config record class and a factory of its default config for a
   * data sample shape (which throws IllegalArgumentException, naming the shape it needs, when the
   * network does not fit the data).
   */
  static void register(String name, Class<? extends Record> type, Function<long[], NetworkConfig> defaults) {
    TYPES.put(name, type);
    DEFAULTS.put(name, defaults);
  }

  /** The registry name for {@code name} or one of its short aliases ("mlp", "unet"). */
  public static String canonicalName(String name) {
    String n = ALIASES.getOrDefault(name, name);
    if (!TYPES.containsKey(n)) {
      throw new IllegalArgumentException("unknown network '" + name + "'; expected one of " + names()
          + " (aliases: mlp, unet)");
    }
    return n;
  }

  /**
   * The default config of network {@code name} for data samples of shape {@code sampleShape},
   * with {@code classes} classes and init seed {@code seed}.
   *
   * @throws IllegalArgumentException if the network does not fit the data (the message names the shape it needs)
   */
  public static NetworkConfig defaults(String name, long[] sampleShape, int classes, long seed) {
    return DEFAULTS.get(canonicalName(name)).apply(sampleShape.clone()).withClasses(classes).withInitSeed(seed);
  }

  /**
   * {@code base} with the given component values: keys are the config record's component names;
   * values are numbers, true/false, comma-separated integer lists or strings, checked by the
   * record itself.
   *
   * @throws IllegalArgumentException if an option is unknown or invalid
   */
  public static NetworkConfig withOptions(NetworkConfig base, Map<String, String> options) {
    if (options.isEmpty()) {
      return base;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    ((Map<?, ?>) Json.parse(toJson(base))).forEach((k, v) -> m.put(String.valueOf(k), v));
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (!m.containsKey(e.getKey()) || e.getKey().equals("type")) {
        List<String> keys = new ArrayList<>(m.keySet());
        keys.remove("type");
        throw new IllegalArgumentException("network " + base.type() + " has no option '" + e.getKey() + "'; options: "
            + keys);
      }
      m.put(e.getKey(), optionValue(e.getValue(), m.get(e.getKey())));
    }
    return fromJson(m, "network");
  }

  private static Object optionValue(String text, Object current) {
    String t = text.trim();
    if (current instanceof List) {
      List<Object> out = new ArrayList<>();
      for (String part : t.isEmpty() ? new String[0] : t.split(",")) {
        out.add(Double.parseDouble(part.trim()));
      }
      return out;
    }
    if (current instanceof Double) {
      try {
        return Double.parseDouble(t);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("network option value '" + text + "' is not a number");
      }
    }
    if (current instanceof Boolean) {
      if (!t.equals("true") && !t.equals("false")) {
        throw new IllegalArgumentException("network option value '" + text + "' must be true or false");
      }
      return Boolean.parseBoolean(t);
    }
    return t;
  }

  private static long product(long[] shape) {
    long p = 1;
    for (long s : shape) {
      p *= s;
    }
    return p;
  }

  private Networks() {}

  /** The registered network names. */
  public static List<String> names() {
    return new ArrayList<>(TYPES.keySet());
  }

  /** JSON object text of {@code config}, led by its {@code "type"}. */
  public static String toJson(NetworkConfig config) {
    if (!(config instanceof Record r)) {
      throw new IllegalArgumentException("network configs must be records: " + config.getClass().getName());
    }
    return JsonRecords.toJson(r, config.type());
  }

  /** Parses what {@link #toJson} wrote; {@code context} names the object in errors. */
  public static NetworkConfig fromJson(Map<?, ?> m, String context) {
    String type = Json.string(m.get("type"), context + ".type");
    Class<? extends Record> cls = TYPES.get(type);
    if (cls == null) {
      throw new IllegalArgumentException("unknown network type '" + type + "' in " + context + "; expected one of "
          + names());
    }
    return (NetworkConfig) JsonRecords.fromJson(cls, m, context);
  }

  /** Parses JSON text of one network config. */
  public static NetworkConfig fromJson(String json) {
    if (!(Json.parse(json) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("a network config must be a JSON object");
    }
    return fromJson(m, "network");
  }
}
