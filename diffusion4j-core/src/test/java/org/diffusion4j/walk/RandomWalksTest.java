package org.diffusion4j.walk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walks, SRRW and their closed-form covariances (Doshi et al., ICML 2023). */
class RandomWalksTest {
  private static double[] randomTarget(int n, long seed) {
    Rng rng = Rng.of(seed);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = 0.2 + rng.nextDouble();
    }
    return t;
  }

  @Test
  void srrwAtAlphaZeroIsTheBaseChainBitForBit() {
    Adjacency g = SocialGraphs.barabasiAlbert(40, 2, 11);
    for (MarkovChain chain : List.of(MarkovChain.simpleRandomWalk(g),
        MarkovChain.metropolisHastings(g, randomTarget(40, 3)))) {
      ChainWalk base = new ChainWalk(chain, 5, 77);
      SelfRepellentWalk srrw = new SelfRepellentWalk(chain, 0.0, 5, 77);
      SelfRepellentWalk repelled = new SelfRepellentWalk(chain, 2.0, 5, 77);
      int differ = 0;
      for (int s = 0; s < 50_000; s++) {
        int b = base.step();
        assertEquals(b, srrw.step(), "step " + s);
        differ += repelled.step() != b ? 1 : 0;
      }
      assertTrue(differ > 1000, "alpha = 2 must change the path, differed at " + differ + " steps");
    }
  }

  @Test
  void sameSeedSameWalk() {
    MarkovChain chain = MarkovChain.simpleRandomWalk(SocialGraphs.wattsStrogatz(30, 4, 0.2, 1));
    SelfRepellentWalk a = new SelfRepellentWalk(chain, 5, 0.6, 0, 9);
    SelfRepellentWalk b = new SelfRepellentWalk(chain, 5, 0.6, 0, 9);
    for (int s = 0; s < 20_000; s++) {
      assertEquals(a.step(), b.step());
    }
    assertArrayEquals(a.measure(), b.measure(), 0.0);
  }

  @Test
  void metropolisHastingsIsReversibleWithRespectToItsTarget() {
    Adjacency g = SocialGraphs.barabasiAlbert(25, 3, 4);
    MarkovChain chain = MarkovChain.metropolisHastings(g, randomTarget(25, 8));
    double[][] p = chain.dense();
    double[] mu = chain.target();
    for (int i = 0; i < 25; i++) {
      double row = 0;
      double stationary = 0;
      for (int j = 0; j < 25; j++) {
        row += p[i][j];
        stationary += mu[j] * p[j][i];
        assertEquals(mu[i] * p[i][j], mu[j] * p[j][i], 1e-15);
        assertTrue(p[i][j] >= 0);
      }
      assertEquals(1.0, row, 1e-12);
      assertEquals(mu[i], stationary, 1e-14);
    }
  }

  @Test
  void visitsConvergeToTheTargetForEveryAlpha() {
    Adjacency g = SocialGraphs.barabasiAlbert(30, 2, 21);
    MarkovChain mh = MarkovChain.metropolisHastings(g, randomTarget(30, 5));
    MarkovChain srw = MarkovChain.simpleRandomWalk(g);
    int steps = 200_000;
    for (MarkovChain chain : List.of(mh, srw)) {
      double[] mu = chain.target();
      // The uniform start is far from mu: TV(uniform, mu) is the scale that convergence must beat.
      double startTv = TokenWalk.totalVariation(new SelfRepellentWalk(chain, 1, 0, 1).measure(), mu);
      assertTrue(startTv > 0.1, chain.name() + " start TV " + startTv);
      for (double alpha : new double[] {0, 1, 5, 10, 20}) {
        SelfRepellentWalk walk = new SelfRepellentWalk(chain, alpha, 0, 31);
        double[] visits = TokenWalk.visitFrequencies(walk, steps);
        assertTrue(TokenWalk.totalVariation(visits, mu) < 0.03, chain.name() + " alpha " + alpha + ": TV "
            + TokenWalk.totalVariation(visits, mu));
        assertTrue(TokenWalk.totalVariation(walk.measure(), mu) < 0.03, "x_n at alpha " + alpha);
      }
    }
    double[] nbrw = TokenWalk.visitFrequencies(new NonBacktrackingWalk(g, 0, 3), steps);
    assertTrue(TokenWalk.totalVariation(nbrw, srw.target()) < 0.03, "NBRW TV " + TokenWalk.totalVariation(nbrw, srw.target()));
  }

  /**
   * n tr Cov(x_n) over seeded runs against tr V_X(alpha). 300 runs: the trace estimate has a
   * relative standard deviation of about 5%, so 20% is a 4-sigma band; the base chain's value is
   * 45 times the alpha = 20 value, so a walk that ignored alpha would fail.
   */
  @Test
  void samplingVarianceFallsWithAlphaAsTheoryPredicts() {
    MarkovChain chain = MarkovChain.simpleRandomWalk(SocialGraphs.barabasiAlbert(10, 2, 3));
    SrrwTheory theory = SrrwTheory.of(chain);
    int runs = 300;
    int steps = 5000;
    double previous = Double.POSITIVE_INFINITY;
    for (double alpha : new double[] {0, 1, 5, 20}) {
      double[][] xs = new double[runs][];
      for (int r = 0; r < runs; r++) {
        SelfRepellentWalk walk = new SelfRepellentWalk(chain, alpha, 0, 1000 + r);
        for (int s = 0; s < steps; s++) {
          walk.step();
        }
        xs[r] = walk.measure();
      }
      double measured = steps * SrrwTheory.sampleCovarianceTrace(xs, null);
      double expected = SrrwTheory.trace(theory.samplingCovariance(alpha));
      assertEquals(1.0, measured / expected, 0.2, "alpha " + alpha + ": measured " + measured + ", theory " + expected);
      assertTrue(measured < previous, "variance must fall with alpha");
      previous = measured;
    }
  }

  @Test
  void spectralCovarianceAtAlphaZeroEqualsTheFundamentalMatrixForm() {
    Adjacency g = SocialGraphs.wattsStrogatz(12, 4, 0.3, 2);
    for (MarkovChain chain : List.of(MarkovChain.simpleRandomWalk(g), MarkovChain.metropolisHastings(g, randomTarget(12, 1)))) {
      double[][] spectral = SrrwTheory.of(chain).samplingCovariance(0);
      double[][] fundamental = SrrwTheory.fundamentalCovariance(chain);
      for (int i = 0; i < 12; i++) {
        assertArrayEquals(fundamental[i], spectral[i], 1e-10);
      }
    }
  }

  @Test
  void samplingCovarianceDecaysLikeOneOverAlpha() {
    SrrwTheory theory = SrrwTheory.of(MarkovChain.simpleRandomWalk(SocialGraphs.barabasiAlbert(15, 2, 1)));
    double a1 = 1000 * SrrwTheory.trace(theory.samplingCovariance(1000));
    double a2 = 4000 * SrrwTheory.trace(theory.samplingCovariance(4000));
    assertEquals(a1, a2, 1e-3 * a1);
    assertTrue(SrrwTheory.trace(theory.samplingCovariance(1)) < SrrwTheory.trace(theory.samplingCovariance(0)));
  }

  @Test
  void bipartitePathHasEigenvalueMinusOne() {
    MarkovChain chain = MarkovChain.simpleRandomWalk(Adjacency.of(3, new int[][] {{0, 1}, {1, 2}}));
    assertEquals(2, SrrwTheory.of(chain).eigenvalues().length);
    assertEquals(-1.0, SrrwTheory.of(chain).eigenvalues()[0], 1e-12); // bipartite path: eigenvalue -1
  }

  @Test
  void nonBacktrackingWalkNeverReturnsAtOnceWhereItCanAvoidIt() {
    Adjacency g = SocialGraphs.wattsStrogatz(40, 4, 0.3, 5);
    NonBacktrackingWalk walk = new NonBacktrackingWalk(g, 0, 4);
    int before = walk.position();
    int now = walk.step();
    for (int s = 0; s < 50_000; s++) {
      int next = walk.step();
      assertTrue(g.hasEdge(now, next));
      if (g.degree(now) > 1) {
        assertNotEquals(before, next, "backtracked at step " + s);
      }
      before = now;
      now = next;
    }
  }

  @Test
  void generatorsHaveTheirEdgeCountsAndAreDeterministic() {
    Adjacency ba = SocialGraphs.barabasiAlbert(200, 3, 7);
    assertEquals(3 * 4 / 2 + (200 - 4) * 3, ba.edges());
    assertTrue(ba.isConnected());
    assertArrayEquals(ba.edgeList(), SocialGraphs.barabasiAlbert(200, 3, 7).edgeList());
    int maxDegree = 0;
    for (int i = 0; i < 200; i++) {
      maxDegree = Math.max(maxDegree, ba.degree(i));
    }
    assertTrue(maxDegree > 20, "preferential attachment grows hubs, max degree " + maxDegree);
    Adjacency ws = SocialGraphs.wattsStrogatz(100, 6, 0.1, 7);
    assertEquals(300, ws.edges());
    Adjacency ring = SocialGraphs.wattsStrogatz(10, 2, 0.0, 1);
    for (int i = 0; i < 10; i++) {
      assertTrue(ring.hasEdge(i, (i + 1) % 10));
    }
    assertThrows(IllegalArgumentException.class, () -> SocialGraphs.barabasiAlbert(5, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> SocialGraphs.wattsStrogatz(10, 3, 0.1, 1));
    assertThrows(IllegalArgumentException.class, () -> SocialGraphs.wattsStrogatz(10, 4, 1.5, 1));
  }

  @Test
  void graphsOfTheSharedSetFormatBecomeWalkGraphs(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("g.txt");
    Files.writeString(file, "# graphs 2\ngraph 0 3 2\n0 1\n1 2\ngraph 1 4 1\n2 3\nend\n");
    List<Adjacency> graphs = EdgeLists.read(file).stream().map(Adjacency::of).toList();
    assertEquals(2, graphs.size());
    assertTrue(graphs.get(0).isConnected());
    assertFalse(graphs.get(1).isConnected());
    assertEquals(2, graphs.get(1).largestComponent().nodes());
  }

  @Test
  void badArgumentsAreRefusedWithTheValue() {
    MarkovChain chain = MarkovChain.simpleRandomWalk(SocialGraphs.barabasiAlbert(10, 2, 1));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new SelfRepellentWalk(chain, -1, 0, 1))
        .getMessage().contains("-1"));
    assertThrows(IllegalArgumentException.class, () -> new SelfRepellentWalk(chain, 1, 0.5, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SelfRepellentWalk(chain, 1, 10, 1));
    double[] bad = randomTarget(10, 1);
    bad[3] = 0;
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> MarkovChain.metropolisHastings(chain.graph(), bad)).getMessage().contains("target[3]"));
    assertThrows(IllegalArgumentException.class,
        () -> MarkovChain.simpleRandomWalk(Adjacency.of(4, new int[][] {{0, 1}, {2, 3}})));
  }
}
