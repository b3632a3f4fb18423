package org.diffusion4j.progress;

/**
 * How long-running work in core (sampling, training, SDE Monte Carlo, likelihood) reports
 * progress. Core never prints; the CLI renders these calls as a progress bar.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = (done, total, status) -> {};

  /**
   * Called after a unit of work.
   *
   * @param done units finished so far
   * @param total units expected in all (or -1 if unknown)
   * @param status a short human-readable state, e.g. {@code "t=0.31 nfe=4"}
   */
  void onProgress(long done, long total, String status);
}
