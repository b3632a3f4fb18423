package org.diffusion4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.diffusion4j.nn.train.Checkpoint;

/**
 * The files a model needs, carried to executors by value (a Spark broadcast): the whole run
 * directory of a trained run (config, latest checkpoint, standardization), or the JSON of a
 * {@code gmm:FILE.json} spec. Each executor JVM writes them once into a local directory keyed by
 * their content hash and resolves the model from there, so the model (and, for trained runs,
 * the DJL PyTorch native library, which DJL loads once per JVM) is set up once per executor,
 * not per task.
 */
record ModelShipment(String spec, String kind, Map<String, byte[]> files, String hash) implements Serializable {
  private static final Map<String, Path> MATERIALISED = new ConcurrentHashMap<>();

  /** Reads what {@code spec} (a --model value) needs on the driver. */
  static ModelShipment of(String spec) throws IOException {
    boolean explicitRun = spec.startsWith("run:");
    Path dir = Path.of(explicitRun ? spec.substring(4) : spec);
    if (explicitRun || (!spec.startsWith("gmm:") && Files.isDirectory(dir))) {
      if (!Checkpoint.exists(dir)) {
        throw new IllegalArgumentException("--model " + spec + ": " + dir + " has no checkpoint (expected "
            + Checkpoint.folder(dir) + "/LATEST written by d4j train)");
      }
      return new ModelShipment(spec, "run", readTree(dir), null).hashed();
    }
    if (spec.startsWith("gmm:")) {
      Path file = Path.of(spec.substring(4));
      if (Files.isRegularFile(file)) {
        return new ModelShipment(spec, "gmm-file", Map.of("mixture.json", Files.readAllBytes(file)), null).hashed();
      }
    }
    return new ModelShipment(spec, "builtin", Map.of(), null).hashed(); // gmm:NAME, resolved from the class path
  }

  private static Map<String, byte[]> readTree(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        out.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return out;
  }

  private ModelShipment hashed() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(kind.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      for (var e : new TreeMap<>(files).entrySet()) {
        md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update(e.getValue());
      }
      return new ModelShipment(spec, kind, files, HexFormat.of().formatHex(md.digest()).substring(0, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The --model value to resolve on this JVM: the shipped files written once into a local directory. */
  String localSpec() {
    if (kind.equals("builtin")) {
      return spec;
    }
    Path dir = MATERIALISED.computeIfAbsent(hash, h -> {
      try {
        Path d = Files.createTempDirectory("d4j-model-" + h + "-");
        for (var e : files.entrySet()) {
          Path f = d.resolve(e.getKey());
          Files.createDirectories(f.getParent());
          Files.write(f, e.getValue());
        }
        return d;
      } catch (IOException e) {
        throw new UncheckedIOException("could not unpack the model on this executor", e);
      }
    });
    return kind.equals("run") ? "run:" + dir : "gmm:" + dir.resolve("mixture.json");
  }
}
