package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression tests of the output-target policy (issue 23, item 1, 5, 6, 10). */
class OutputTargetsTest {
  @TempDir Path tmp;

  private List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aSymlinkIsFollowedAndItsTargetReplacedAtomically() throws IOException {
    Path real = tmp.resolve("data/real.npy");
    Files.createDirectories(real.getParent());
    Files.writeString(real, "old");
    Path link = tmp.resolve("link.npy");
    Files.createSymbolicLink(link, Path.of("data/real.npy")); // relative link
    AtomicFiles.writeString(link, "new");
    assertTrue(Files.isSymbolicLink(link), "the link must stay a link");
    assertEquals("new", Files.readString(real));
    assertEquals(List.of("real.npy"), names(real.getParent()));
    // a dangling link creates its target
    Path dangling = tmp.resolve("dangling.npy");
    Files.createSymbolicLink(dangling, tmp.resolve("data/created.npy"));
    AtomicFiles.writeString(dangling, "x");
    assertTrue(Files.isSymbolicLink(dangling));
    assertEquals("x", Files.readString(tmp.resolve("data/created.npy")));
  }

  @Test
  void aCharacterDeviceIsWrittenThroughAndStaysADevice() throws IOException {
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull), "needs /dev/null");
    BasicFileAttributes before = Files.readAttributes(devNull, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertTrue(before.isOther());
    assertEquals(OutputTargets.Kind.STREAM, OutputTargets.kind(devNull));
    Npy.write(devNull, new NdArray(new long[] {2}, new double[] {1, 2}));
    AtomicFiles.writeString(devNull, "through");
    BasicFileAttributes after = Files.readAttributes(devNull, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertTrue(after.isOther() && !after.isRegularFile(), "/dev/null must still be a character device");
    assertEquals(before.fileKey(), after.fileKey());
    assertTrue(names(Path.of("/dev")).stream().noneMatch(n -> n.startsWith(".null")), "no temporary file in /dev");
  }

  @Test
  void aFifoIsStreamedToNotReplaced() throws Exception {
    Path fifo = tmp.resolve("pipe");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "needs mkfifo");
    CompletableFuture<String> reader = CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readString(fifo);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    AtomicFiles.writeString(fifo, "through the pipe");
    assertEquals("through the pipe", reader.get(10, TimeUnit.SECONDS));
    assertEquals(OutputTargets.Kind.STREAM, OutputTargets.kind(fifo), "the FIFO must stay a FIFO");
    assertEquals(List.of("pipe"), names(tmp));
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("out.npy"));
    Files.writeString(dir.resolve("keep"), "k");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AtomicFiles.writeString(dir, "x"));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    IllegalArgumentException up = assertThrows(IllegalArgumentException.class,
        () -> OutputTargets.requireWritable(dir, "--out"));
    assertEquals("--out " + dir + " is a directory; give a file name", up.getMessage());
    assertEquals("k", Files.readString(dir.resolve("keep")));
  }

  @Test
  void anOutputEqualToAnInputIsRefusedAlsoThroughALink() throws IOException {
    Path in = tmp.resolve("x.npy");
    Files.writeString(in, "input");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OutputTargets.requireDistinct(tmp.resolve("./x.npy"), "--out", in, "--noise"));
    assertTrue(e.getMessage().startsWith("--out ") && e.getMessage().contains("is the input --noise"), e.getMessage());
    Path link = Files.createSymbolicLink(tmp.resolve("alias.npy"), in);
    assertThrows(IllegalArgumentException.class, () -> OutputTargets.requireDistinct(link, "--out", in, "--noise"));
    OutputTargets.requireDistinct(tmp.resolve("y.npy"), "--out", in, "--noise"); // distinct: fine
    OutputTargets.requireDistinct(Path.of("/dev/null"), "--out", Path.of("/dev/null"), "--noise"); // streams: fine
    assertEquals("input", Files.readString(in));
  }

  @Test
  void anUnwritableLocationIsFoundBeforeAnyWork() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain-file"), "f");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OutputTargets.requireWritable(file.resolve("sub/out.npy"), "--out"));
    assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
    Path ro = Files.createDirectory(tmp.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    try {
      if (!Files.isWritable(ro)) { // root may write anywhere
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
            () -> OutputTargets.requireWritable(ro.resolve("a/b/out.npy"), "--out"));
        assertTrue(w.getMessage().contains("is not writable"), w.getMessage());
      }
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    assertEquals(tmp.resolve("new/dir/out.npy"), OutputTargets.requireWritable(tmp.resolve("new/dir/out.npy"), "--out"));
    assertFalse(Files.exists(tmp.resolve("new")), "a check creates nothing");
  }

  @Test
  void newFilesFollowTheUmaskAndReplacedFilesKeepTheirPermissions() throws IOException {
    Path reference = Files.createFile(tmp.resolve("reference")); // the JVM's default creation mode: 0666 & ~umask
    Path fresh = tmp.resolve("fresh.txt");
    AtomicFiles.writeString(fresh, "x");
    assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(fresh));
    Path shared = tmp.resolve("shared.txt");
    Files.writeString(shared, "old");
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-rw-r--"));
    AtomicFiles.writeString(shared, "new");
    assertEquals("rw-rw-r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(shared)));
  }

  @Test
  void staleTemporariesOfDeadWritersAreCleanedOnTheNextWrite() throws IOException {
    Path out = tmp.resolve("x.npy");
    long deadPid = 2_000_000_000L; // beyond pid_max: no such process
    Path ownDead = Files.writeString(tmp.resolve(".x.npy.d4j-" + deadPid + "-abc.tmp"), "stale");
    Path legacyOld = Files.writeString(tmp.resolve(".x.npy.12345678901234.tmp"), "stale");
    Files.setLastModifiedTime(legacyOld, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    Path legacyFresh = Files.writeString(tmp.resolve(".x.npy.999.tmp"), "maybe in use");
    Path liveWriter = Files.writeString(tmp.resolve(".x.npy.d4j-" + ProcessHandle.current().pid() + "-zz.tmp"), "live");
    Path otherName = Files.writeString(tmp.resolve(".y.npy.d4j-" + deadPid + "-abc.tmp"), "other file's");
    AtomicFiles.writeString(out, "content");
    assertFalse(Files.exists(ownDead));
    assertFalse(Files.exists(legacyOld));
    assertTrue(Files.exists(legacyFresh) && Files.exists(liveWriter) && Files.exists(otherName));
    assertEquals("content", Files.readString(out));
  }
}
