package org.diffusion4j.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one policy for output paths, used by {@link AtomicFiles} and by the CLI before any long
 * work starts:
 * <ul>
 *   <li>a symbolic link is followed to its final target, and that target is replaced atomically
 *       (the link stays a link);</li>
 *   <li>a character device or FIFO (anything that exists and is neither a regular file nor a
 *       directory) is written to as a stream, never replaced: {@code --out /dev/null} stays
 *       {@code /dev/null};</li>
 *   <li>a directory is refused;</li>
 *   <li>an output that is one of the command's inputs is refused;</li>
 *   <li>an output whose directory cannot be created or written is refused up front.</li>
 * </ul>
 * Refusals are {@link IllegalArgumentException}s with one-line messages (bad usage).
 */
public final class OutputTargets {
  private static final int MAX_LINKS = 40; // as Linux's MAXSYMLINKS

  private OutputTargets() {}

  /** What is at an output path after following links. */
  public enum Kind {
    /** Nothing yet: the file will be created. */
    MISSING,
    /** A regular file: replaced atomically. */
    REGULAR,
    /** A character device, FIFO or socket: written through as a stream. */
    STREAM,
    /** A directory: refused. */
    DIRECTORY
  }

  /**
   * {@code file} with every symbolic link on its last component followed (a dangling link resolves
   * to the path it names, which will be created).
   */
  public static Path resolve(Path file) throws IOException {
    Path p = file.toAbsolutePath().normalize();
    for (int hops = 0; Files.isSymbolicLink(p); hops++) {
      if (hops == MAX_LINKS) {
        throw new IllegalArgumentException(file + ": too many levels of symbolic links");
      }
      Path link = Files.readSymbolicLink(p);
      p = p.resolveSibling(link).toAbsolutePath().normalize();
    }
    return p;
  }

  /** The kind of the (link-resolved) path {@code resolved}. */
  public static Kind kind(Path resolved) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(resolved, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      return Kind.MISSING;
    }
    return a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.REGULAR : Kind.STREAM;
  }

  /**
   * Checks, before any work, that {@code file} can be written: not a directory, its directory
   * exists or can be created under a writable ancestor, and a device or FIFO is writable.
   *
   * @param flag the option that named it (for the message), e.g. {@code --out}
   * @return the link-resolved path
   */
  public static Path requireWritable(Path file, String flag) throws IOException {
    Path target = resolve(file);
    Kind kind = kind(target);
    String who = flag + " " + file;
    switch (kind) {
      case DIRECTORY -> throw new IllegalArgumentException(who + " is a directory; give a file name");
      case STREAM -> {
        if (!Files.isWritable(target)) {
          throw new IllegalArgumentException(who + " is not writable");
        }
        return target;
      }
      default -> { }
    }
    requireWritableDirectory(target.getParent(), who);
    return target;
  }

  /** Checks that directory {@code dir} exists or can be created, and is writable (by creating and deleting a probe file). */
  public static void requireWritableDirectory(Path dir, String who) {
    Path p = dir;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    if (p == null) {
      return; // nothing exists up to the root; creating will report the problem
    }
    if (!Files.isDirectory(p)) {
      throw new IllegalArgumentException(who + ": cannot create a file there, " + p + " is not a directory");
    }
    if (!Files.isWritable(p)) {
      throw new IllegalArgumentException(who + ": directory " + p + " is not writable");
    }
    // access(2) says yes to root everywhere, also on read-only mounts and in /proc: try it
    Path probe = p.resolve(".d4j-write-check-" + ProcessHandle.current().pid() + ".tmp");
    try {
      Files.deleteIfExists(Files.createFile(probe));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // a probe of this process: the directory is writable
    } catch (IOException e) {
      throw new IllegalArgumentException(who + ": directory " + p + " is not writable (no file can be created there)");
    }
  }

  /**
   * Refuses an output that is the same file as an input (after following links; for paths that do
   * not exist yet, the same normalised absolute path).
   */
  public static void requireDistinct(Path output, String outputFlag, Path input, String inputFlag) throws IOException {
    if (output == null || input == null) {
      return;
    }
    Path o = resolve(output);
    Path i = resolve(input);
    boolean same = o.equals(i);
    if (!same && Files.exists(o) && Files.exists(i)) {
      same = Files.isSameFile(o, i);
    }
    if (same && kind(o) != Kind.STREAM) {
      throw new IllegalArgumentException(outputFlag + " " + output + " is the input " + inputFlag + " " + input
          + "; writing it would destroy the input, choose another file");
    }
  }
}
