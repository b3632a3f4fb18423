package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphGenerators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphsCommandTest {

  /** The 2x2, 2x3, 3x2 and 3x3 grids as an edge-list file. */
  static Path gridFile(Path dir) throws Exception {
    List<Graph> graphs = new ArrayList<>();
    for (int r = 2; r <= 3; r++) {
      for (int c = 2; c <= 3; c++) {
        graphs.add(GraphGenerators.grid(r, c));
      }
    }
    Path data = dir.resolve("grids.txt");
    EdgeLists.write(data, graphs);
    return data;
  }

  @Test
  void trainSampleAndEvaluateAGraphFile(@TempDir Path dir) throws Exception {
    Path data = gridFile(dir);
    Path runDir = dir.resolve("run");
    TrainCommandTest.Run t = TrainCommandTest.run("graphs", "train", "--data", data.toString(), "--out",
        runDir.toString(), "--steps", "2", "--batch", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained GDSS on 4 graphs"), t.out());
    Path g = dir.resolve("g.txt");
    TrainCommandTest.Run s = TrainCommandTest.run("graphs", "sample", "--model", runDir.toString(), "--n", "3", "--out",
        g.toString(), "--steps", "4", "--solver", "s4", "--png");
    assertEquals(0, s.code(), s.err());
    assertEquals(3, EdgeLists.read(g).size());
    assertTrue(Files.size(dir.resolve("g.png")) > 1000);
    TrainCommandTest.Run e = TrainCommandTest.run("graphs", "eval", "--generated", data.toString(), "--test",
        data.toString(), "--train", data.toString());
    assertEquals(0, e.code(), e.err());
    // The set against itself: MMD 0, all connected, 2x3 and 3x2 grids are one isomorphism class
    // (unique 3/4), nothing novel.
    assertTrue(e.out().contains("| 0.0000 | 0.0000 | 0.0000 | 1.000 | 0.750 | 0.000 |"), e.out());
  }

  @Test
  void pardTrainsSamplesAndEvaluates(@TempDir Path dir) throws Exception {
    Path data = gridFile(dir);
    Path runDir = dir.resolve("run");
    TrainCommandTest.Run t = TrainCommandTest.run("graphs", "train", "--data", data.toString(), "--method", "pard",
        "--out", runDir.toString(), "--steps", "2", "--batch", "2", "--hidden", "4", "--layers", "1",
        "--diffusion-steps", "2");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("trained PARD on 4 graphs"), t.out());
    Path g = dir.resolve("g.txt");
    TrainCommandTest.Run s = TrainCommandTest.run("graphs", "sample", "--model", runDir.toString(), "--n", "3", "--out",
        g.toString());
    assertEquals(0, s.code(), s.err());
    assertEquals(3, EdgeLists.read(g).size());
    TrainCommandTest.Run e = TrainCommandTest.run("graphs", "eval", "--generated", g.toString(), "--test",
        data.toString());
    assertEquals(0, e.code(), e.err());
    TrainCommandTest.Run bad = TrainCommandTest.run("graphs", "sample", "--model", runDir.toString(), "--out",
        g.toString(), "--solver", "s4");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("is a PARD run"), bad.err());
  }

  @Test
  void badInputIsAOneLineUsageError(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.txt");
    Files.writeString(bad, "# graphs 1\ngraph 0 3 2\n0 1\n2 2\n");
    TrainCommandTest.Run r = TrainCommandTest.run("graphs", "eval", "--generated", bad.toString(), "--test",
        "community_small");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("line 4: self-loop 2 2") && r.err().trim().split("\n").length == 1, r.err());
    TrainCommandTest.Run p = TrainCommandTest.run("graphs", "train", "--data", "community_small", "--method", "pard",
        "--out", dir.resolve("x").toString(), "--hidden", "0");
    assertEquals(2, p.code());
    assertTrue(p.err().contains("--hidden must be at least 1, got 0"), p.err());
    TrainCommandTest.Run q = TrainCommandTest.run("graphs", "train", "--data", "community_small", "--out",
        dir.resolve("y").toString(), "--layers", "2");
    assertEquals(2, q.code());
    assertTrue(q.err().contains("--method pard only"), q.err());
    TrainCommandTest.Run k = TrainCommandTest.run("graphs", "eval", "--generated", "community_small", "--test",
        "community_small", "--orbit-kernel", "emd");
    assertEquals(2, k.code());
  }
}
