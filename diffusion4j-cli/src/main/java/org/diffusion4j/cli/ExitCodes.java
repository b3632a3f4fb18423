package org.diffusion4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Maps failures to the documented exit codes and one-line messages. */
final class ExitCodes {
  static final int OK = 0;
  static final int RUNTIME = 1;
  static final int USAGE = 2;

  private ExitCodes() {}

  /** Bad usage (wrong options, bad input files, impossible settings) is 2; anything else 1. */
  static int of(Throwable ex) {
    if (ex instanceof UsageException || ex instanceof IllegalArgumentException) {
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
