package org.diffusion4j.nn.train;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.nn.net.ParamSpec;

/**
 * A training state on disk: one directory {@code RUN/checkpoints/step-NNNNNNNNN/} holding
 * {@code config.json}, {@code state.json} (step, seed, skipped steps, time-sampler history),
 * {@code weights.bin}, {@code ema.bin}, {@code adam-m.bin}, {@code adam-v.bin},
 * {@code losses.bin} and last a {@code manifest.json} with the size and CRC-32 of every file.
 *
 * <p>Crash safety: the directory is written under a hidden temporary name (each file through
 * {@link AtomicFiles}), then renamed atomically to its final name, and only then is the pointer
 * file {@code RUN/checkpoints/LATEST} replaced atomically. A crash at any point leaves
 * {@code LATEST} naming the previous complete checkpoint; stale temporaries are removed by the
 * next write.
 *
 * <p>Tensor files ({@code .bin}): magic {@code D4JT}, version 1, count, then per tensor its
 * name, rank, dims and float32 values (big-endian, DataOutputStream order).
 *
 * @param config the run's configuration
 * @param step number of completed optimiser steps
 * @param skippedSteps steps skipped by the loss guard so far
 * @param samplerState time-sampler history
 * @param specs parameter names and shapes
 * @param weights, ema, adamM, adamV one flat array per parameter tensor
 * @param losses the loss of every completed step (NaN for skipped steps)
 */
public record Checkpoint(TrainConfig config, long step, long skippedSteps, double[] samplerState,
    List<ParamSpec> specs, float[][] weights, float[][] ema, float[][] adamM, float[][] adamV, float[] losses) {

  static final String FORMAT = "diffusion4j-checkpoint";
  static final int VERSION = 1;
  private static final int MAGIC = 0x44344A54; // "D4JT"
  private static final long MAX_MANIFEST_BYTES = 1 << 20;
  private static final List<String> FILES =
      List.of("config.json", "state.json", "weights.bin", "ema.bin", "adam-m.bin", "adam-v.bin", "losses.bin");

  /** Called before each file is written (tests inject crashes here). */
  @FunctionalInterface
  public interface WriteHook {
    WriteHook NONE = file -> {};

    void beforeFile(String file) throws IOException;
  }

  /** Name of a run's checkpoints folder. */
  public static final String FOLDER = "checkpoints";

  /** The checkpoints folder of a run. */
  public static Path folder(Path runDir) {
    return runDir.resolve(FOLDER);
  }

  /** True if {@code runDir} has a LATEST pointer. */
  public static boolean exists(Path runDir) {
    return Files.exists(folder(runDir).resolve("LATEST"));
  }

  /** Writes this checkpoint into {@code runDir} atomically and prunes to {@code keep} checkpoints; returns its directory. */
  public Path write(Path runDir, int keep, WriteHook hook) throws IOException {
    Path folder = folder(runDir);
    Files.createDirectories(folder);
    removeTemporaries(folder);
    String name = stepName(step);
    Path tmp = folder.resolve(".tmp-" + name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
    Files.createDirectories(tmp);
    Map<String, byte[]> contents = new LinkedHashMap<>();
    contents.put("config.json", config.toJson().getBytes(StandardCharsets.UTF_8));
    contents.put("state.json", stateJson().getBytes(StandardCharsets.UTF_8));
    contents.put("weights.bin", tensors(specs, weights));
    contents.put("ema.bin", tensors(specs, ema));
    contents.put("adam-m.bin", tensors(specs, adamM));
    contents.put("adam-v.bin", tensors(specs, adamV));
    contents.put("losses.bin", tensors(List.of(new ParamSpec("loss", new long[] {losses.length})),
        new float[][] {losses}));
    StringBuilder manifest = new StringBuilder("{\"format\": \"" + FORMAT + "\", \"version\": " + VERSION
        + ", \"step\": " + step + ", \"files\": {");
    boolean first = true;
    for (var e : contents.entrySet()) {
      hook.beforeFile(e.getKey());
      byte[] bytes = e.getValue();
      AtomicFiles.write(tmp.resolve(e.getKey()), out -> out.write(bytes));
      manifest.append(first ? "" : ", ").append('"').append(e.getKey()).append("\": {\"bytes\": ")
          .append(bytes.length).append(", \"crc32\": ").append(crc(bytes)).append('}');
      first = false;
    }
    manifest.append("}}\n");
    hook.beforeFile("manifest.json");
    AtomicFiles.writeString(tmp.resolve("manifest.json"), manifest.toString());
    Path dir = folder.resolve(name);
    if (Files.exists(dir)) {
      deleteTree(dir);
    }
    hook.beforeFile("rename");
    try {
      Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, dir);
    }
    hook.beforeFile("LATEST");
    AtomicFiles.writeString(folder.resolve("LATEST"), name + "\n");
    prune(folder, keep, name);
    return dir;
  }

  private String stateJson() {
    StringBuilder sb = new StringBuilder("{\"format\": \"" + FORMAT + "\", \"version\": " + VERSION);
    sb.append(", \"step\": ").append(step).append(", \"skippedSteps\": ").append(skippedSteps);
    sb.append(", \"samplerState\": ");
    Json.appendArray(sb, samplerState);
    sb.append("}\n");
    return sb.toString();
  }

  /** Reads the checkpoint LATEST names in {@code runDir}. */
  public static Checkpoint readLatest(Path runDir) throws IOException {
    Path folder = folder(runDir);
    Path latest = folder.resolve("LATEST");
    if (!Files.exists(latest)) {
      throw new CheckpointException("no checkpoint in " + runDir + " (missing " + latest + ")");
    }
    String name = Files.readString(latest, StandardCharsets.UTF_8).trim();
    if (!name.matches("step-\\d{9}")) {
      throw new CheckpointException(latest + " is corrupted: it names '" + name + "', not a checkpoint directory");
    }
    return read(folder.resolve(name));
  }

  /** Reads and verifies one checkpoint directory; every problem is a {@link CheckpointException} naming the file. */
  public static Checkpoint read(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint " + dir + " does not exist");
    }
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<?, ?> manifest = jsonObject(dir, "manifest.json", readFile(dir, "manifest.json", -1));
    if (!FORMAT.equals(manifest.get("format"))) {
      throw new CheckpointException("checkpoint " + dir + ": manifest.json is not a " + FORMAT + " manifest");
    }
    if (!(manifest.get("version") instanceof Double ver) || ver != VERSION) {
      throw new CheckpointException("checkpoint " + dir + ": unsupported version " + manifest.get("version")
          + " (this build reads version " + VERSION + ")");
    }
    if (!(manifest.get("files") instanceof Map<?, ?> listed)) {
      throw new CheckpointException("checkpoint " + dir + ": manifest.json has no file list");
    }
    for (String f : FILES) {
      if (!(listed.get(f) instanceof Map<?, ?> entry)) {
        throw new CheckpointException("checkpoint " + dir + ": manifest.json does not list " + f);
      }
      long expectBytes = (long) Json.number(entry.get("bytes"), f + ".bytes");
      long expectCrc = (long) Json.number(entry.get("crc32"), f + ".crc32");
      byte[] bytes = readFile(dir, f, expectBytes);
      if (bytes.length != expectBytes) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " is corrupted (" + bytes.length
            + " bytes, manifest says " + expectBytes + ")");
      }
      if (crc(bytes) != expectCrc) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " is corrupted (CRC-32 mismatch)");
      }
      files.put(f, bytes);
    }
    TrainConfig config;
    try {
      config = TrainConfig.fromJson(new String(files.get("config.json"), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("checkpoint " + dir + ": config.json is invalid: " + e.getMessage(), e);
    }
    Map<?, ?> state = jsonObject(dir, "state.json", files.get("state.json"));
    long step = (long) Json.number(state.get("step"), "state.step");
    long skipped = (long) Json.number(state.get("skippedSteps"), "state.skippedSteps");
    double[] sampler = Json.doubleArray(state.get("samplerState"), "state.samplerState");
    List<ParamSpec> specs = new ArrayList<>();
    float[][] weights = readTensors(dir, "weights.bin", files.get("weights.bin"), specs, null);
    float[][] ema = readTensors(dir, "ema.bin", files.get("ema.bin"), null, specs);
    float[][] m = readTensors(dir, "adam-m.bin", files.get("adam-m.bin"), null, specs);
    float[][] v = readTensors(dir, "adam-v.bin", files.get("adam-v.bin"), null, specs);
    float[][] losses = readTensors(dir, "losses.bin", files.get("losses.bin"), null, null);
    if (losses.length != 1 || losses[0].length != step) {
      throw new CheckpointException("checkpoint " + dir + ": losses.bin holds " + (losses.length == 1 ? losses[0].length : -1)
          + " losses for step " + step);
    }
    return new Checkpoint(config, step, skipped, sampler, List.copyOf(specs), weights, ema, m, v, losses[0]);
  }

  /** Throws naming the first parameter whose name or shape differs from {@code expected}. */
  public void requireSpecs(List<ParamSpec> expected) {
    if (specs.size() != expected.size()) {
      throw new CheckpointException("checkpoint has " + specs.size() + " parameter tensors, the network needs "
          + expected.size() + " (different network configuration?)");
    }
    for (int i = 0; i < specs.size(); i++) {
      if (!specs.get(i).equals(expected.get(i))) {
        throw new CheckpointException("checkpoint tensor " + i + " is " + specs.get(i) + ", the network needs "
            + expected.get(i));
      }
    }
  }

  // ---- helpers ----

  /** Reads a file whose size the manifest states ({@code expectBytes}; -1 for the manifest, capped at 1 MB), checked before reading. */
  private static byte[] readFile(Path dir, String f, long expectBytes) throws IOException {
    try {
      long size = Files.size(dir.resolve(f));
      if (expectBytes < 0 && size > MAX_MANIFEST_BYTES) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " is corrupted (" + size + " bytes for a manifest)");
      }
      if (expectBytes >= 0 && size != expectBytes) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " is corrupted (" + size
            + " bytes, manifest says " + expectBytes + ")");
      }
      org.diffusion4j.io.ReadLimits.require(dir.resolve(f).toString(), "a checkpoint file of " + size + " bytes", 2 * size);
      return Files.readAllBytes(dir.resolve(f));
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint " + dir + " is incomplete: " + f + " is missing");
    }
  }

  private static Map<?, ?> jsonObject(Path dir, String f, byte[] bytes) {
    try {
      if (Json.parse(new String(bytes, StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
        return m;
      }
    } catch (IllegalArgumentException e) {
      throw new CheckpointException("checkpoint " + dir + ": " + f + " is corrupted: " + e.getMessage(), e);
    }
    throw new CheckpointException("checkpoint " + dir + ": " + f + " is not a JSON object");
  }

  static long crc(byte[] bytes) {
    CRC32 c = new CRC32();
    c.update(bytes);
    return c.getValue();
  }

  static byte[] tensors(List<ParamSpec> specs, float[][] values) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bos);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeInt(specs.size());
      for (int i = 0; i < specs.size(); i++) {
        ParamSpec s = specs.get(i);
        out.writeUTF(s.name());
        long[] shape = s.shape();
        out.writeInt(shape.length);
        for (long k : shape) {
          out.writeLong(k);
        }
        ByteBuffer buf = ByteBuffer.allocate(values[i].length * 4).order(ByteOrder.BIG_ENDIAN);
        buf.asFloatBuffer().put(values[i]);
        out.write(buf.array());
      }
      out.flush();
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[][] readTensors(Path dir, String f, byte[] bytes, List<ParamSpec> specsOut,
      List<ParamSpec> expect) {
    try {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " is not a diffusion4j tensor file");
      }
      int count = in.readInt();
      if (count < 0 || count > in.available() / 6) { // each tensor takes at least a name length and a rank
        throw new CheckpointException("checkpoint " + dir + ": " + f + " declares " + count + " tensors in "
            + bytes.length + " bytes");
      }
      if (expect != null && count != expect.size()) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " has " + count + " tensors, weights.bin has "
            + expect.size());
      }
      float[][] out = new float[count][];
      for (int i = 0; i < count; i++) {
        String name = in.readUTF();
        int rank = in.readInt();
        if (rank < 0 || rank > in.available() / 8) {
          throw new CheckpointException("checkpoint " + dir + ": " + f + " tensor " + i + " declares rank " + rank);
        }
        long[] shape = new long[rank];
        for (int k = 0; k < rank; k++) {
          shape[k] = in.readLong();
          if (shape[k] < 0) {
            throw new CheckpointException("checkpoint " + dir + ": " + f + " tensor " + i + " has a negative dimension");
          }
        }
        ParamSpec s = new ParamSpec(name, shape);
        if (expect != null && !expect.get(i).equals(s)) {
          throw new CheckpointException("checkpoint " + dir + ": " + f + " tensor " + s + " does not match "
              + expect.get(i) + " in weights.bin");
        }
        if (specsOut != null) {
          specsOut.add(s);
        }
        long need = 4; // declared shapes are checked against the stream before allocating
        for (long k : shape) {
          need = k != 0 && need > Long.MAX_VALUE / k ? Long.MAX_VALUE : need * k;
        }
        if (need > in.available()) {
          throw new CheckpointException("checkpoint " + dir + ": " + f + " tensor " + s.name() + " declares "
              + (need == Long.MAX_VALUE ? "more than 2^63" : need) + " bytes but only " + in.available() + " remain");
        }
        byte[] raw = new byte[(int) need];
        in.readFully(raw);
        out[i] = new float[s.size()];
        ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(out[i]);
      }
      if (in.read() != -1) {
        throw new CheckpointException("checkpoint " + dir + ": " + f + " has trailing bytes");
      }
      return out;
    } catch (IOException | ArithmeticException | IllegalArgumentException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException("checkpoint " + dir + ": " + f + " is truncated or malformed (" + e + ")", e);
    }
  }

  /** The directory name of step {@code step}: {@code step-NNNNNNNNN}. */
  public static String stepName(long step) {
    return String.format("step-%09d", step);
  }

  /** The complete-looking step directories of a checkpoint folder, newest first (empty if none). */
  public static List<Path> stepDirectories(Path runDir) throws IOException {
    Path folder = folder(runDir);
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d{9}") && Files.isDirectory(p))
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList();
    }
  }

  private static void removeTemporaries(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).toList()) {
        deleteTree(p);
      }
    }
  }

  private static void prune(Path folder, int keep, String current) throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(folder)) {
      dirs = s.filter(p -> p.getFileName().toString().matches("step-\\d{9}"))
          .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
    for (int i = 0; i < dirs.size() - keep; i++) {
      if (!dirs.get(i).getFileName().toString().equals(current)) {
        deleteTree(dirs.get(i));
      }
    }
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
