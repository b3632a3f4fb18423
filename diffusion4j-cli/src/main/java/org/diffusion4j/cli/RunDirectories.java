package org.diffusion4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;

/**
 * Guards of a run directory that training writes: an exclusive lock ({@value #LOCK_FILE}, holding
 * the owner's pid; an OS file lock, so a killed owner releases it), the content hashes of the
 * training files ({@value #DATA_HASH_FILE}, checked on {@code --resume}), and the refusal to mix a
 * plain (diffusion / flow) run and an interpolant run in one directory.
 */
final class RunDirectories {
  /** The lock file of a run directory. */
  static final String LOCK_FILE = ".lock";
  /** SHA-256 of each training file, by option name. */
  static final String DATA_HASH_FILE = "data-sha256.json";

  private RunDirectories() {}

  /** An exclusive hold on a run directory; {@link #close()} releases it. */
  static final class Lock implements AutoCloseable {
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private final boolean created;

    private Lock(Path dir, FileChannel channel, FileLock lock, boolean created) {
      this.dir = dir;
      this.channel = channel;
      this.lock = lock;
      this.created = created;
    }

    @Override
    public void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
      if (created) { // a command that failed before writing anything leaves no empty run directory behind
        try (Stream<Path> s = Files.list(dir)) {
          if (s.allMatch(p -> p.getFileName().toString().equals(LOCK_FILE))) {
            Files.deleteIfExists(dir.resolve(LOCK_FILE));
            Files.deleteIfExists(dir);
          }
        } catch (IOException e) {
          // a concurrent writer may have added something: keep it
        }
      }
    }
  }

  /**
   * Takes the run directory's lock (creating the directory), or refuses with the holder's pid.
   *
   * @throws IllegalStateException if another process (or command) holds it: exit 1
   */
  static Lock lock(Path dir, String flag) throws IOException {
    boolean created = !Files.exists(dir);
    Files.createDirectories(dir);
    Path file = dir.resolve(LOCK_FILE);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this JVM
    }
    if (lock == null) {
      String holder;
      try {
        holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
      } finally {
        ch.close();
      }
      throw new IllegalStateException(flag + " " + dir + " is in use by another d4j process (pid "
          + (holder.isEmpty() ? "unknown" : holder) + ", lock " + file + "); wait for it to finish or choose another "
          + flag);
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)));
    ch.force(false);
    return new Lock(dir, ch, lock, created);
  }

  /** Refuses plain training into an interpolant run directory and the reverse. */
  static void requireKind(Path dir, boolean interpolant) {
    if (interpolant && Checkpoint.exists(dir)) {
      throw new UsageException("--out " + dir + " holds a diffusion/flow run (checkpoints/LATEST); an interpolant run"
          + " would mix with it: choose another --out");
    }
    if (!interpolant && TrainedRun.isInterpolantRun(dir)) {
      throw new UsageException("--out " + dir + " holds an interpolant run (" + TrainedRun.INTERPOLANT_CONFIG
          + "); plain training would mix with it: choose another --out, or add --objective interpolant");
    }
  }

  /**
   * Records (fresh run) or checks (resume) the SHA-256 of each training file among
   * {@code specs} (option name to value; toy sets and gaussian have no file and are skipped).
   * A changed file on resume is refused unless {@code allowChange}, which records the new hash.
   */
  static void checkData(Path dir, Map<String, String> specs, boolean resume, boolean allowChange) throws IOException {
    Map<String, String> now = new LinkedHashMap<>();
    for (var e : specs.entrySet()) {
      String spec = e.getValue();
      if (spec != null && !spec.equals("gaussian") && !Datasets.isToy(spec) && !spec.equalsIgnoreCase("mnist")
          && Files.isRegularFile(Path.of(spec))) {
        now.put(e.getKey(), sha256(Path.of(spec)));
      }
    }
    Path file = dir.resolve(DATA_HASH_FILE);
    if (resume && Files.isRegularFile(file) && !allowChange) {
      if (!(Json.parse(org.diffusion4j.io.ReadLimits.readJson(file)) instanceof Map<?, ?> then)) {
        throw new UsageException(file + " is not a JSON object");
      }
      for (var e : now.entrySet()) {
        Object old = then.get(e.getKey());
        if (old instanceof String h && !h.equals(e.getValue())) {
          throw new UsageException("--resume: " + e.getKey() + " " + specs.get(e.getKey()) + " changed since the run"
              + " started (SHA-256 " + e.getValue().substring(0, 12) + "... now, " + h.substring(0, Math.min(12, h.length()))
              + "... then); pass --allow-data-change to continue on the new data");
        }
      }
    }
    StringBuilder json = new StringBuilder("{");
    for (var e : now.entrySet()) {
      json.append(json.length() > 1 ? ", " : "");
      Json.appendString(json, e.getKey());
      json.append(": ");
      Json.appendString(json, e.getValue());
    }
    AtomicFiles.writeString(file, json.append("}\n").toString());
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
