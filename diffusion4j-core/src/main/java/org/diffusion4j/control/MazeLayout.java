package org.diffusion4j.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A maze map: a grid of unit cells, each a wall block or open floor. Cell (row r, column c)
 * covers x in [c, c + 1], y in [r, r + 1]; its centre is (c + 0.5, r + 0.5).
 *
 * <p>The named layouts are D4RL's maze2d maps (Fu et al. 2020, d4rl/pointmaze/maze_model.py,
 * {@code U_MAZE} and {@code MEDIUM_MAZE}, with their goal markers read as open cells).
 */
public final class MazeLayout {
  /** D4RL's {@code U_MAZE}. */
  public static final MazeLayout UMAZE = parse("umaze", "#####", "#OOO#", "###O#", "#OOO#", "#####");
  /** D4RL's {@code MEDIUM_MAZE}. */
  public static final MazeLayout MEDIUM = parse("medium", "########", "#OO##OO#", "#OO#OOO#", "##OOO###",
      "#OO#OOO#", "#O#OO#O#", "#OOO#OO#", "########");

  private final String name;
  private final boolean[][] wall;

  private MazeLayout(String name, boolean[][] wall) {
    this.name = name;
    this.wall = wall;
  }

  /**
   * A layout from rows of '#' (wall) and 'O' (open; 'G' is accepted as open too). Row 0 is y in
   * [0, 1]. The border must be walls so that the point mass cannot leave the map.
   */
  public static MazeLayout parse(String name, String... rows) {
    if (rows.length < 3) {
      throw new IllegalArgumentException("maze needs at least 3 rows, got " + rows.length);
    }
    int cols = rows[0].length();
    boolean[][] w = new boolean[rows.length][cols];
    int open = 0;
    for (int r = 0; r < rows.length; r++) {
      if (rows[r].length() != cols) {
        throw new IllegalArgumentException("maze row " + r + " has " + rows[r].length() + " cells, expected " + cols);
      }
      for (int c = 0; c < cols; c++) {
        char ch = rows[r].charAt(c);
        if (ch != '#' && ch != 'O' && ch != 'G') {
          throw new IllegalArgumentException("maze cell (" + r + ", " + c + ") is '" + ch + "'; expected '#', 'O' or 'G'");
        }
        w[r][c] = ch == '#';
        boolean border = r == 0 || c == 0 || r == rows.length - 1 || c == cols - 1;
        if (border && !w[r][c]) {
          throw new IllegalArgumentException("maze border cell (" + r + ", " + c + ") must be a wall");
        }
        open += w[r][c] ? 0 : 1;
      }
    }
    if (open < 2) {
      throw new IllegalArgumentException("maze needs at least 2 open cells, got " + open);
    }
    return new MazeLayout(name, w);
  }

  /** A named layout: "umaze" or "medium". */
  public static MazeLayout named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "umaze" -> UMAZE;
      case "medium" -> MEDIUM;
      default -> throw new IllegalArgumentException("unknown maze '" + name + "'; expected umaze or medium");
    };
  }

  public String name() {
    return name;
  }

  public int rows() {
    return wall.length;
  }

  public int cols() {
    return wall[0].length;
  }

  /** True for a wall cell; cells outside the grid count as walls. */
  public boolean isWall(int row, int col) {
    return row < 0 || col < 0 || row >= rows() || col >= cols() || wall[row][col];
  }

  /** The open cells as {row, col} pairs in row-major order. */
  public List<int[]> openCells() {
    List<int[]> out = new ArrayList<>();
    for (int r = 0; r < rows(); r++) {
      for (int c = 0; c < cols(); c++) {
        if (!wall[r][c]) {
          out.add(new int[] {r, c});
        }
      }
    }
    return out;
  }

  /** The cell {row, col} containing point (x, y) (floor of the coordinates). */
  public int[] cellOf(double x, double y) {
    return new int[] {(int) Math.floor(y), (int) Math.floor(x)};
  }

  /**
   * A shortest 4-connected path of open cells from {@code from} to {@code to} (both included),
   * by breadth-first search with neighbours tried in the fixed order up, down, left, right, so
   * ties always break the same way.
   */
  public List<int[]> shortestPath(int[] from, int[] to) {
    if (isWall(from[0], from[1]) || isWall(to[0], to[1])) {
      throw new IllegalArgumentException("path ends must be open cells, got " + Arrays.toString(from) + " -> "
          + Arrays.toString(to));
    }
    int[][] prev = new int[rows() * cols()][];
    boolean[] seen = new boolean[rows() * cols()];
    ArrayDeque<int[]> queue = new ArrayDeque<>();
    queue.add(from);
    seen[from[0] * cols() + from[1]] = true;
    int[][] moves = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    while (!queue.isEmpty()) {
      int[] cell = queue.poll();
      if (cell[0] == to[0] && cell[1] == to[1]) {
        break;
      }
      for (int[] m : moves) {
        int r = cell[0] + m[0];
        int c = cell[1] + m[1];
        if (!isWall(r, c) && !seen[r * cols() + c]) {
          seen[r * cols() + c] = true;
          prev[r * cols() + c] = cell;
          queue.add(new int[] {r, c});
        }
      }
    }
    if (!seen[to[0] * cols() + to[1]]) {
      throw new IllegalArgumentException("no path from " + Arrays.toString(from) + " to " + Arrays.toString(to));
    }
    ArrayDeque<int[]> path = new ArrayDeque<>();
    for (int[] cell = to; cell != null; cell = prev[cell[0] * cols() + cell[1]]) {
      path.addFirst(cell);
      if (cell[0] == from[0] && cell[1] == from[1]) {
        break;
      }
    }
    return new ArrayList<>(path);
  }

  /** The map as rows of '#' and '.', row 0 first. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (boolean[] row : wall) {
      for (boolean b : row) {
        sb.append(b ? '#' : '.');
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
