package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeListsTest {
  @TempDir Path dir;

  private static FormatException bad(String text) {
    return assertThrows(FormatException.class, () -> EdgeLists.parse(Arrays.asList(text.split("\n", -1)), "g.txt"));
  }

  @Test
  void malformedEdgeListsNameTheLine() {
    assertTrue(bad("# graphs 1\ngraph 0 3 2\n0 1\n1 1\n").getMessage().startsWith("g.txt line 4: self-loop 1 1"));
    FormatException range = bad("# graphs 1\ngraph 0 3 1\n0 3\n");
    assertTrue(range.getMessage().startsWith("g.txt line 3: node id 3 is out of range [0, 2]"), range.getMessage());
    FormatException truncated = bad("# graphs 2\ngraph 0 3 2\n0 1\n1 2\ngraph 1 4 3\n0 1\n");
    assertTrue(truncated.getMessage().contains("truncated") && truncated.getMessage().contains("graph at line 5"),
        truncated.getMessage());
    assertTrue(bad("# graphs 2\ngraph 0 2 1\n0 1\n").getMessage().contains("truncated"));
    assertTrue(bad("graph 0 2 1\n0 1\n").getMessage().startsWith("g.txt line 1: expected the header"));
    assertTrue(bad("# graphs 1\ngraph 0 2 1\n0 x\n").getMessage().startsWith("g.txt line 3: node id 'x'"));
    assertTrue(bad("# graphs 1\ngraph 0 3 2\n0 1\n1 0\n").getMessage().startsWith("g.txt line 4: edge 1 0 appears"));
    assertTrue(bad("# graphs 1\ngraph 0 2 1\n0 1\n0 1\n").getMessage().startsWith("g.txt line 4: unexpected"));
  }

  @Test
  void roundTripsAndReadsTheBundledSets() throws Exception {
    List<Graph> train = GraphDatasets.train("community_small");
    assertEquals(80, train.size());
    assertEquals(20, GraphDatasets.test("community_small").size());
    assertEquals(160, GraphDatasets.train("ego_small").size());
    assertEquals(20, GraphDatasets.test("grid").size());
    Path f = dir.resolve("g.txt");
    EdgeLists.write(f, train);
    assertEquals(train, EdgeLists.read(f));
    assertEquals(train, GraphFiles.read(f));
    // Adjacency NPY, padded to 20 nodes: the padding reads as isolated nodes.
    Graph g = train.get(0);
    Path npy = dir.resolve("a.npy");
    Npy.write(npy, new long[] {1, 20, 20}, g.adjacency(20));
    Graph back = GraphFiles.read(npy).get(0);
    assertEquals(20, back.nodeCount());
    assertEquals(g.edgeCount(), back.edgeCount());
    assertEquals(g, back.withoutIsolatedNodes());
    Files.writeString(dir.resolve("bad.npy"), "not numpy");
    assertThrows(FormatException.class, () -> GraphFiles.read(dir.resolve("bad.npy")));
  }
}
