package org.diffusion4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Atomic file writes: the content goes to a temporary file in the target's directory, is forced
 * to disk, and is then renamed over the target, and the directory is forced too (so the rename
 * survives a power loss); a crash leaves either the old file or the complete new one, never a
 * torn one. Where the output goes follows {@link OutputTargets}: a symbolic link is followed and
 * its target replaced, a device or FIFO is streamed to, a directory is refused.
 *
 * <p>Permissions: a new file gets the process's default ones (0666 less the umask, as any Unix
 * tool); a replaced file keeps its own. Temporary files are named
 * {@code .NAME.d4j-PID-RANDOM.tmp}; the next write to NAME removes those left by a process that
 * no longer runs (a crash, {@code kill -9}), and those of earlier versions ({@code .NAME.DIGITS.tmp})
 * older than an hour.
 */
public final class AtomicFiles {
  /**
   * System property: {@code false} skips the fsync calls (the content and the directory entry
   * are then durable only when the OS writes them back; a crash of the process still leaves the
   * old or the new file). For scratch work and for tests that write thousands of files.
   */
  public static final String SYNC_PROPERTY = "d4j.io.sync";
  private static final String TMP_TAG = ".d4j-";
  private static final long LEGACY_TMP_AGE_MILLIS = 3_600_000L;

  private AtomicFiles() {}

  /** Writes to a stream; may throw {@link IOException}. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code file} atomically with {@code body}; on failure the target is untouched. */
  public static void write(Path file, Writer body) throws IOException {
    Path target = OutputTargets.resolve(file);
    switch (OutputTargets.kind(target)) {
      case DIRECTORY -> throw new IllegalArgumentException(file + " is a directory; give a file name");
      case STREAM -> {
        stream(target, body);
        return;
      }
      default -> { }
    }
    Path dir = target.getParent();
    Files.createDirectories(dir);
    String name = target.getFileName().toString();
    removeStaleTemporaries(dir, name);
    Path tmp = dir.resolve("." + name + TMP_TAG + ProcessHandle.current().pid() + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ".tmp");
    try {
      Files.createFile(tmp); // default permissions: 0666 less the umask
      keepPermissions(target, tmp);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        body.write(out);
        out.flush();
        if (sync()) {
          ch.force(true);
        }
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a string (UTF-8) atomically. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  /**
   * Forces a directory's entries (a rename into it) to disk. Best effort: platforms that cannot
   * open a directory for reading (Windows) skip it.
   */
  public static void syncDirectory(Path dir) {
    if (!sync()) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here; the rename itself is still atomic
    }
  }

  private static boolean sync() {
    return !"false".equalsIgnoreCase(System.getProperty(SYNC_PROPERTY));
  }

  /** True for this class's temporary names of {@code name}, and for the legacy ones. */
  static boolean isTemporaryOf(String file, String name) {
    return file.startsWith("." + name + TMP_TAG) && file.endsWith(".tmp") || legacy(file, name);
  }

  private static boolean legacy(String file, String name) {
    String prefix = "." + name + ".";
    return file.startsWith(prefix) && file.endsWith(".tmp") && file.length() > prefix.length() + 4
        && file.substring(prefix.length(), file.length() - 4).chars().allMatch(Character::isDigit);
  }

  private static final Pattern OWN = Pattern.compile("\\.d4j-(\\d+)-[0-9a-z]+\\.tmp$");

  /** Deletes temporaries of {@code name} whose writer is gone (see the class comment). */
  static void removeStaleTemporaries(Path dir, String name) {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + globEscape(name) + ".*.tmp")) {
      long now = System.currentTimeMillis();
      for (Path p : s) {
        String f = p.getFileName().toString();
        if (!isTemporaryOf(f, name)) {
          continue;
        }
        boolean stale;
        Matcher m = OWN.matcher(f);
        if (f.startsWith("." + name + TMP_TAG) && m.find()) {
          long pid = Long.parseLong(m.group(1));
          stale = pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
        } else {
          FileTime t = Files.getLastModifiedTime(p);
          stale = now - t.toMillis() > LEGACY_TMP_AGE_MILLIS;
        }
        if (stale) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException | RuntimeException e) {
      // cleaning is best effort; the write itself must not fail because of it
    }
  }

  private static String globEscape(String s) {
    return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
  }

  private static void keepPermissions(Path target, Path tmp) {
    try {
      PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
      if (view != null && Files.isRegularFile(target)) {
        Set<PosixFilePermission> own = Files.getPosixFilePermissions(target);
        view.setPermissions(own);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // keep the defaults
    }
  }

  /** A device or FIFO: written through, nothing renamed or created. */
  private static void stream(Path target, Writer body) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target, StandardOpenOption.WRITE), 1 << 16)) {
      body.write(out);
      out.flush();
    }
  }
}
