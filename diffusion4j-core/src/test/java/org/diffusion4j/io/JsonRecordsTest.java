package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRecordsTest {
  enum Mode {
    FAST_MODE, SLOW;

    public String cliName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  enum Plain { ALPHA, BETA }

  record Inner(int k, double[] w) {}

  record Everything(int i, long l, double d, boolean b, String s, Mode mode, Plain plain, int[] ints, long[] longs,
      double[] doubles, Map<String, String> opts, Inner inner) {
    Everything {
      if (i < 0) {
        throw new IllegalArgumentException("i must be >= 0, got " + i);
      }
    }
  }

  static Everything sample() {
    return new Everything(3, 1L << 40, 0.1, true, "a\"b", Mode.FAST_MODE, Plain.BETA, new int[] {1, 2, 2},
        new long[] {-5}, new double[] {1e-300, -2.5}, Map.of("z", "1", "a", "x"), new Inner(7, new double[] {0.5}));
  }

  private static Everything parse(String json) {
    return JsonRecords.fromJson(Everything.class, (Map<?, ?>) Json.parse(json), "cfg");
  }

  @Test
  void roundTripsEveryComponentTypeExactly() {
    Everything e = sample();
    String json = JsonRecords.toJson(e, "everything");
    assertTrue(json.startsWith("{\"type\": \"everything\", \"i\": 3,"), json);
    assertTrue(json.contains("\"mode\": \"fast-mode\""), "enum written by its cliName: " + json);
    assertTrue(json.contains("\"plain\": \"beta\""), json);
    Everything back = parse(json);
    assertEquals(e.i(), back.i());
    assertEquals(e.l(), back.l());
    assertEquals(e.d(), back.d());
    assertEquals(e.b(), back.b());
    assertEquals(e.s(), back.s());
    assertEquals(e.mode(), back.mode());
    assertEquals(e.plain(), back.plain());
    assertArrayEquals(e.ints(), back.ints());
    assertArrayEquals(e.longs(), back.longs());
    assertArrayEquals(e.doubles(), back.doubles());
    assertEquals(e.opts(), back.opts());
    assertEquals(e.inner().k(), back.inner().k());
    assertArrayEquals(e.inner().w(), back.inner().w());
    assertEquals(json, JsonRecords.toJson(back, "everything"), "second round trip is textually identical");
  }

  @Test
  void readsEnumsByConstantNameToo() {
    String json = JsonRecords.toJson(sample()).replace("\"fast-mode\"", "\"FAST_MODE\"");
    assertEquals(Mode.FAST_MODE, parse(json).mode());
  }

  @Test
  void errorsNameTheField() {
    String json = JsonRecords.toJson(sample());
    var missing = assertThrows(JsonException.class, () -> parse(json.replace("\"l\": 1099511627776, ", "")));
    assertTrue(missing.getMessage().contains("'cfg.l'"), missing.getMessage());
    var notInt = assertThrows(JsonException.class, () -> parse(json.replace("\"i\": 3", "\"i\": 3.5")));
    assertTrue(notInt.getMessage().contains("'cfg.i' must be an integer"), notInt.getMessage());
    var unknown = assertThrows(JsonException.class, () -> parse(json.replace("\"i\": 3", "\"i\": 3, \"typo\": 1")));
    assertTrue(unknown.getMessage().contains("unknown field 'cfg.typo'"), unknown.getMessage());
    var badEnum = assertThrows(JsonException.class, () -> parse(json.replace("\"fast-mode\"", "\"medium\"")));
    assertTrue(badEnum.getMessage().contains("[fast-mode, slow]"), badEnum.getMessage());
    var nested = assertThrows(JsonException.class, () -> parse(json.replace("\"k\": 7", "\"k\": \"7\"")));
    assertTrue(nested.getMessage().contains("'cfg.inner.k'"), nested.getMessage());
  }

  @Test
  void recordValidationRunsOnRead() {
    String json = JsonRecords.toJson(sample()).replace("\"i\": 3", "\"i\": -1");
    var e = assertThrows(IllegalArgumentException.class, () -> parse(json));
    assertEquals("i must be >= 0, got -1", e.getMessage());
  }

  @Test
  void absentFieldsTakeTheGivenDefaults() {
    String json = JsonRecords.toJson(sample()).replace("\"b\": true, ", "");
    Everything e = JsonRecords.fromJson(Everything.class, (Map<?, ?>) Json.parse(json), "", Map.of("b", false));
    assertEquals(false, e.b());
  }
}
