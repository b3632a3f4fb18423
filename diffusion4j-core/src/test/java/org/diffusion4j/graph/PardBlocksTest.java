package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class PardBlocksTest {

  /**
   * Hand-worked: a spider with centre 0 and legs 0-1, 0-2-3, 0-4-5. Leaves 1, 3, 5 all have
   * degree 1, but with hops the 2-hop count breaks the tie: x_1 = 1 + deg = (4, 2, 3, 2, 3, 2),
   * x_2(1) = 2 + 4 = 6, x_2(3) = x_2(5) = 2 + 3 = 5, so {3, 5} is peeled first (degree 1); the star
   * 0-{1,2,4} is left, whose leaves all have x = (2, 6, ...): peeled next (degree 1); then {0}
   * (degree 0). Reversed: blocks {0}, {1, 2, 4}, {3, 5}. With one hop only the degree counts and
   * all three leaves go first: {1, 3, 5}, then the path 2-0-4 peels {2, 4}, then {0}.
   */
  @Test
  void spiderMatchesTheHandWorkedPeeling() {
    Graph spider = Graph.of(6, new int[][] {{0, 1}, {0, 2}, {2, 3}, {0, 4}, {4, 5}});
    PardBlocks b = PardBlocks.of(spider, 3);
    assertArrayEquals(new int[] {0, 1, 1, 2, 1, 2}, b.blockOf());
    assertArrayEquals(new int[] {1, 3, 2}, b.blockSizes());
    assertArrayEquals(new int[] {0, 1, 1}, b.blockDegrees());
    assertArrayEquals(new int[] {0, 1, 2, 4, 3, 5}, b.order());
    assertEquals(4, b.prefixNodes(1));

    PardBlocks oneHop = PardBlocks.of(spider, 1);
    assertArrayEquals(new int[] {0, 2, 1, 2, 1, 2}, oneHop.blockOf());
    assertArrayEquals(new int[] {1, 2, 3}, oneHop.blockSizes());
    assertArrayEquals(new int[] {0, 1, 1}, oneHop.blockDegrees());

    PardBlocks none = PardBlocks.of(spider, 0);
    assertArrayEquals(new int[] {6}, none.blockSizes());
  }

  /** A triangle with a two-edge tail: the tail end, then the tail, then the triangle (degree 2). */
  @Test
  void lollipopPeelsTheTailFirst() {
    Graph g = Graph.of(5, new int[][] {{0, 1}, {1, 2}, {0, 2}, {2, 3}, {3, 4}});
    PardBlocks b = PardBlocks.of(g, 3);
    assertArrayEquals(new int[] {0, 0, 0, 1, 2}, b.blockOf());
    assertArrayEquals(new int[] {3, 1, 1}, b.blockSizes());
    assertArrayEquals(new int[] {2, 1, 1}, b.blockDegrees());
  }

  @Test
  void permutingNodesPermutesTheBlocks() {
    Rng rng = Rng.of(12);
    List<Graph> graphs = new ArrayList<>(GraphDatasets.train("community_small").subList(0, 10));
    graphs.addAll(GraphDatasets.train("ego_small").subList(0, 10));
    graphs.add(GraphGenerators.grid(4, 5));
    for (int trial = 0; trial < 20; trial++) {
      graphs.add(randomGraph(3 + rng.nextInt(10), 0.1 + 0.5 * rng.nextDouble(), rng));
    }
    for (Graph g : graphs) {
      for (int hops : new int[] {1, 2, 3}) {
        PardBlocks b = PardBlocks.of(g, hops);
        int[] perm = IsomorphismTest.shuffle(g.nodeCount(), rng);
        PardBlocks p = PardBlocks.of(g.permute(perm), hops);
        assertArrayEquals(b.blockSizes(), p.blockSizes());
        assertArrayEquals(b.blockDegrees(), p.blockDegrees());
        for (int u = 0; u < g.nodeCount(); u++) {
          assertEquals(b.blockOf()[u], p.blockOf()[perm[u]], "node " + u);
        }
        // The ordered graphs are equal up to a permutation inside blocks: same block-wise degrees.
        assertTrue(Isomorphism.isomorphic(b.ordered(g), p.ordered(g.permute(perm))));
        int sum = 0;
        for (int s : b.blockSizes()) {
          sum += s;
        }
        assertEquals(g.nodeCount(), sum);
      }
    }
  }

  /** Each block's degree is the degree its nodes have inside the prefix that ends with it. */
  @Test
  void blockDegreeIsTheDegreeInsideItsPrefix() {
    for (Graph g : GraphDatasets.train("community_small")) {
      PardBlocks b = PardBlocks.of(g, 3);
      for (int u = 0; u < g.nodeCount(); u++) {
        int d = 0;
        for (int v : g.neighbours(u)) {
          if (b.blockOf()[v] <= b.blockOf()[u]) {
            d++;
          }
        }
        assertTrue(d >= b.blockDegrees()[b.blockOf()[u]], "node " + u);
      }
    }
  }

  @Test
  void badInputIsRejected() {
    Graph g = Graph.of(3, new int[][] {{0, 1}});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PardBlocks.of(g, -1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PardBlocks.of(Graph.of(0, new int[0][]), 3));
    assertThrows(IllegalArgumentException.class, () -> PardBlocks.of(g, 3).prefixNodes(7));
    assertThrows(IllegalArgumentException.class, () -> PardBlocks.of(g, 3).ordered(Graph.of(4, new int[0][])));
  }

  static Graph randomGraph(int n, double p, Rng rng) {
    List<int[]> e = new ArrayList<>();
    for (int u = 0; u < n; u++) {
      for (int v = u + 1; v < n; v++) {
        if (rng.nextDouble() < p) {
          e.add(new int[] {u, v});
        }
      }
    }
    return Graph.of(n, e.toArray(new int[0][]));
  }

}
