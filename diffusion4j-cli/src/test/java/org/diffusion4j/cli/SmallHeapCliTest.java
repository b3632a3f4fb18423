package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's readers in a JVM with a 64 MB heap (issue 23, item 3): a forged 27-byte weights.bin
 * with a valid CRC that declares a 2 GB tensor, a mixture JSON that would expand past the heap,
 * and a single-line CSV; each gets a one-line refusal (exit 2) and the JVM does not die.
 */
class SmallHeapCliTest {
  @TempDir Path dir;

  private record Result(int code, String out) {}

  private static Result d4j(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-cp", System.getProperty("java.class.path"), D4j.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "hung: " + String.join(" ", args));
    return new Result(p.exitValue(), out);
  }

  private static void assertRefused(Result r, String fragment) {
    assertEquals(2, r.code(), r.out());
    assertEquals(1, r.out().strip().lines().count(), r.out());
    assertTrue(r.out().startsWith("d4j: ") && r.out().contains(fragment), r.out());
    assertFalse(r.out().contains("OutOfMemoryError") || r.out().contains("\tat "), r.out());
  }

  /**
   * A real one-step run whose weights.bin is replaced by 27 bytes that declare one (536870912,)
   * float tensor (2 GB), with the manifest's size and CRC-32 updated to match.
   */
  private static void forgedCheckpoint(Path run) throws IOException {
    int code = D4j.execute(new String[] {"train", "--data", "moons", "--steps", "1", "--batch", "8", "--width", "8",
        "--depth", "1", "--n-train", "100", "--out", run.toString()}, new java.io.PrintWriter(new java.io.StringWriter()),
        new java.io.PrintWriter(new java.io.StringWriter()));
    assertEquals(0, code);
    Path step = run.resolve("checkpoints/step-000000001");
    ByteBuffer b = ByteBuffer.allocate(27);
    b.putInt(0x44344A54).putInt(1).putInt(1).putShort((short) 1).put((byte) 'w').putInt(1).putLong(1L << 29);
    Files.write(step.resolve("weights.bin"), b.array());
    String[] files = {"config.json", "state.json", "weights.bin", "ema.bin", "adam-m.bin", "adam-v.bin", "losses.bin"};
    StringBuilder manifest = new StringBuilder("{\"format\": \"diffusion4j-checkpoint\", \"version\": 1, \"step\": 1,"
        + " \"files\": {");
    for (int i = 0; i < files.length; i++) {
      byte[] content = Files.readAllBytes(step.resolve(files[i]));
      CRC32 crc = new CRC32();
      crc.update(content);
      manifest.append(i > 0 ? ", " : "").append('"').append(files[i]).append("\": {\"bytes\": ").append(content.length)
          .append(", \"crc32\": ").append(crc.getValue()).append('}');
    }
    Files.writeString(step.resolve("manifest.json"), manifest.append("}}").toString());
  }

  @Test
  void readersRefuseWithOneLineInASmallHeap() throws Exception {
    Path run = dir.resolve("forged-run");
    forgedCheckpoint(run);
    assertEquals(27, Files.size(run.resolve("checkpoints/step-000000001/weights.bin")));
    assertRefused(d4j("sample", "--model", run.toString(), "--nfe", "2", "--out", dir.resolve("o.npy").toString()),
        "declares 2147483648 bytes but only 0 remain");

    Path json = dir.resolve("big.json");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(json))) {
      out.write("{\"weights\": [1], \"means\": [[".getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "1,".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 48; i++) {
        out.write(chunk);
      }
      out.write("1]], \"vars\": [[1]]}".getBytes(StandardCharsets.US_ASCII));
    }
    assertRefused(d4j("sample", "--model", "gmm:" + json, "--nfe", "2", "--out", dir.resolve("o.npy").toString()),
        "above the read ceiling");

    Path csv = dir.resolve("line.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv))) {
      byte[] chunk = "1,".repeat(1 << 16).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 96; i++) {
        out.write(chunk);
      }
      out.write("1\n".getBytes(StandardCharsets.US_ASCII));
    }
    assertRefused(d4j("train", "--data", csv.toString(), "--steps", "1", "--out", dir.resolve("r").toString()),
        "a CSV file of 12.0 MB needs about");
    assertFalse(Files.exists(dir.resolve("r")), "a refused run leaves no directory");
  }
}
