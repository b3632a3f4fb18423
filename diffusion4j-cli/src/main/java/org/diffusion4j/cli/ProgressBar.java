package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.progress.ProgressListener;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Renders core's {@link ProgressListener} calls as a one-line progress bar on stderr:
 * {@code sampling [#########.........]  45%  12/27  t=0.31 nfe=4  3.1 s}. Redrawn at most ten
 * times a second. On a non-interactive stderr (pipes, CI logs) it stays silent, so logs are not
 * flooded with carriage returns.
 */
public final class ProgressBar implements ProgressListener, AutoCloseable {
  private static final int WIDTH = 24;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintWriter err;
  private final String task;
  private final boolean interactive;
  private final long start = System.nanoTime();
  private long lastDraw;
  private int lastLength;
  private boolean drawn;

  private ProgressBar(PrintWriter err, String task, boolean interactive) {
    this.err = err;
    this.task = task;
    this.interactive = interactive;
  }

  /**
   * A bar on the command's stderr, shown only when stderr is a terminal ({@code 2> log} keeps
   * the log free of carriage-return frames, whatever stdin and stdout are). The environment
   * variable {@code D4J_PROGRESS=always|never} overrides the detection.
   */
  public static ProgressBar create(CommandSpec spec, String task) {
    String forced = System.getenv("D4J_PROGRESS");
    boolean show = "always".equals(forced) || !"never".equals(forced) && stderrIsTerminal(Path.of("/proc/self/fd/2"))
        && !"dumb".equals(System.getenv("TERM")) && !"true".equals(System.getenv("CI"));
    return create(spec.commandLine().getErr(), task, show);
  }

  /**
   * Whether file descriptor 2 is a terminal: on Linux, {@code fd2} ({@code /proc/self/fd/2})
   * links to a tty device ({@code /dev/pts/N}, {@code /dev/ttyN}, {@code /dev/console}); where
   * that link cannot be read, {@link System#console()} (stdin and stdout both terminals) is the
   * best the JDK offers.
   */
  static boolean stderrIsTerminal(Path fd2) {
    try {
      String target = Files.readSymbolicLink(fd2).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** A bar on {@code err}; {@code interactive = false} makes it silent. */
  public static ProgressBar create(PrintWriter err, String task, boolean interactive) {
    return new ProgressBar(err, task, interactive);
  }

  /** Seconds since the bar was created. */
  public double elapsedSeconds() {
    return (System.nanoTime() - start) / 1e9;
  }

  @Override
  public synchronized void onProgress(long done, long total, String status) {
    if (!interactive) {
      return;
    }
    long now = System.nanoTime();
    boolean finished = total > 0 && done >= total;
    if (!finished && drawn && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    StringBuilder line = new StringBuilder(task).append(' ');
    if (total > 0) {
      int filled = (int) Math.min(WIDTH, WIDTH * done / total);
      line.append('[').append("#".repeat(filled)).append(".".repeat(WIDTH - filled)).append("] ");
      line.append(String.format("%3d%%  %d/%d", (int) (100 * done / total), done, total));
    } else {
      line.append(done);
    }
    if (status != null && !status.isEmpty()) {
      line.append("  ").append(status);
    }
    line.append(String.format("  %.1f s", elapsedSeconds()));
    int pad = Math.max(0, lastLength - line.length());
    lastLength = line.length();
    err.print("\r" + line + " ".repeat(pad));
    err.flush();
  }

  /** Ends the bar's line so later output starts on a fresh line. */
  @Override
  public synchronized void close() {
    if (interactive && drawn) {
      err.println();
      err.flush();
    }
  }
}
