package org.diffusion4j.io;

import static org.diffusion4j.io.NpyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.diffusion4j.model.GaussianMixture;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void parsesTheJsonValueKinds() {
    Object v = Json.parse(" {\"a\": [1, -2.5e-3, true, null], \"b\": \"x\\u00e9\\n\\\"\", \"c\": {}} ");
    Map<?, ?> m = (Map<?, ?>) v;
    assertEquals(List.of(1.0, -2.5e-3, true), ((List<?>) m.get("a")).subList(0, 3));
    assertEquals("x\u00e9\n\"", m.get("b"));
    assertEquals(Map.of(), m.get("c"));
    assertEquals(0.0, Json.parse("1e-400")); // underflow to zero is fine
  }

  @Test
  void rejectsWhatRfc8259Rejects() {
    String[][] cases = {{"[1,]", "unexpected character ']'"}, {"{\"a\":1,\"a\":2}", "duplicate field 'a'"},
        {"01", "trailing"}, {"1.", "digit expected after '.'"}, {"\"\\x\"", "bad escape"},
        {"\"\\u00g0\"", "bad hex digit"}, {"\"\\u\u0663\u0663\u0663\u0663\"", "bad hex digit"},
        {"[1e999]", "1e999 is beyond the range of a double"}, {"[".repeat(300), "nesting deeper than 256"},
        {"NaN", "unexpected character 'N'"}, {"\"a\nb\"", "control character"}, {"", "end of input"}};
    for (String[] c : cases) {
      assertMessage(assertThrows(JsonException.class, () -> Json.parse(c[0])), "malformed JSON at character", c[1]);
    }
  }

  @Test
  void typedAccessorsNameTheField() {
    assertMessage(assertThrows(JsonException.class, () -> Json.doubleMatrix(Json.parse("[[1,2],[3]]"), "means")),
        "'means[1]' has length 1, expected 2");
    assertMessage(assertThrows(JsonException.class, () -> Json.doubleArray(Json.parse("[1,\"2\"]"), "w")),
        "'w[1]' must be a number, got a string");
    assertArrayEquals(new double[] {1, 2}, Json.doubleArray(Json.parse("[1, 2]"), "w"));
  }

  @Test
  void mixtureSpecErrorsAreJsonExceptionsNamingTheField() {
    String[][] cases = {{"{\"weights\":[1],\"means\":[[0]]}", "'vars' must be an array"},
        {"{\"weights\":[1],\"means\":[[0]],\"vars\":[[0]]}", "vars[0][0] = 0.0 must be positive"},
        {"{\"weights\":[1],\"means\":[[0]],\"vars\":[[1]],\"x\":1}", "unknown field 'x'"},
        {"{\"weights\":[1, 1],\"means\":[[0]],\"vars\":[[1]]}", "2 weights but 1 means"},
        {"[1]", "must be a JSON object"}, {"{\"weights\":[],\"means\":[],\"vars\":[]}", "at least one component"},
        {"{\"weights\":[-1],\"means\":[[0]],\"vars\":[[1]]}", "weights[0] = -1.0"},
        {"{\"weights\":[1],\"means\":[[1e999]],\"vars\":[[1]]}", "beyond the range"}};
    for (String[] c : cases) {
      assertMessage(assertThrows(JsonException.class, () -> GaussianMixture.fromJson(c[0])), c[1]);
    }
    GaussianMixture g = GaussianMixture.fromJson("{\"weights\":[1, 3],\"means\":[[0],[2]],\"vars\":[[1],[0.5]]}");
    assertEquals(g.toJson(), GaussianMixture.fromJson(g.toJson()).toJson());
  }
}
