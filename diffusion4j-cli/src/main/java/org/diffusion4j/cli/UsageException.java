package org.diffusion4j.cli;

/** A user error on the command line or in an input file: exit code 2, one-line message. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
