package org.diffusion4j.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.random.Rng;

/**
 * Node-link drawings of graphs in rows of panels (e.g. generated graphs above training graphs),
 * laid out with Fruchterman &amp; Reingold's force-directed algorithm (1991) from a seeded start.
 */
public final class GraphDrawing {
  private GraphDrawing() {}

  /** Writes a PNG: one row per list, up to {@code perRow} graphs each, {@code panel} pixels square. */
  public static void write(Path file, List<String> rowTitles, List<List<Graph>> rows, int perRow, int panel)
      throws IOException {
    int titleHeight = 22;
    int cols = Math.max(1, perRow);
    BufferedImage img = new BufferedImage(cols * panel, rows.size() * (panel + titleHeight), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      for (int r = 0; r < rows.size(); r++) {
        int y0 = r * (panel + titleHeight);
        g.setColor(Color.BLACK);
        g.drawString(rowTitles.get(r), 6, y0 + 16);
        List<Graph> graphs = rows.get(r);
        for (int c = 0; c < Math.min(cols, graphs.size()); c++) {
          draw(g, graphs.get(c), c * panel, y0 + titleHeight, panel, Plot.color(r));
        }
      }
    } finally {
      g.dispose();
    }
    Plot.writeImage(file, img);
  }

  private static void draw(Graphics2D g, Graph graph, int x0, int y0, int size, Color colour) {
    double[][] p = layout(graph, 300, 7);
    int n = graph.nodeCount();
    double margin = 0.08 * size;
    double[] px = new double[n];
    double[] py = new double[n];
    for (int u = 0; u < n; u++) {
      px[u] = x0 + margin + p[u][0] * (size - 2 * margin);
      py[u] = y0 + margin + p[u][1] * (size - 2 * margin);
    }
    g.setColor(new Color(150, 150, 150));
    g.setStroke(new BasicStroke(1f));
    for (int[] e : graph.edges()) {
      g.drawLine((int) px[e[0]], (int) py[e[0]], (int) px[e[1]], (int) py[e[1]]);
    }
    int radius = n > 100 ? 2 : 4;
    g.setColor(colour);
    for (int u = 0; u < n; u++) {
      g.fillOval((int) px[u] - radius, (int) py[u] - radius, 2 * radius, 2 * radius);
    }
    g.setColor(new Color(220, 220, 220));
    g.drawRect(x0, y0, size - 1, size - 1);
  }

  /** Fruchterman-Reingold positions in [0, 1]^2. */
  static double[][] layout(Graph graph, int iterations, long seed) {
    int n = graph.nodeCount();
    double[][] p = new double[n][2];
    Rng rng = Rng.of(seed);
    for (double[] q : p) {
      q[0] = rng.nextDouble();
      q[1] = rng.nextDouble();
    }
    if (n < 2) {
      return new double[][] {{0.5, 0.5}};
    }
    double k = Math.sqrt(1.0 / n);
    double temperature = 0.1;
    int[][] edges = graph.edges();
    for (int it = 0; it < iterations; it++) {
      double[][] d = new double[n][2];
      for (int u = 0; u < n; u++) {
        for (int v = u + 1; v < n; v++) {
          double dx = p[u][0] - p[v][0];
          double dy = p[u][1] - p[v][1];
          double dist = Math.max(1e-4, Math.hypot(dx, dy));
          double f = k * k / dist;
          d[u][0] += dx / dist * f;
          d[u][1] += dy / dist * f;
          d[v][0] -= dx / dist * f;
          d[v][1] -= dy / dist * f;
        }
      }
      for (int[] e : edges) {
        double dx = p[e[0]][0] - p[e[1]][0];
        double dy = p[e[0]][1] - p[e[1]][1];
        double dist = Math.max(1e-4, Math.hypot(dx, dy));
        double f = dist * dist / k;
        d[e[0]][0] -= dx / dist * f;
        d[e[0]][1] -= dy / dist * f;
        d[e[1]][0] += dx / dist * f;
        d[e[1]][1] += dy / dist * f;
      }
      for (int u = 0; u < n; u++) {
        double len = Math.max(1e-9, Math.hypot(d[u][0], d[u][1]));
        double step = Math.min(len, temperature);
        p[u][0] += d[u][0] / len * step;
        p[u][1] += d[u][1] / len * step;
      }
      temperature *= 0.98;
    }
    double minX = Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (double[] q : p) {
      minX = Math.min(minX, q[0]);
      maxX = Math.max(maxX, q[0]);
      minY = Math.min(minY, q[1]);
      maxY = Math.max(maxY, q[1]);
    }
    double span = Math.max(1e-9, Math.max(maxX - minX, maxY - minY));
    for (double[] q : p) {
      q[0] = (q[0] - minX) / span;
      q[1] = (q[1] - minY) / span;
    }
    return p;
  }
}
