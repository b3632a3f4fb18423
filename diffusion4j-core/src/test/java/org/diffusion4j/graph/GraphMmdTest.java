package org.diffusion4j.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

class GraphMmdTest {

  @Test
  void kernelsOnHandCheckedCases() {
    // EMD between unit masses at 0 and at 1 is 1; at 0 and 2 it is 2 (padding the shorter vector).
    assertEquals(Math.exp(-0.5), GraphMmd.kernel(new double[] {1, 0}, new double[] {0, 1},
        GraphMmd.Kernel.GAUSSIAN_EMD, 1, 1), 1e-15);
    assertEquals(Math.exp(-4 / 2.0), GraphMmd.kernel(new double[] {1}, new double[] {0, 0, 1},
        GraphMmd.Kernel.GAUSSIAN_EMD, 1, 1), 1e-15);
    // Half the mass moved 3 bins with scaling 100 and sigma 0.1: EMD 0.015.
    double[] x = new double[100];
    double[] y = new double[100];
    x[10] = 1;
    y[10] = 0.5;
    y[13] = 0.5;
    assertEquals(Math.exp(-0.015 * 0.015 / (2 * 0.01)), GraphMmd.kernel(x, y, GraphMmd.Kernel.GAUSSIAN_EMD, 0.1,
        100), 1e-14);
    // L2: ||(3, 4)|| = 5; TV of (1, 0) vs (0, 1) is 1.
    assertEquals(Math.exp(-25 / 2.0 / 900), GraphMmd.kernel(new double[] {3, 4}, new double[] {0},
        GraphMmd.Kernel.GAUSSIAN_L2, 30, 1), 1e-15);
    assertEquals(Math.exp(-0.5), GraphMmd.kernel(new double[] {1, 0}, new double[] {0, 1},
        GraphMmd.Kernel.GAUSSIAN_TV, 1, 1), 1e-15);
  }

  @Test
  void mmdOfTwoSingletonsIsTwoMinusTwoK() {
    List<double[]> a = List.of(new double[] {1, 0});
    List<double[]> b = List.of(new double[] {0, 1});
    assertEquals(2 - 2 * Math.exp(-0.5), GraphMmd.mmd(a, b, GraphMmd.Kernel.GAUSSIAN_EMD, 1, 1), 1e-15);
  }

  @Test
  void histogramsFollowNetworkxAndNumpy() {
    // Triangle 0-1-2 with a pendant 3 on node 2: degrees 2, 2, 3, 1; clustering 1, 1, 1/3, 0.
    Graph paw = Graph.of(4, new int[][] {{0, 1}, {1, 2}, {0, 2}, {2, 3}});
    assertArrayEquals(new double[] {0, 1, 2, 1}, GraphMmd.degreeHistogram(paw));
    assertArrayEquals(new double[] {1, 1, 1.0 / 3, 0}, GraphMmd.clusteringCoefficients(paw), 1e-15);
    double[] h = GraphMmd.clusteringHistogram(paw, 100);
    assertEquals(1, h[0]);
    assertEquals(1, h[33]);
    assertEquals(2, h[99]); // numpy closes the last bin
    // Values on an edge go where numpy puts them: np.histogram([0.29, 0.57, 0.58, 0.01, 0], 100, (0, 1))
    // has its counts in bins 0, 1, 29, 56, 58 (0.57 * 100 rounds below 57, and so does edge 57).
    double[] edges = GraphMmd.histogram(new double[] {0.29, 0.57, 0.58, 0.01, 0.0}, 100);
    assertEquals(1, edges[29]);
    assertEquals(1, edges[56]);
    assertEquals(1, edges[58]);
    assertEquals(1, edges[1]);
    assertEquals(1, edges[0]);
  }

  @Test
  void mmdMatchesGdssFormulasReRunInNumpy() {
    // Reference values: GDSS's stats.py/mmd.py re-run with numpy (networkx replaced by adjacency
    // algebra, pyemd by the 1-D closed form) and orbits from the compiled orca binary, test split
    // against the first |test| training graphs.
    List<Graph> test = GraphDatasets.test("community_small");
    List<Graph> train = GraphDatasets.train("community_small").subList(0, test.size());
    GraphMmd.Table t = GraphMmd.gdss(test, train);
    assertEquals(0.00547484855356517, t.degree(), 1e-12);
    assertEquals(0.017005902820553587, t.clustering(), 1e-12);
    assertEquals(0.0010398979601469183, t.orbit(), 1e-12);
    List<Graph> egoTest = GraphDatasets.test("ego_small");
    GraphMmd.Table e = GraphMmd.gdss(egoTest, GraphDatasets.train("ego_small").subList(0, egoTest.size()));
    assertEquals(0.022646159685011824, e.degree(), 1e-12);
    assertEquals(0.03094852431510714, e.clustering(), 1e-12);
    assertEquals(0.009194762291816483, e.orbit(), 1e-12);
  }

  @Test
  void mmdOfASetWithItselfIsZeroAndGrowsWithEdgeFlips() {
    List<Graph> base = GraphGenerators.communitySmall(20, 3);
    GraphMmd.Table self = GraphMmd.gdss(base, base);
    assertEquals(0, self.degree(), 1e-12);
    assertEquals(0, self.clustering(), 1e-12);
    assertEquals(0, self.orbit(), 1e-12);
    double[] previous = {0, 0, 0};
    for (int flips : new int[] {4, 16, 64}) {
      List<Graph> perturbed = flip(base, flips, Rng.of(5));
      GraphMmd.Table t = GraphMmd.gdss(base, perturbed);
      double[] now = {t.degree(), t.clustering(), t.orbit()};
      for (int k = 0; k < 3; k++) {
        assertTrue(now[k] > previous[k], "statistic " + k + " after " + flips + " flips: " + now[k]
            + " not above " + previous[k]);
      }
      previous = now;
    }
  }

  /** Each graph with {@code flips} random node pairs toggled (the same pairs for a seed, nested as flips grow). */
  static List<Graph> flip(List<Graph> graphs, int flips, Rng rng) {
    List<Graph> out = new ArrayList<>();
    for (int i = 0; i < graphs.size(); i++) {
      Graph g = graphs.get(i);
      Rng r = rng.stream(i);
      for (int f = 0; f < flips; f++) {
        int u = r.nextInt(g.nodeCount());
        int v = r.nextInt(g.nodeCount() - 1);
        g = g.flipEdge(u, v >= u ? v + 1 : v);
      }
      out.add(g);
    }
    return out;
  }
}
