package org.diffusion4j.nn.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NetworksTest {
  @Test
  void everyRegisteredNetworkRoundTripsThroughJson() {
    for (String name : Networks.names()) {
      NetworkConfig c = Networks.defaults(name, defaultShape(name), 3, 42);
      String json = Networks.toJson(c);
      NetworkConfig back = Networks.fromJson(json);
      assertEquals(json, Networks.toJson(back), name);
      assertEquals(c.type(), back.type());
      assertEquals(3, back.classes());
      assertEquals(42, back.initSeed());
    }
  }

  /** A sample shape each built-in network accepts (images for the U-Net, etc.). */
  static long[] defaultShape(String name) {
    return switch (name) {
      case "unet2d" -> new long[] {1, 8, 8};
      case "sequence" -> new long[] {16, 2};
      case "graph" -> new long[] {6, 4};
      case "egnn" -> new long[] {5, 3};
      case "pard" -> new long[] {6, 6, 2};
      case "egtn" -> new long[] {4, 5, 3};
      default -> new long[] {5};
    };
  }

  @Test
  void mlpJsonOfEarlierRunsStillLoads() {
    // Written by MlpConfig.toJson before the registry existed (checkpoints on disk have this form).
    String old = "{\"type\": \"time-mlp\", \"dim\": 2, \"width\": 64, \"depth\": 2, \"embedDim\": 64, \"embedding\":"
        + " \"sinusoidal\", \"fourierScale\": 16, \"classes\": 0, \"initSeed\": 5}";
    MlpConfig c = (MlpConfig) Networks.fromJson(old);
    assertEquals(new MlpConfig(2, 64, 2, 64, TimeEmbedding.SINUSOIDAL, 16, 0, 5), c);
    assertEquals(old, Networks.toJson(c));
  }

  @Test
  void optionsSetConfigFieldsByName() {
    NetworkConfig c = Networks.withOptions(Networks.defaults("mlp", new long[] {3}, 0, 1),
        Map.of("width", "32", "embedding", "fourier"));
    MlpConfig m = (MlpConfig) c;
    assertEquals(32, m.width());
    assertEquals(TimeEmbedding.FOURIER, m.embedding());
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> Networks.withOptions(m, Map.of("widht", "3")));
    assertTrue(unknown.getMessage().contains("no option 'widht'") && unknown.getMessage().contains("width"),
        unknown.getMessage());
    var bad = assertThrows(IllegalArgumentException.class, () -> Networks.withOptions(m, Map.of("width", "-3")));
    assertTrue(bad.getMessage().contains("width"), bad.getMessage());
  }

  @Test
  void unknownNamesAreRefusedWithTheList() {
    var e = assertThrows(IllegalArgumentException.class, () -> Networks.canonicalName("resnet"));
    assertTrue(e.getMessage().contains("time-mlp"), e.getMessage());
    assertEquals("time-mlp", Networks.canonicalName("mlp"));
  }
}
