package org.diffusion4j.nn.run;

import java.io.IOException;
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
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.ReadLimits;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.train.Checkpoint;

/**
 * Guards of a run directory that training writes: an exclusive lock ({@value #LOCK_FILE}, holding
 * the owner's pid; an OS file lock, so a killed owner releases it), the content hashes of the
 * training rows ({@value #DATA_HASH_FILE}, checked on {@code --resume}), and the refusal to mix a
 * plain (diffusion / flow) run and an interpolant run in one directory. The CLI's training commands
 * use these; a Java caller of the trainers gets the same guards here. {@code flag} arguments name
 * the option (or parameter) that chose the directory, for messages.
 */
public final class RunGuards {
  /** The lock file of a run directory. */
  public static final String LOCK_FILE = ".lock";
  /** SHA-256 of each training file, by option name. */
  public static final String DATA_HASH_FILE = "data-sha256.json";

  private RunGuards() {}

  /** An exclusive hold on a run directory; {@link #close()} releases it. */
  public static final class Lock implements AutoCloseable {
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
   * @throws IllegalStateException if another process (or command) holds it (exit 1 in the CLI)
   */
  public static Lock lock(Path dir, String flag) throws IOException {
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
  public static void requireKind(Path dir, boolean interpolant) {
    if (interpolant && Checkpoint.exists(dir)) {
      throw new IllegalArgumentException("--out " + dir + " holds a diffusion/flow run (checkpoints/LATEST); an interpolant run"
          + " would mix with it: choose another --out");
    }
    if (!interpolant && TrainedRun.isInterpolantRun(dir)) {
      throw new IllegalArgumentException("--out " + dir + " holds an interpolant run (" + TrainedRun.INTERPOLANT_CONFIG
          + "); plain training would mix with it: choose another --out, or add --objective interpolant");
    }
  }

  /**
   * Records (fresh run) or checks (resume) the SHA-256 of the rows each training option loaded
   * ({@code rows}: option name to its data; {@code specs}: the values given, for messages). Rows,
   * not file bytes, so that a toy set drawn with another --n-train or --seed counts as a change
   * too. A change on resume is refused unless {@code allowChange}, which records the new hash.
   */
  public static void checkData(Path dir, Map<String, String> specs, Map<String, Batch> rows, boolean resume,
      boolean allowChange, long nTrain, long seed) throws IOException {
    Map<String, String> now = new LinkedHashMap<>();
    for (var e : rows.entrySet()) {
      if (e.getValue() != null) {
        now.put(e.getKey(), sha256(e.getValue()));
      }
    }
    Path file = dir.resolve(DATA_HASH_FILE);
    if (resume && Files.isRegularFile(file) && !allowChange) {
      if (!(Json.parse(ReadLimits.readJson(file)) instanceof Map<?, ?> then)) {
        throw new IllegalArgumentException(file + " is not a JSON object");
      }
      for (var e : now.entrySet()) {
        Object old = then.get(e.getKey());
        if (old instanceof String h && !h.equals(e.getValue())) {
          String spec = specs.get(e.getKey());
          throw new IllegalArgumentException("--resume: " + e.getKey() + " " + spec + " changed since the run started (rows' SHA-256 "
              + e.getValue().substring(0, 12) + "... now, " + h.substring(0, Math.min(12, h.length())) + "... then"
              + (Datasets.isToy(spec) ? "; a toy set's rows depend on --n-train and --seed" : "")
              + "); pass --allow-data-change to continue on the new data");
        }
      }
    }
    StringBuilder json = new StringBuilder("{\"--n-train\": " + nTrain + ", \"--seed\": " + seed);
    for (var e : now.entrySet()) {
      json.append(", ");
      Json.appendString(json, e.getKey());
      json.append(": ");
      Json.appendString(json, e.getValue());
    }
    AtomicFiles.writeString(file, json.append("}\n").toString());
  }

  /**
   * On {@code --resume}: the {@code --n-train} and {@code --seed} the run started with, for the
   * options not given again (a toy set's rows depend on both), or the given values.
   */
  public static long[] resumeSettings(Path dir, long nTrain, boolean nTrainGiven, long seed, boolean seedGiven)
      throws IOException {
    Path file = dir.resolve(DATA_HASH_FILE);
    if (Files.isRegularFile(file) && Json.parse(ReadLimits.readJson(file)) instanceof Map<?, ?> m) {
      if (!nTrainGiven && m.get("--n-train") instanceof Double n) {
        nTrain = n.longValue();
      }
      if (!seedGiven && m.get("--seed") instanceof Double s) {
        seed = s.longValue();
      }
    }
    return new long[] {nTrain, seed};
  }

  /** SHA-256 of a batch's shape and values (IEEE bits, big-endian). */
  public static String sha256(Batch b) {
    MessageDigest md = sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    buf.putLong(b.n()).putLong(b.d());
    for (double v : b.data()) {
      if (!buf.hasRemaining()) {
        md.update(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putDouble(v);
    }
    md.update(buf.array(), 0, buf.position());
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
