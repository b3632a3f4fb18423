package org.diffusion4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Maps failures to the documented exit codes and one-line messages. */
final class ExitCodes {
  static final int OK = 0;
  static final int RUNTIME = 1;
  static final int USAGE = 2;

  private ExitCodes() {}

  /**
   * Bad usage (wrong options, bad or missing input files, impossible settings) is 2; anything
   * else 1. A missing file is an input the user named (outputs are checked up front).
   */
  static int of(Throwable ex) {
    Throwable t = ex instanceof UncheckedIOException && ex.getCause() != null ? ex.getCause() : ex;
    if (ex instanceof UsageException || ex instanceof IllegalArgumentException
        || t instanceof java.nio.file.NoSuchFileException) {
      return USAGE;
    }
    return RUNTIME;
  }

  static String message(Throwable ex) {
    Throwable t = ex;
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    if (msg == null || msg.isBlank()) {
      msg = t.getClass().getSimpleName();
    } else if (t instanceof IOException && !(t instanceof java.nio.file.NoSuchFileException)) {
      msg = msg.replace('\n', ' ');
    }
    if (t instanceof java.nio.file.NoSuchFileException) {
      msg = "no such file: " + msg;
    }
    return msg.lines().findFirst().orElse(msg);
  }
}
