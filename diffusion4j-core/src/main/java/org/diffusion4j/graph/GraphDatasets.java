package org.diffusion4j.graph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The bundled graph sets of GDSS's generic-graph table (resources
 * org/diffusion4j/graph/data, see the README there): community_small (80 train / 20 test),
 * grid (80 / 20) and ego_small (160 / 40), GDSS's exact graphs and split (test = the first 20%
 * of its pickled list, utils/data_loader.py).
 */
public final class GraphDatasets {
  /** The bundled set names. */
  public static final List<String> NAMES = List.of("community_small", "grid", "ego_small");

  private GraphDatasets() {}

  /** Whether {@code name} is a bundled set. */
  public static boolean isBundled(String name) {
    return NAMES.contains(name);
  }

  /** The training split of a bundled set. */
  public static List<Graph> train(String name) {
    return load(name, "train");
  }

  /** The test split of a bundled set. */
  public static List<Graph> test(String name) {
    return load(name, "test");
  }

  /** GDSS's max_node_num of a bundled set (config/*.yaml). */
  public static int maxNodes(String name) {
    return switch (requireName(name)) {
      case "community_small" -> 20;
      case "grid" -> 361;
      default -> 18;
    };
  }

  private static String requireName(String name) {
    if (!isBundled(name)) {
      throw new IllegalArgumentException("unknown graph set '" + name + "', expected one of " + NAMES);
    }
    return name;
  }

  private static List<Graph> load(String name, String split) {
    String resource = "data/" + requireName(name) + "-" + split + ".txt.gz";
    try (InputStream in = GraphDatasets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("bundled graph resource " + resource + " is missing from the jar");
      }
      return EdgeLists.read(in, name + "/" + split, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
