package org.diffusion4j.nn.train;

/** A checkpoint that cannot be used: missing, corrupted, or from another configuration. */
public final class CheckpointException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
