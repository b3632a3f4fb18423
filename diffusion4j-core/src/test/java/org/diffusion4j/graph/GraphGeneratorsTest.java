package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphGeneratorsTest {

  @Test
  void gridsHaveTheirEdgeCountAndDegrees() {
    Graph g = GraphGenerators.grid(10, 13);
    assertEquals(130, g.nodeCount());
    assertEquals(10 * 12 + 13 * 9, g.edgeCount());
    assertArrayEquals4(GraphMmd.degreeHistogram(g), new double[] {0, 0, 4, 2 * (8 + 11), 8 * 11});
  }

  private static void assertArrayEquals4(double[] got, double[] want) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(want, got);
  }

  @Test
  void communityGraphsMatchGdssCommunitySmall() {
    List<Graph> drawn = GraphGenerators.communitySmall(100, 1);
    for (Graph g : drawn) {
      assertTrue(g.nodeCount() % 2 == 0 && g.nodeCount() >= 12 && g.nodeCount() <= 20, g.toString());
      assertEquals(1, g.componentCount(), "the bridging step connects the communities");
    }
    assertEquals(drawn, GraphGenerators.communitySmall(100, 1), "seeded");
    // A fresh draw of GDSS's generator is about as close to GDSS's test split as its training split is.
    List<Graph> test = GraphDatasets.test("community_small");
    GraphMmd.Table own = GraphMmd.gdss(test, GraphDatasets.train("community_small"));
    GraphMmd.Table fresh = GraphMmd.gdss(test, drawn);
    assertTrue(fresh.degree() < 3 * own.degree() + 0.01, fresh + " vs " + own);
    assertTrue(fresh.clustering() < 3 * own.clustering() + 0.01, fresh + " vs " + own);
    assertTrue(fresh.orbit() < 3 * own.orbit() + 0.002, fresh + " vs " + own);
    // Fresh G(c, 0.7) blocks are a different distribution: visibly farther.
    List<Graph> freshBlocks = new java.util.ArrayList<>();
    org.diffusion4j.random.Rng rng = org.diffusion4j.random.Rng.of(2);
    for (int i = 0; i < 100; i++) {
      freshBlocks.add(GraphGenerators.community(2, 12 + rng.nextInt(9), 0.05, rng));
    }
    assertTrue(GraphMmd.degree(test, freshBlocks) > 3 * fresh.degree());
  }
}
