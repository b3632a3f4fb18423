package org.diffusion4j.nn.train;

import java.io.IOException;
import java.util.Arrays;
import org.diffusion4j.progress.ProgressListener;

/**
 * The bookkeeping of a training run, shared by the nn {@link Trainer} and the interpolant trainer:
 * steps done, the loss of every step (NaN where the loss guard skipped it), the skipped-step
 * counters with the divergence guard, and the train loop's checkpoint / progress cadence.
 *
 * <p>Loss guard: a step whose loss or gradient is not finite is skipped by the trainer (no update)
 * and reported with {@link #skip}; {@value #MAX_CONSECUTIVE_SKIPS} consecutive skips stop the run
 * with an error naming the step. Not thread-safe: one trainer owns one log.
 */
public final class RunLog {
  /** Consecutive skipped steps after which training stops as diverged. */
  public static final int MAX_CONSECUTIVE_SKIPS = 20;
  /** Progress is reported at most this often (and at the last step). */
  private static final long REPORT_NANOS = 100_000_000L;

  private long step;
  private long skipped;
  private int consecutiveSkips;
  private float[] losses;

  private RunLog(long step, long skipped, float[] losses) {
    this.step = step;
    this.skipped = skipped;
    this.losses = losses;
  }

  /** The log of a fresh run ({@code from} null) or of a run resumed from checkpoint {@code from}. */
  public static RunLog of(Checkpoint from) {
    return from == null ? new RunLog(0, 0, new float[0])
        : new RunLog(from.step(), from.skippedSteps(), from.losses().clone());
  }

  /** Completed steps. */
  public long stepsDone() {
    return step;
  }

  /** Steps skipped by the loss guard so far. */
  public long skippedSteps() {
    return skipped;
  }

  /** The loss of every completed step (NaN where the guard skipped it), a copy. */
  public float[] losses() {
    return Arrays.copyOf(losses, (int) step);
  }

  /** Mean loss of the last {@code k} finite steps (NaN if none). */
  public double recentLoss(int k) {
    double s = 0;
    int c = 0;
    for (int i = (int) step - 1; i >= 0 && c < k; i--) {
      if (Float.isFinite(losses[i])) {
        s += losses[i];
        c++;
      }
    }
    return c == 0 ? Double.NaN : s / c;
  }

  /**
   * Counts skipped step {@code k}; after {@value #MAX_CONSECUTIVE_SKIPS} in a row throws
   * {@code IllegalStateException("<diverged> at step k after n consecutive skipped steps; <remedy>")}.
   * The trainer then records the step's loss as NaN with {@link #record}.
   */
  public void skip(long k, String diverged, String remedy) {
    skipped++;
    consecutiveSkips++;
    if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
      throw new IllegalStateException(diverged + " at step " + k + " after " + consecutiveSkips
          + " consecutive skipped steps; " + remedy);
    }
  }

  /** Notes that step {@code k}'s update was applied (resets the consecutive-skip count). */
  public void applied() {
    consecutiveSkips = 0;
  }

  /** Stores the loss of step {@code k} (NaN if skipped) and marks it done: stepsDone becomes k + 1. */
  public void record(long k, double loss) {
    if (losses.length <= k) {
      losses = Arrays.copyOf(losses, (int) Math.max(k + 1, 2L * losses.length + 16));
    }
    losses[(int) k] = (float) loss;
    step = k + 1;
  }

  /** What a train loop does besides counting: the step itself, saving, and extras after each step. */
  public interface Steps {
    /** Runs one optimiser step, which ends with {@link #record}. */
    void step();

    /** Writes a checkpoint of the current state. */
    void checkpoint() throws IOException;

    /** Runs after the checkpoint of each step ({@code last}: the budget is reached). */
    default void afterStep(boolean last) throws IOException {}

    /** Extra text after the loss in the progress status (e.g. a penalty); empty by default. */
    default String lossNote() {
      return "";
    }
  }

  /**
   * Steps until {@code total} steps are done; after each, checkpoints (if {@code checkpoints}) every
   * {@code checkpointEvery} steps (0: never) and at the end, then runs {@link Steps#afterStep}, then
   * reports progress (if not null) at most every 0.1 s and at the end with the mean loss of the
   * last 100 steps and the step rate.
   */
  public void train(long total, long checkpointEvery, boolean checkpoints, Steps steps, ProgressListener progress)
      throws IOException {
    train(total, checkpointEvery, checkpoints, steps, progress, 0);
  }

  /**
   * As {@link #train(long, long, boolean, Steps, ProgressListener)}, but also stops (with a
   * checkpoint, as at the end) after the first step that finishes {@code timeLimitNanos} or more
   * after the start; 0 means no limit. Every step is still a pure function of (seed, step), so a run
   * stopped by the clock resumes exactly as an uninterrupted one.
   */
  public void train(long total, long checkpointEvery, boolean checkpoints, Steps steps, ProgressListener progress,
      long timeLimitNanos) throws IOException {
    if (timeLimitNanos < 0) {
      throw new IllegalArgumentException("time limit must be >= 0, got " + timeLimitNanos + " ns");
    }
    long t0 = System.nanoTime();
    long s0 = step;
    long lastReport = 0;
    while (step < total) {
      steps.step();
      boolean last = step == total || (timeLimitNanos > 0 && System.nanoTime() - t0 >= timeLimitNanos);
      if (checkpoints && (last || (checkpointEvery > 0 && step % checkpointEvery == 0))) {
        steps.checkpoint();
      }
      steps.afterStep(last);
      long now = System.nanoTime();
      if (progress != null && (last || now - lastReport > REPORT_NANOS)) {
        lastReport = now;
        double rate = (step - s0) / Math.max(1e-9, (now - t0) * 1e-9);
        progress.onProgress(step, total, String.format("loss %.4f%s  %s", recentLoss(100), steps.lossNote(),
            rate >= 10 ? String.format("%.0f steps/s", rate) : String.format("%.2f s/step", 1 / Math.max(rate, 1e-9))));
      }
      if (last) {
        break;
      }
    }
  }
}
