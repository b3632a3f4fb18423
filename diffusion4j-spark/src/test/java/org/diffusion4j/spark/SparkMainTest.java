package org.diffusion4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: one-line errors with exit 2 for bad usage, and the single-machine reference runs. */
class SparkMainTest {
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SparkMain.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void badUsageIsOneLineWithExitTwo(@TempDir Path dir) {
    Run master = run("sde", "--model", "ou", "--paths", "10", "--master", "spark:/nohost");
    assertEquals(2, master.code);
    assertTrue(master.err.startsWith("d4j spark: bad Spark master URL 'spark:/nohost'"), master.err);
    assertEquals(1, master.err.lines().count(), master.err);
    Run shard = run("likelihood", "--single-machine", "--model", "gmm:ring8-2d", "--data",
        dir.resolve("missing.npy").toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, shard.code);
    assertTrue(shard.err.contains("missing input shard") && shard.err.contains("missing.npy"), shard.err);
    assertFalse(Files.exists(dir.resolve("o")));
    Run stochastic = run("sample", "--single-machine", "--model", "gmm:ring8-2d", "--solver", "euler-maruyama",
        "--nfe", "5", "--out", dir.resolve("s").toString());
    assertEquals(2, stochastic.code);
    assertTrue(stochastic.err.contains("stochastic"), stochastic.err);
    assertEquals(2, run("nonsense").code);
  }

  @Test
  void singleMachineSdeWritesTheStatisticsOfTheApi(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("stats.json");
    Run r = run("sde", "--single-machine", "--model", "gbm", "--paths", "500", "--dt", "0.01", "--seed", "4",
        "--hist", "0,3,12", "--out", out.toString());
    assertEquals(0, r.code, r.err);
    var spec = new SdeMonteCarlo.Spec("gbm", Map.of(), new double[0], 0, 1, 0.01, null, 0, 0, new double[0], 500, 4,
        16384, 0.005, 0, 3, 12);
    assertEquals(SdeMonteCarlo.runLocal(spec).toJson(), Files.readString(out));
    assertTrue(r.out.contains("500 paths"), r.out);
  }
}
