package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class IsomorphismTest {

  static int[] shuffle(int n, Rng rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  @Test
  void permutedGraphsAreIsomorphicAndFlippedOnesAreNot() {
    Rng rng = Rng.of(4);
    for (Graph g : GraphGenerators.communitySmall(15, 8)) {
      Graph h = g.permute(shuffle(g.nodeCount(), rng));
      assertTrue(Isomorphism.isomorphic(g, h));
      assertEquals(Isomorphism.hash(g), Isomorphism.hash(h));
      Graph flipped = h.flipEdge(0, 1).flipEdge(2, 3);
      if (flipped.edgeCount() != g.edgeCount()) {
        assertFalse(Isomorphism.isomorphic(g, flipped));
      }
    }
    Graph grid = GraphGenerators.grid(15, 17);
    assertTrue(Isomorphism.isomorphic(grid, grid.permute(shuffle(grid.nodeCount(), rng))));
    assertFalse(Isomorphism.isomorphic(GraphGenerators.grid(15, 17), GraphGenerators.grid(17, 15).flipEdge(0, 18)));
    // Same degree sequence, different graphs: a 6-cycle and two triangles.
    Graph c6 = Graph.of(6, new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}});
    Graph twoTriangles = Graph.of(6, new int[][] {{0, 1}, {1, 2}, {2, 0}, {3, 4}, {4, 5}, {5, 3}});
    assertFalse(Isomorphism.isomorphic(c6, twoTriangles));
  }

  @Test
  void uniquenessAndNoveltyCountIsomorphismClasses() {
    List<Graph> train = GraphDatasets.train("community_small");
    Graph a = train.get(0);
    Graph b = train.get(1);
    Graph novelGraph = GraphGenerators.grid(3, 4);
    Graph disconnected = Graph.of(4, new int[][] {{0, 1}, {2, 3}});
    GraphSetMetrics.Result r = GraphSetMetrics.of(
        List.of(a, a.permute(shuffle(a.nodeCount(), Rng.of(1))), b, novelGraph, disconnected), train);
    assertEquals(4 / 5.0, r.valid(), 1e-15);
    assertEquals(4 / 5.0, r.unique(), 1e-15);
    assertEquals(2 / 5.0, r.novel(), 1e-15);
  }
}
