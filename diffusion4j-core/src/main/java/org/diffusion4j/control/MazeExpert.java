package org.diffusion4j.control;

import java.util.List;
import org.diffusion4j.random.Rng;

/**
 * The noisy scripted expert of the maze datasets, after D4RL's maze2d waypoint controller: a
 * breadth-first path through the grid ({@link MazeLayout#shortestPath}) gives the next waypoint
 * (the centre of the next cell on the path, or the goal itself once in the goal's cell), and a PD
 * law steers to it: a = clip((kp (w - p) - kd v) / accel) + noise, noise ~ N(0, sigma^2) per
 * component, clipped again to [-1, 1].
 */
public final class MazeExpert {
  /** Proportional gain (1/s^2) of the waypoint controller. */
  public static final double KP = 10;
  /** Derivative gain (1/s). */
  public static final double KD = 4;

  private final PointMaze env;
  private final double sigma;

  public MazeExpert(PointMaze env, double sigma) {
    if (!(sigma >= 0)) {
      throw new IllegalArgumentException("expert noise sigma must be >= 0, got " + sigma);
    }
    this.env = env;
    this.sigma = sigma;
  }

  /** The next waypoint (x, y) from state {@code s} towards {@code goal}. */
  public double[] waypoint(double[] s, double[] goal) {
    MazeLayout m = env.layout();
    int[] here = openCellAt(m, s[0], s[1]);
    int[] there = openCellAt(m, goal[0], goal[1]);
    if (here[0] == there[0] && here[1] == there[1]) {
      return goal.clone();
    }
    int[] next = m.shortestPath(here, there).get(1);
    return new double[] {next[1] + 0.5, next[0] + 0.5};
  }

  /** The open cell containing (x, y); a point on a wall's face (radius 0) belongs to the open side. */
  private static int[] openCellAt(MazeLayout m, double x, double y) {
    double[] d = {0, 1e-9, -1e-9};
    for (double dx : d) {
      for (double dy : d) {
        int[] c = m.cellOf(x + dx, y + dy);
        if (!m.isWall(c[0], c[1])) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException("point (" + x + ", " + y + ") is inside a wall");
  }

  /** The noiseless PD action towards waypoint {@code w}. */
  public double[] steer(double[] s, double[] w) {
    double accel = env.params().accel();
    return new double[] {clip((KP * (w[0] - s[0]) - KD * s[2]) / accel), clip((KP * (w[1] - s[1]) - KD * s[3]) / accel)};
  }

  /** The expert's action: PD towards the next waypoint plus Gaussian noise from {@code rng}. */
  public double[] act(double[] s, double[] goal, Rng rng) {
    double[] a = steer(s, waypoint(s, goal));
    if (sigma > 0) {
      a[0] = clip(a[0] + sigma * rng.nextGaussian());
      a[1] = clip(a[1] + sigma * rng.nextGaussian());
    }
    return a;
  }

  static double clip(double v) {
    return Math.max(-1, Math.min(1, v));
  }
}
