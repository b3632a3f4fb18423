package org.diffusion4j.walk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.io.FormatException;

/**
 * Reader of the shared graph-set text format ({@code /work/shared/data/graphs/README.md}): a
 * header {@code # graphs K}, then per graph a line {@code graph INDEX NODES EDGES} followed by
 * EDGES lines {@code u v} (0-based); the shared files end with a line {@code end}. A deliberately small local reader for the random-walk
 * utilities; if the project's {@code graph} package provides one, this should delegate to it.
 */
public final class EdgeListSets {
  private EdgeListSets() {}

  /** All graphs of the file, in order. Malformed input gives a {@link FormatException} naming file and line. */
  public static List<Adjacency> read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Adjacency> graphs = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i).trim();
      if (line.equals("end")) {
        break;
      }
      if (line.isEmpty() || line.startsWith("#")) {
        i++;
        continue;
      }
      String[] head = line.split("\\s+");
      if (head.length != 4 || !head[0].equals("graph")) {
        throw new FormatException(file + " line " + (i + 1) + ": expected 'graph INDEX NODES EDGES', got '" + line + "'");
      }
      int nodes = parse(file, i, head[2]);
      int count = parse(file, i, head[3]);
      if (nodes < 1 || count < 0 || i + count >= lines.size()) {
        throw new FormatException(file + " line " + (i + 1) + ": bad node or edge count in '" + line + "'");
      }
      int[][] edges = new int[count][];
      for (int k = 0; k < count; k++) {
        String[] uv = lines.get(i + 1 + k).trim().split("\\s+");
        if (uv.length != 2) {
          throw new FormatException(file + " line " + (i + 2 + k) + ": expected 'u v'");
        }
        int u = parse(file, i + 1 + k, uv[0]);
        int v = parse(file, i + 1 + k, uv[1]);
        if (u < 0 || v < 0 || u >= nodes || v >= nodes) {
          throw new FormatException(file + " line " + (i + 2 + k) + ": node id outside [0, " + nodes + ")");
        }
        edges[k] = new int[] {u, v};
      }
      graphs.add(Adjacency.of(nodes, edges));
      i += count + 1;
    }
    return graphs;
  }

  private static int parse(Path file, int lineIndex, String token) {
    try {
      return Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new FormatException(file + " line " + (lineIndex + 1) + ": '" + token + "' is not an integer");
    }
  }
}
