package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress bar follows stderr (issue 23, item 9): {@code 2> log} gets no carriage-return frames. */
class ProgressBarTest {
  @Test
  void terminalDetectionFollowsFileDescriptorTwo(@TempDir Path tmp) throws Exception {
    // what /proc/self/fd/2 links to in each case
    assertTrue(ProgressBar.stderrIsTerminal(Files.createSymbolicLink(tmp.resolve("pts"), Path.of("/dev/pts/3"))));
    assertTrue(ProgressBar.stderrIsTerminal(Files.createSymbolicLink(tmp.resolve("tty"), Path.of("/dev/tty1"))));
    assertFalse(ProgressBar.stderrIsTerminal(Files.createSymbolicLink(tmp.resolve("log"), tmp.resolve("run.log"))));
    assertFalse(ProgressBar.stderrIsTerminal(Files.createSymbolicLink(tmp.resolve("pipe"), Path.of("pipe:[12345]"))));
    assertFalse(ProgressBar.stderrIsTerminal(Files.createSymbolicLink(tmp.resolve("null"), Path.of("/dev/null"))));
  }

  @Test
  void aSilentBarWritesNothingAndAnInteractiveOneRedraws() {
    StringWriter log = new StringWriter();
    try (ProgressBar bar = ProgressBar.create(new PrintWriter(log), "training", false)) {
      for (int i = 1; i <= 50; i++) {
        bar.onProgress(i, 50, "");
      }
    }
    assertEquals("", log.toString());
    StringWriter tty = new StringWriter();
    try (ProgressBar bar = ProgressBar.create(new PrintWriter(tty), "training", true)) {
      bar.onProgress(50, 50, "");
    }
    assertTrue(tty.toString().startsWith("\rtraining [########################] 100%"), tty.toString());
  }
}
