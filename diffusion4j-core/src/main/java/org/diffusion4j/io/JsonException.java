package org.diffusion4j.io;

/** Malformed JSON, or a JSON spec with a missing or wrongly typed field (the message names it). */
public class JsonException extends FormatException {
  public JsonException(String message) {
    super(message);
  }
}
