package org.diffusion4j.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validity, uniqueness and novelty of a generated set, as the graph-generation literature reports
 * them for generic graphs (GraphRNN, GDSS's and Pard's tables use MMD; the V/U/N fractions follow
 * the usual definitions):
 * <ul>
 *   <li>valid: the graph has at least one edge and is connected (a generic graph has no chemistry
 *       to violate; connectivity is the property every benchmark set here has);</li>
 *   <li>unique: fraction of generated graphs not isomorphic to an earlier generated graph;</li>
 *   <li>novel: fraction of generated graphs isomorphic to no training graph.</li>
 * </ul>
 */
public final class GraphSetMetrics {
  private GraphSetMetrics() {}

  /** The three fractions in [0, 1]. */
  public record Result(double valid, double unique, double novel) {}

  /** Fractions over {@code generated}; {@code training} may be empty (novelty then 1). */
  public static Result of(List<Graph> generated, List<Graph> training) {
    if (generated.isEmpty()) {
      throw new IllegalArgumentException("validity/uniqueness/novelty need at least one generated graph");
    }
    int valid = 0;
    for (Graph g : generated) {
      if (g.edgeCount() > 0 && g.componentCount() == 1) {
        valid++;
      }
    }
    Map<Long, List<Graph>> seen = new HashMap<>();
    int unique = 0;
    for (Graph g : generated) {
      List<Graph> bucket = seen.computeIfAbsent(Isomorphism.hash(g), k -> new ArrayList<>());
      if (bucket.stream().noneMatch(h -> Isomorphism.isomorphic(g, h))) {
        unique++;
        bucket.add(g);
      }
    }
    Map<Long, List<Graph>> train = new HashMap<>();
    for (Graph g : training) {
      train.computeIfAbsent(Isomorphism.hash(g), k -> new ArrayList<>()).add(g);
    }
    int novel = 0;
    for (Graph g : generated) {
      List<Graph> bucket = train.getOrDefault(Isomorphism.hash(g), List.of());
      if (bucket.stream().noneMatch(h -> Isomorphism.isomorphic(g, h))) {
        novel++;
      }
    }
    double n = generated.size();
    return new Result(valid / n, unique / n, novel / n);
  }
}
