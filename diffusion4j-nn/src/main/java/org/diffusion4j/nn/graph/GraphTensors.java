package org.diffusion4j.nn.graph;

import java.util.List;
import org.diffusion4j.graph.Graph;

/**
 * Dense padded tensors of graph batches, as GDSS's utils/graph_utils.py builds them: adjacency
 * padded to N x N ({@code graphs_to_tensor}), node flags = rows with a non-zero sum
 * ({@code node_flags}), node features = one-hot of the degree, masked by the flags
 * ({@code init_features('deg')}).
 */
public final class GraphTensors {
  private GraphTensors() {}

  /** Row-major (graphs, N, N) adjacency. */
  public static float[] adjacency(List<Graph> graphs, int n) {
    float[] out = new float[graphs.size() * n * n];
    for (int g = 0; g < graphs.size(); g++) {
      Graph graph = requireFits(graphs.get(g), n);
      for (int[] e : graph.edges()) {
        out[g * n * n + e[0] * n + e[1]] = 1;
        out[g * n * n + e[1] * n + e[0]] = 1;
      }
    }
    return out;
  }

  /** (graphs, N) flags: 1 for nodes with at least one edge. */
  public static float[] flags(List<Graph> graphs, int n) {
    float[] out = new float[graphs.size() * n];
    for (int g = 0; g < graphs.size(); g++) {
      Graph graph = requireFits(graphs.get(g), n);
      for (int u = 0; u < graph.nodeCount(); u++) {
        out[g * n + u] = graph.degree(u) > 0 ? 1 : 0;
      }
    }
    return out;
  }

  /** (graphs, N, F) degree one-hot features, zero on flagged-off nodes. */
  public static float[] degreeFeatures(List<Graph> graphs, int n, int features) {
    float[] out = new float[graphs.size() * n * features];
    for (int g = 0; g < graphs.size(); g++) {
      Graph graph = requireFits(graphs.get(g), n);
      for (int u = 0; u < graph.nodeCount(); u++) {
        int d = graph.degree(u);
        if (d >= features) {
          throw new IllegalArgumentException("node degree " + d + " needs more than " + features
              + " one-hot features (max_feat_num); raise features to at least " + (d + 1));
        }
        if (d > 0) {
          out[(g * n + u) * features + d] = 1;
        }
      }
    }
    return out;
  }

  /** The largest degree in a set plus one: the smallest valid feature width. */
  public static int featuresNeeded(List<Graph> graphs) {
    int max = 0;
    for (Graph g : graphs) {
      for (int u = 0; u < g.nodeCount(); u++) {
        max = Math.max(max, g.degree(u));
      }
    }
    return max + 1;
  }

  private static Graph requireFits(Graph g, int n) {
    if (g.nodeCount() > n) {
      throw new IllegalArgumentException("a graph of " + g.nodeCount() + " nodes does not fit max nodes " + n);
    }
    return g;
  }
}
