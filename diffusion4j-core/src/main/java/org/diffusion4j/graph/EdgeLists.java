package org.diffusion4j.graph;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.FormatException;

/**
 * The plain edge-list format of the bundled graph sets (and of {@code d4j graphs sample}):
 *
 * <pre>
 * # graphs K
 * graph 0 NODES EDGES
 * u v                 (EDGES lines, 0-based ids, u != v, each undirected edge once)
 * graph 1 NODES EDGES
 * ...
 * end                 (optional terminator)
 * </pre>
 *
 * Blank lines are skipped; a {@code .gz} file is read through gzip. Every error is a
 * {@link FormatException} naming the source and the line.
 */
public final class EdgeLists {
  private EdgeLists() {}

  /** Reads a file of graphs ({@code .gz} compressed or plain). */
  public static List<Graph> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString(), file.toString().endsWith(".gz"));
    }
  }

  /** Reads graphs from a stream; {@code name} names it in error messages. */
  public static List<Graph> read(InputStream in, String name, boolean gzip) throws IOException {
    InputStream body = gzip ? new GZIPInputStream(in) : in;
    BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    List<String> lines = new ArrayList<>();
    for (String line = r.readLine(); line != null; line = r.readLine()) {
      lines.add(line);
    }
    return parse(lines, name);
  }

  /** Parses the lines of an edge-list file. */
  public static List<Graph> parse(List<String> lines, String name) {
    int i = nextContent(lines, 0);
    if (i >= lines.size()) {
      throw new FormatException(name + ": empty file, expected a header '# graphs K'");
    }
    String[] head = fields(lines.get(i));
    if (head.length != 3 || !head[0].equals("#") || !head[1].equals("graphs")) {
      throw new FormatException(name + " line " + (i + 1) + ": expected the header '# graphs K', got '"
          + lines.get(i).trim() + "'");
    }
    int count = parseInt(head[2], name, i, "graph count", 0, Integer.MAX_VALUE);
    List<Graph> graphs = new ArrayList<>();
    i++;
    for (int g = 0; g < count; g++) {
      i = nextContent(lines, i);
      if (i >= lines.size()) {
        throw new FormatException(name + " line " + (i + 1) + ": truncated, the header announces " + count
            + " graphs but the file ends after " + g);
      }
      String[] f = fields(lines.get(i));
      if (f.length != 4 || !f[0].equals("graph")) {
        throw new FormatException(name + " line " + (i + 1) + ": expected 'graph INDEX NODES EDGES', got '"
            + lines.get(i).trim() + "'");
      }
      parseInt(f[1], name, i, "graph index", 0, Integer.MAX_VALUE);
      int nodes = parseInt(f[2], name, i, "node count", 0, 1 << 15);
      long maxEdges = (long) nodes * (nodes - 1) / 2;
      int edgeCount = parseInt(f[3], name, i, "edge count", 0, (int) Math.min(Integer.MAX_VALUE, maxEdges));
      int headerLine = i;
      i++;
      int[][] edges = new int[edgeCount][];
      boolean[] seen = new boolean[nodes * nodes];
      for (int e = 0; e < edgeCount; e++) {
        i = nextContent(lines, i);
        if (i >= lines.size()) {
          throw new FormatException(name + " line " + (i + 1) + ": truncated, graph at line " + (headerLine + 1)
              + " announces " + edgeCount + " edges but the file ends after " + e);
        }
        String[] uv = fields(lines.get(i));
        if (uv.length != 2) {
          throw new FormatException(name + " line " + (i + 1) + ": expected an edge 'u v' (graph at line "
              + (headerLine + 1) + " announces " + edgeCount + " edges), got '" + lines.get(i).trim() + "'");
        }
        int u = parseInt(uv[0], name, i, "node id", 0, nodes - 1);
        int v = parseInt(uv[1], name, i, "node id", 0, nodes - 1);
        if (u == v) {
          throw new FormatException(name + " line " + (i + 1) + ": self-loop " + u + " " + v
              + "; graphs must be simple");
        }
        if (seen[u * nodes + v]) {
          throw new FormatException(name + " line " + (i + 1) + ": edge " + u + " " + v + " appears twice");
        }
        seen[u * nodes + v] = true;
        seen[v * nodes + u] = true;
        edges[e] = new int[] {u, v};
        i++;
      }
      graphs.add(Graph.of(nodes, edges));
    }
    i = nextContent(lines, i);
    if (i < lines.size() && lines.get(i).trim().equals("end")) {
      i = nextContent(lines, i + 1);
    }
    if (i < lines.size()) {
      throw new FormatException(name + " line " + (i + 1) + ": unexpected content after the " + count
          + " announced graphs: '" + lines.get(i).trim() + "'");
    }
    return graphs;
  }

  /** The text of {@code graphs} in this format. */
  public static String format(List<Graph> graphs) {
    StringBuilder sb = new StringBuilder();
    sb.append("# graphs ").append(graphs.size()).append('\n');
    for (int g = 0; g < graphs.size(); g++) {
      Graph graph = graphs.get(g);
      sb.append("graph ").append(g).append(' ').append(graph.nodeCount()).append(' ').append(graph.edgeCount())
          .append('\n');
      for (int[] e : graph.edges()) {
        sb.append(e[0]).append(' ').append(e[1]).append('\n');
      }
    }
    sb.append("end\n");
    return sb.toString();
  }

  /** Writes {@code graphs} atomically. */
  public static void write(Path file, List<Graph> graphs) throws IOException {
    AtomicFiles.writeString(file, format(graphs));
  }

  private static int nextContent(List<String> lines, int from) {
    int i = from;
    while (i < lines.size() && lines.get(i).isBlank()) {
      i++;
    }
    return i;
  }

  private static String[] fields(String line) {
    return line.trim().split("\\s+");
  }

  private static int parseInt(String s, String name, int line, String what, int min, int max) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new FormatException(name + " line " + (line + 1) + ": " + what + " '" + s + "' is not an integer");
    }
    if (v < min || v > max) {
      throw new FormatException(name + " line " + (line + 1) + ": " + what + " " + v + " is out of range ["
          + min + ", " + max + "]");
    }
    return (int) v;
  }
}
