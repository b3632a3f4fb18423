package org.diffusion4j.nn.net;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;

/**
 * The registry of networks by name, as {@link org.diffusion4j.sampler.Samplers} is for samplers,
 * and the one place where a {@link NetworkConfig} becomes JSON and back.
 */
public final class Networks {
  private static final Map<String, Class<? extends Record>> TYPES = new LinkedHashMap<>();

  static {
    TYPES.put("time-mlp", MlpConfig.class);
    TYPES.put("unet2d", UNet2dConfig.class);
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
