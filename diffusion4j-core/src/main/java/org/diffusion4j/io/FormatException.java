package org.diffusion4j.io;

/**
 * A file or text that is not what it claims to be (truncated, wrong magic, inconsistent header,
 * unsupported type, non-numeric cell, malformed JSON). The message names the file, where one is
 * known, and the problem. Unchecked and a kind of {@link IllegalArgumentException}: bad input is
 * a usage error (exit code 2 in the CLI).
 */
public class FormatException extends IllegalArgumentException {
  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
