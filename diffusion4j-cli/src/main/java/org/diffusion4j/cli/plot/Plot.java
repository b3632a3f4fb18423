package org.diffusion4j.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import javax.imageio.ImageIO;
import org.diffusion4j.io.AtomicFiles;

/**
 * A small PNG plotting tool for the CLI (headless Java2D, no dependency): scatter, lines,
 * density histograms and a density heat map under the points, linear or log axes, legends,
 * and multi-panel figures. Built fluently, rendered once:
 * <pre>
 *   Plot.of("samples").scatter(xs, ys, Plot.color(0), "dpm-solver++").writePng(path, 600, 600);
 *   Plot.figure(path, 3, 400, 400, p1, p2, p3);
 * </pre>
 */
public final class Plot {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf),
    new Color(0xbcbd22), new Color(0x7f7f7f)
  };

  private final String title;
  private String xLabel = "";
  private String yLabel = "";
  private boolean logX;
  private boolean logY;
  private boolean equalAspect;
  private double[] xRange;
  private double[] yRange;
  private final List<Series> series = new ArrayList<>();
  private DoubleBinaryOperator density;
  private int densityResolution;

  private enum Kind { SCATTER, LINE, STEP, BAND }

  private record Series(Kind kind, double[] x, double[] y, Color color, String label, boolean markers) {}

  private Plot(String title) {
    this.title = title == null ? "" : title;
  }

  /** A new, empty plot. */
  public static Plot of(String title) {
    return new Plot(title);
  }

  /** The i-th colour of a ten-colour palette (cycles). */
  public static Color color(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  public Plot xLabel(String label) {
    this.xLabel = label;
    return this;
  }

  public Plot yLabel(String label) {
    this.yLabel = label;
    return this;
  }

  /** Logarithmic x axis (non-positive x values are dropped). */
  public Plot logX() {
    this.logX = true;
    return this;
  }

  /** Logarithmic y axis (non-positive y values are dropped). */
  public Plot logY() {
    this.logY = true;
    return this;
  }

  /** Same scale on both axes (for 2-D samples). */
  public Plot equalAspect() {
    this.equalAspect = true;
    return this;
  }

  public Plot xRange(double lo, double hi) {
    this.xRange = new double[] {lo, hi};
    return this;
  }

  public Plot yRange(double lo, double hi) {
    this.yRange = new double[] {lo, hi};
    return this;
  }

  /** Points (small translucent dots, suited to thousands of samples). */
  public Plot scatter(double[] x, double[] y, Color color, String label) {
    series.add(new Series(Kind.SCATTER, x.clone(), y.clone(), color, label, false));
    return this;
  }

  /** A polyline through (x, y), optionally with markers at the points. */
  public Plot line(double[] x, double[] y, Color color, String label, boolean markers) {
    series.add(new Series(Kind.LINE, x.clone(), y.clone(), color, label, markers));
    return this;
  }

  /**
   * A translucent filled band between {@code lo} and {@code hi} over {@code x} (e.g. a forecast
   * interval); drawn in the order added, so add wide bands before narrow ones and lines last.
   */
  public Plot band(double[] x, double[] lo, double[] hi, Color color, String label) {
    if (lo.length != x.length || hi.length != x.length) {
      throw new IllegalArgumentException("band needs x, lo and hi of one length, got " + x.length + ", " + lo.length
          + ", " + hi.length);
    }
    int n = x.length;
    double[] px = new double[2 * n];
    double[] py = new double[2 * n];
    for (int i = 0; i < n; i++) {
      px[i] = x[i];
      py[i] = lo[i];
      px[2 * n - 1 - i] = x[i];
      py[2 * n - 1 - i] = hi[i];
    }
    series.add(new Series(Kind.BAND, px, py, color, label, false));
    return this;
  }

  /** A polyline without markers. */
  public Plot line(double[] x, double[] y, Color color, String label) {
    return line(x, y, color, label, false);
  }

  /** A histogram of {@code values} normalised to a density (area 1), drawn as a step outline. */
  public Plot histogram(double[] values, int bins, Color color, String label) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        n++;
      }
    }
    if (n == 0) {
      return this;
    }
    if (hi == lo) {
      hi = lo + 1;
    }
    double w = (hi - lo) / bins;
    double[] counts = new double[bins];
    for (double v : values) {
      if (Double.isFinite(v)) {
        counts[Math.min(bins - 1, (int) ((v - lo) / w))]++;
      }
    }
    double[] xs = new double[2 * bins + 2];
    double[] ys = new double[2 * bins + 2];
    xs[0] = lo;
    for (int b = 0; b < bins; b++) {
      double h = counts[b] / (n * w);
      xs[2 * b + 1] = lo + b * w;
      ys[2 * b + 1] = h;
      xs[2 * b + 2] = lo + (b + 1) * w;
      ys[2 * b + 2] = h;
    }
    xs[2 * bins + 1] = hi;
    series.add(new Series(Kind.STEP, xs, ys, color, label, false));
    return this;
  }

  /**
   * A grey-scale heat map of {@code densityFn(x, y)} (any non-negative function, e.g. a density)
   * drawn under the series, evaluated on a {@code resolution x resolution} grid over the axes.
   */
  public Plot densityBackground(DoubleBinaryOperator densityFn, int resolution) {
    this.density = densityFn;
    this.densityResolution = resolution;
    return this;
  }

  /** Renders to an image of the given size. */
  public BufferedImage render(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      draw(g, width, height);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Writes a PNG atomically. */
  public void writePng(Path file, int width, int height) throws IOException {
    writeImage(file, render(width, height));
  }

  /** Lays plots out in a grid of {@code cols} columns, each panel w x h pixels, and writes a PNG. */
  public static void figure(Path file, int cols, int panelWidth, int panelHeight, Plot... plots) throws IOException {
    writeImage(file, renderFigure(cols, panelWidth, panelHeight, plots));
  }

  /** Renders a grid figure (see {@link #figure}). */
  public static BufferedImage renderFigure(int cols, int panelWidth, int panelHeight, Plot... plots) {
    int c = Math.max(1, Math.min(cols, plots.length));
    int rows = (plots.length + c - 1) / c;
    BufferedImage img = new BufferedImage(c * panelWidth, Math.max(1, rows) * panelHeight, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      for (int i = 0; i < plots.length; i++) {
        Graphics2D sub = (Graphics2D) g.create((i % c) * panelWidth, (i / c) * panelHeight, panelWidth, panelHeight);
        try {
          plots[i].draw(sub, panelWidth, panelHeight);
        } finally {
          sub.dispose();
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  static void writeImage(Path file, BufferedImage img) throws IOException {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(img, "png", out)) {
        throw new IOException("no PNG writer available");
      }
    });
  }

  // ---------------------------------------------------------------- rendering

  private double tx(double x) {
    return logX ? Math.log10(x) : x;
  }

  private double ty(double y) {
    return logY ? Math.log10(y) : y;
  }

  private boolean okX(double x) {
    return Double.isFinite(x) && (!logX || x > 0);
  }

  private boolean okY(double y) {
    return Double.isFinite(y) && (!logY || y > 0);
  }

  private void draw(Graphics2D g, int w, int h) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, Math.min(14, h / 36)));
    g.setFont(font);
    FontMetrics fm = g.getFontMetrics();
    int left = fm.stringWidth("-0.000") + fm.getHeight() + 14;
    int right = 14;
    int top = fm.getHeight() * 2 + 4;
    int bottom = fm.getHeight() * 2 + 12;
    int pw = Math.max(10, w - left - right);
    int ph = Math.max(10, h - top - bottom);

    double[] xr = dataRange(true);
    double[] yr = dataRange(false);
    if (equalAspect) {
      double sx = (xr[1] - xr[0]) / pw;
      double sy = (yr[1] - yr[0]) / ph;
      double s = Math.max(sx, sy);
      double cx = 0.5 * (xr[0] + xr[1]);
      double cy = 0.5 * (yr[0] + yr[1]);
      xr = new double[] {cx - s * pw / 2, cx + s * pw / 2};
      yr = new double[] {cy - s * ph / 2, cy + s * ph / 2};
    }
    final double[] fx = xr;
    final double[] fy = yr;
    java.util.function.DoubleUnaryOperator px = v -> left + (v - fx[0]) / (fx[1] - fx[0]) * pw;
    java.util.function.DoubleUnaryOperator py = v -> top + ph - (v - fy[0]) / (fy[1] - fy[0]) * ph;

    if (density != null) {
      drawDensity(g, left, top, pw, ph, fx, fy);
    }

    // Axes box and ticks.
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1f));
    g.drawRect(left, top, pw, ph);
    for (double v : ticks(fx[0], fx[1], logX)) {
      int x = (int) Math.round(px.applyAsDouble(v));
      g.drawLine(x, top + ph, x, top + ph + 4);
      String s = tickLabel(v, logX);
      g.drawString(s, x - fm.stringWidth(s) / 2, top + ph + 4 + fm.getAscent());
    }
    for (double v : ticks(fy[0], fy[1], logY)) {
      int y = (int) Math.round(py.applyAsDouble(v));
      g.drawLine(left - 4, y, left, y);
      String s = tickLabel(v, logY);
      g.drawString(s, left - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
    }
    g.setFont(font.deriveFont(Font.BOLD));
    g.drawString(title, left + (pw - g.getFontMetrics().stringWidth(title)) / 2, fm.getHeight());
    g.setFont(font);
    g.drawString(xLabel, left + (pw - fm.stringWidth(xLabel)) / 2, h - 6);
    if (!yLabel.isEmpty()) {
      Graphics2D r = (Graphics2D) g.create();
      r.rotate(-Math.PI / 2);
      r.drawString(yLabel, -(top + (ph + fm.stringWidth(yLabel)) / 2), fm.getAscent());
      r.dispose();
    }

    // Series, clipped to the plot area.
    Graphics2D c = (Graphics2D) g.create();
    c.clipRect(left, top, pw, ph);
    int dot = series.stream().filter(s -> s.kind == Kind.SCATTER).mapToInt(s -> s.x.length).sum() > 3000 ? 2 : 3;
    for (Series s : series) {
      if (s.kind == Kind.BAND) {
        c.setColor(s.color);
        java.awt.geom.Path2D.Double poly = new java.awt.geom.Path2D.Double();
        boolean started = false;
        for (int i = 0; i < s.x.length; i++) {
          if (!okX(s.x[i]) || !okY(s.y[i])) {
            continue;
          }
          double x = px.applyAsDouble(tx(s.x[i]));
          double y = py.applyAsDouble(ty(s.y[i]));
          if (started) {
            poly.lineTo(x, y);
          } else {
            poly.moveTo(x, y);
            started = true;
          }
        }
        poly.closePath();
        c.fill(poly);
      } else if (s.kind == Kind.SCATTER) {
        c.setColor(new Color(s.color.getRed(), s.color.getGreen(), s.color.getBlue(), 110));
        for (int i = 0; i < s.x.length; i++) {
          if (okX(s.x[i]) && okY(s.y[i])) {
            int x = (int) Math.round(px.applyAsDouble(tx(s.x[i])));
            int y = (int) Math.round(py.applyAsDouble(ty(s.y[i])));
            c.fillOval(x - dot / 2, y - dot / 2, dot, dot);
          }
        }
      } else {
        c.setColor(s.color);
        c.setStroke(new BasicStroke(1.8f));
        int prevX = 0;
        int prevY = 0;
        boolean have = false;
        for (int i = 0; i < s.x.length; i++) {
          if (!okX(s.x[i]) || !okY(s.y[i])) {
            have = false;
            continue;
          }
          int x = (int) Math.round(px.applyAsDouble(tx(s.x[i])));
          int y = (int) Math.round(py.applyAsDouble(ty(s.y[i])));
          if (have) {
            c.drawLine(prevX, prevY, x, y);
          }
          if (s.markers) {
            c.fillOval(x - 3, y - 3, 6, 6);
          }
          prevX = x;
          prevY = y;
          have = true;
        }
      }
    }
    c.dispose();
    drawLegend(g, fm, left, top, pw);
  }

  private void drawLegend(Graphics2D g, FontMetrics fm, int left, int top, int pw) {
    List<Series> labelled = series.stream().filter(s -> s.label != null && !s.label.isEmpty()).toList();
    if (labelled.isEmpty()) {
      return;
    }
    int lw = 0;
    for (Series s : labelled) {
      lw = Math.max(lw, fm.stringWidth(s.label));
    }
    int lh = fm.getHeight();
    int boxW = lw + 30;
    int boxH = lh * labelled.size() + 6;
    int x0 = left + pw - boxW - 6;
    int y0 = top + 6;
    g.setColor(new Color(255, 255, 255, 215));
    g.fillRect(x0, y0, boxW, boxH);
    g.setColor(Color.GRAY);
    g.drawRect(x0, y0, boxW, boxH);
    for (int i = 0; i < labelled.size(); i++) {
      Series s = labelled.get(i);
      int y = y0 + 3 + i * lh + lh / 2;
      g.setColor(s.color);
      if (s.kind == Kind.BAND) {
        g.fillRect(x0 + 4, y - 4, 16, 8);
      } else if (s.kind == Kind.SCATTER) {
        g.fillOval(x0 + 8, y - 3, 7, 7);
      } else {
        g.setStroke(new BasicStroke(2f));
        g.drawLine(x0 + 4, y, x0 + 20, y);
      }
      g.setColor(Color.BLACK);
      g.drawString(s.label, x0 + 25, y + fm.getAscent() / 2 - 1);
    }
  }

  private void drawDensity(Graphics2D g, int left, int top, int pw, int ph, double[] xr, double[] yr) {
    int res = Math.max(8, densityResolution);
    double[] v = new double[res * res];
    double max = 0;
    for (int i = 0; i < res; i++) {
      for (int j = 0; j < res; j++) {
        double x = xr[0] + (j + 0.5) / res * (xr[1] - xr[0]);
        double y = yr[1] - (i + 0.5) / res * (yr[1] - yr[0]);
        double d = density.applyAsDouble(logX ? Math.pow(10, x) : x, logY ? Math.pow(10, y) : y);
        v[i * res + j] = Double.isFinite(d) && d > 0 ? d : 0;
        max = Math.max(max, v[i * res + j]);
      }
    }
    if (max <= 0) {
      return;
    }
    for (int i = 0; i < res; i++) {
      for (int j = 0; j < res; j++) {
        int grey = 255 - (int) Math.round(150 * Math.sqrt(v[i * res + j] / max));
        g.setColor(new Color(grey, grey, grey));
        int x0 = left + j * pw / res;
        int x1 = left + (j + 1) * pw / res;
        int y0 = top + i * ph / res;
        int y1 = top + (i + 1) * ph / res;
        g.fillRect(x0, y0, x1 - x0, y1 - y0);
      }
    }
  }

  /** Axis range in transformed (log10 if log) units, padded by 5%. */
  private double[] dataRange(boolean isX) {
    double[] fixed = isX ? xRange : yRange;
    boolean log = isX ? logX : logY;
    if (fixed != null) {
      return log ? new double[] {Math.log10(fixed[0]), Math.log10(fixed[1])} : fixed.clone();
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      double[] a = isX ? s.x : s.y;
      for (double v : a) {
        if (isX ? okX(v) : okY(v)) {
          double t = isX ? tx(v) : ty(v);
          lo = Math.min(lo, t);
          hi = Math.max(hi, t);
        }
      }
    }
    if (!(lo <= hi)) {
      return new double[] {0, 1};
    }
    if (hi == lo) {
      double pad = Math.max(1e-9, Math.abs(lo) * 0.1 + (log ? 0.5 : 1));
      return new double[] {lo - pad, hi + pad};
    }
    double pad = 0.05 * (hi - lo);
    return new double[] {lo - pad, hi + pad};
  }

  /** About five "nice" tick positions in transformed units. */
  private static List<Double> ticks(double lo, double hi, boolean log) {
    List<Double> out = new ArrayList<>();
    if (log) {
      for (double e = Math.ceil(lo); e <= hi; e++) {
        out.add(e);
      }
      if (out.size() >= 2) {
        return out;
      }
      out.clear();
    }
    double span = hi - lo;
    double raw = span / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = mag * (raw / mag < 1.5 ? 1 : raw / mag < 3.5 ? 2 : raw / mag < 7.5 ? 5 : 10);
    for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-12 * span; v += step) {
      out.add(Math.abs(v) < 1e-12 * span ? 0.0 : v);
    }
    return out;
  }

  private static String tickLabel(double v, boolean log) {
    if (log) {
      double p = Math.pow(10, v);
      if (v == Math.rint(v)) {
        return v >= 0 && v <= 4 ? String.valueOf((long) p) : "1e" + (long) v;
      }
      return String.format("%.2g", p);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e6) {
      return String.valueOf((long) v);
    }
    // Three significant digits without trailing zeros: 0.5, 1.25, 2e-05.
    return new java.math.BigDecimal(String.format("%.3g", v)).stripTrailingZeros().toString()
        .replace("E", "e").replace("e+", "e");
  }
}
