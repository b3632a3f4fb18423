package org.diffusion4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Npy;

/**
 * A sharded output directory committed as a whole (the idea of Hadoop's FileOutputCommitter,
 * reduced to one rename): tasks write their shards into a hidden staging directory beside the
 * target, each shard file itself atomically ({@link AtomicFiles}, so a killed attempt leaves at most
 * a hidden temporary file, and a retried or speculative attempt replaces the shard with the same
 * bytes). Only when every expected shard is present does the driver remove stray temporaries,
 * write {@code manifest.json} and rename the staging directory to the target, so a reader never
 * sees a partial output as complete: the target either does not exist or holds every shard. On
 * failure the staging directory is deleted.
 *
 * <p>On a cluster the target must be on a file system that every executor and the driver see at
 * the same path (NFS, a mounted object store); a rename there must be atomic for the guarantee.
 */
final class CommittedOutput {
  private final Path target;
  private final Path staging;

  private CommittedOutput(Path target, Path staging) {
    this.target = target;
    this.staging = staging;
  }

  /** What a job body returns: its value, the files it wrote into staging, and the manifest. */
  record Committed<T>(T value, List<String> files, String manifestJson) {}

  /** A Spark job that writes into {@code staging} with the model broadcast. */
  @FunctionalInterface
  interface Body<T> {
    Committed<T> run(String staging, Broadcast<ModelShipment> model) throws IOException;
  }

  /**
   * Runs {@code body} on Spark with {@code shipment} broadcast, then commits {@code target}; on
   * any failure waits for the job's stragglers and deletes the staging directory. The job runs in
   * its own job group with interrupt-on-cancel, so Spark interrupts a failed job's other tasks.
   */
  static <T> T onSpark(JavaSparkContext sc, Path target, ModelShipment shipment, String job, Body<T> body)
      throws IOException {
    CommittedOutput o = begin(target);
    Broadcast<ModelShipment> shared = sc.broadcast(shipment);
    sc.setJobGroup("d4j-" + job + "-" + target.getFileName(), "d4j spark " + job, true);
    try {
      Committed<T> r = body.run(o.staging(), shared);
      o.commit(r.files(), r.manifestJson());
      return r.value();
    } catch (Exception e) { // also the SparkException that Spark throws undeclared
      SparkRun.awaitNoRunningTasks(sc, 60_000);
      o.abort();
      throw e;
    } finally {
      sc.clearJobGroup();
      shared.destroy();
    }
  }

  /** Starts an output at {@code target}, which must not exist yet. */
  static CommittedOutput begin(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      throw new IllegalArgumentException("output " + target + " already exists; choose a new directory (outputs are "
          + "committed whole and never overwritten)");
    }
    Path parent = abs.getParent();
    Files.createDirectories(parent);
    Path staging = parent.resolve("." + abs.getFileName() + ".staging-" + UUID.randomUUID());
    Files.createDirectory(staging);
    return new CommittedOutput(abs, staging);
  }

  /** The staging directory the tasks write into (as a string: it travels to executors). */
  String staging() {
    return staging.toString();
  }

  /** The name of shard {@code k}. */
  static String shardName(String prefix, long k) {
    return String.format("%s-%05d.npy", prefix, k);
  }

  /** The names of shards 0 .. count-1. */
  static List<String> shardNames(String prefix, long count) {
    List<String> names = new ArrayList<>();
    for (long k = 0; k < count; k++) {
      names.add(shardName(prefix, k));
    }
    return names;
  }

  /**
   * Checks that exactly the {@code expected} files are in staging (besides hidden temporaries,
   * which are removed), writes the manifest and publishes the directory.
   */
  void commit(List<String> expected, String manifestJson) throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          Files.deleteIfExists(p); // a temporary of a killed attempt
        } else {
          found.add(name);
        }
      }
    }
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(found);
    List<String> extra = new ArrayList<>(found);
    extra.removeAll(expected);
    if (!missing.isEmpty() || !extra.isEmpty()) {
      throw new IllegalStateException("output " + target + " not committed: missing shards " + missing
          + ", unexpected files " + extra);
    }
    AtomicFiles.writeString(staging.resolve("manifest.json"), manifestJson);
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot publish " + target + " atomically (rename from " + staging
          + " is not supported on this file system)", e);
    }
  }

  /**
   * Inside a task: writes shard {@code name} into {@code staging} atomically, unless the staging
   * directory is gone (the job was aborted: a straggler must not recreate it).
   */
  static void writeShard(String staging, String name, Batch rows) {
    Path dir = Path.of(staging);
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("staging directory " + staging + " is gone: the job was aborted");
    }
    try {
      Npy.write(dir.resolve(name), rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the staging directory (after a failure), retrying while a late writer races with it. */
  void abort() {
    IOException last = null;
    for (int attempt = 0; attempt < 10 && Files.exists(staging); attempt++) {
      try (Stream<Path> s = Files.walk(staging)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        last = e;
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (Files.exists(staging)) {
      throw new UncheckedIOException("could not remove staging directory " + staging,
          last != null ? last : new IOException("still present"));
    }
  }
}
