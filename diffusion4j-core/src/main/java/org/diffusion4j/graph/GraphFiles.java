package org.diffusion4j.graph;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;

/** Reads graph sets from an edge list ({@link EdgeLists}) or from adjacency arrays in NPY. */
public final class GraphFiles {
  private GraphFiles() {}

  /** An {@code .npy} file as adjacency arrays, anything else as an edge list. */
  public static List<Graph> read(Path file) throws IOException {
    return file.toString().endsWith(".npy") ? readAdjacencyNpy(file) : EdgeLists.read(file);
  }

  /**
   * Adjacency matrices in NPY: shape (n, N, N) for n graphs or (N, N) for one; entry &gt;= 0.5
   * (symmetrised) is an edge, the diagonal is ignored. Rows and columns that are all zero stay as
   * isolated nodes (padding included): apply {@link Graph#withoutIsolatedNodes()} to drop them.
   */
  public static List<Graph> readAdjacencyNpy(Path file) throws IOException {
    NdArray a = Npy.read(file);
    long[] s = a.shape();
    if (!(s.length == 2 || s.length == 3) || s[s.length - 1] != s[s.length - 2]) {
      throw new FormatException(file + ": adjacency NPY must have shape (n, N, N) or (N, N), got "
          + java.util.Arrays.toString(s));
    }
    int nodes = (int) s[s.length - 1];
    int count = s.length == 3 ? (int) s[0] : 1;
    double[] data = a.data();
    List<Graph> out = new ArrayList<>(count);
    for (int g = 0; g < count; g++) {
      out.add(Graph.fromAdjacency(data, g * nodes * nodes, nodes, 0.5));
    }
    return out;
  }
}
