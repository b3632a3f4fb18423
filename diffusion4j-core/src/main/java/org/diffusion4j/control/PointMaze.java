package org.diffusion4j.control;

import org.diffusion4j.random.Rng;

/**
 * Continuous 2-D maze navigation in the manner of D4RL's maze2d (Fu et al. 2020): a point mass
 * of radius {@code radius} with state s = (x, y, vx, vy) and action a = (ax, ay) in [-1, 1]^2,
 * moving among the wall blocks of a {@link MazeLayout}.
 *
 * <p>Dynamics (one step of semi-implicit Euler, dt = {@link Params#dt}):
 * v' = clipNorm(v + accel a dt, maxSpeed); p' = p + v' dt. Walls are the unit blocks inflated by
 * the radius (axis-aligned Minkowski sum); the move is resolved one axis at a time (x, then y): a
 * move that would end strictly inside an inflated block stops on the block's face and zeroes that
 * velocity component. Since maxSpeed dt is less than a block's width the mass cannot tunnel.
 *
 * <p>Reward: D4RL's sparse maze2d reward, 1 when ||p - goal|| &lt;= goalRadius, else 0; an
 * episode lasts {@link Params#maxSteps} steps (umaze 150 and medium 250, as D4RL's
 * {@code max_episode_steps}) and never ends early.
 */
public final class PointMaze {
  public static final int STATE_DIM = 4;
  public static final int ACTION_DIM = 2;

  /**
   * Physical constants.
   *
   * @param dt time step
   * @param accel acceleration at |a| = 1
   * @param maxSpeed speed cap (maxSpeed dt &lt; 1 so the mass cannot tunnel through a block)
   * @param radius radius of the point mass
   * @param goalRadius the goal region's radius (D4RL: 0.5)
   * @param maxSteps episode length
   */
  public record Params(double dt, double accel, double maxSpeed, double radius, double goalRadius, int maxSteps) {
    public Params {
      if (!(dt > 0) || !(accel > 0) || !(maxSpeed > 0) || !(maxSpeed * dt < 0.5)) {
        throw new IllegalArgumentException("need dt > 0, accel > 0 and 0 < maxSpeed dt < 0.5, got dt " + dt
            + ", accel " + accel + ", maxSpeed " + maxSpeed);
      }
      if (!(radius >= 0 && radius < 0.4) || !(goalRadius > 0) || maxSteps < 1) {
        throw new IllegalArgumentException("need radius in [0, 0.4), goalRadius > 0 and maxSteps >= 1, got " + radius
            + ", " + goalRadius + ", " + maxSteps);
      }
    }

    /** dt 0.1, accel 4, max speed 2, radius 0.1, goal radius 0.5, D4RL's episode length for the layout. */
    public static Params defaults(MazeLayout layout) {
      int steps = layout.rows() * layout.cols() <= 25 ? 150 : 250;
      return new Params(0.1, 4.0, 2.0, 0.1, 0.5, steps);
    }
  }

  private final MazeLayout layout;
  private final Params params;
  private final double[] state = new double[STATE_DIM];
  private final double[] goal = new double[2];
  private int t;

  public PointMaze(MazeLayout layout, Params params) {
    this.layout = layout;
    this.params = params;
  }

  public PointMaze(MazeLayout layout) {
    this(layout, Params.defaults(layout));
  }

  public MazeLayout layout() {
    return layout;
  }

  public Params params() {
    return params;
  }

  /** Starts an episode at {@code start} (x, y, vx, vy) with goal position {@code goalXy}. */
  public void reset(double[] start, double[] goalXy) {
    if (start == null || start.length != STATE_DIM) {
      throw new IllegalArgumentException("maze state must have dimension " + STATE_DIM + " (x, y, vx, vy), got "
          + (start == null ? "null" : start.length));
    }
    if (goalXy == null || goalXy.length != 2) {
      throw new IllegalArgumentException("maze goal must have dimension 2 (x, y), got "
          + (goalXy == null ? "null" : goalXy.length));
    }
    requireFinite(start, "start state");
    requireFinite(goalXy, "goal");
    if (insideWall(start[0], start[1])) {
      throw new IllegalArgumentException("start position (" + start[0] + ", " + start[1] + ") is inside a wall");
    }
    System.arraycopy(start, 0, state, 0, STATE_DIM);
    System.arraycopy(goalXy, 0, goal, 0, 2);
    t = 0;
  }

  /** A random start and goal: two different open cells, positions jittered by up to 0.1, zero velocity. */
  public static double[][] randomStartGoal(MazeLayout layout, Rng rng) {
    var cells = layout.openCells();
    int a = rng.nextInt(cells.size());
    int b = rng.nextInt(cells.size() - 1);
    if (b >= a) {
      b++;
    }
    double[] s = {cells.get(a)[1] + 0.5 + 0.2 * (rng.nextDouble() - 0.5), cells.get(a)[0] + 0.5
        + 0.2 * (rng.nextDouble() - 0.5), 0, 0};
    double[] g = {cells.get(b)[1] + 0.5 + 0.2 * (rng.nextDouble() - 0.5), cells.get(b)[0] + 0.5
        + 0.2 * (rng.nextDouble() - 0.5)};
    return new double[][] {s, g};
  }

  /** A copy of the current state (x, y, vx, vy). */
  public double[] state() {
    return state.clone();
  }

  public double[] goal() {
    return goal.clone();
  }

  /** Steps taken in this episode. */
  public int time() {
    return t;
  }

  public boolean done() {
    return t >= params.maxSteps();
  }

  /** Applies {@code action} (clipped to [-1, 1]) and returns the reward of the new state. */
  public double step(double[] action) {
    if (action == null || action.length != ACTION_DIM) {
      throw new IllegalArgumentException("maze action must have dimension " + ACTION_DIM + " (ax, ay), got "
          + (action == null ? "null" : action.length));
    }
    requireFinite(action, "action");
    if (done()) {
      throw new IllegalStateException("episode is over after " + params.maxSteps() + " steps: call reset");
    }
    advance(state, action);
    t++;
    return reward(state, goal);
  }

  /** D4RL's sparse reward: 1 within the goal radius, else 0. */
  public double reward(double[] s, double[] goalXy) {
    return Math.hypot(s[0] - goalXy[0], s[1] - goalXy[1]) <= params.goalRadius() ? 1 : 0;
  }

  /** One step of the dynamics in place on {@code s}, without episode bookkeeping. */
  public void advance(double[] s, double[] action) {
    double ax = Math.max(-1, Math.min(1, action[0]));
    double ay = Math.max(-1, Math.min(1, action[1]));
    double dt = params.dt();
    double vx = s[2] + params.accel() * ax * dt;
    double vy = s[3] + params.accel() * ay * dt;
    double speed = Math.hypot(vx, vy);
    if (speed > params.maxSpeed()) {
      vx *= params.maxSpeed() / speed;
      vy *= params.maxSpeed() / speed;
    }
    double x = s[0];
    double y = s[1];
    double nx = x + vx * dt;
    double stopX = blockingFace(nx, y, vx, true);
    if (!Double.isNaN(stopX)) {
      nx = stopX;
      vx = 0;
    }
    double ny = y + vy * dt;
    double stopY = blockingFace(nx, ny, vy, false);
    if (!Double.isNaN(stopY)) {
      ny = stopY;
      vy = 0;
    }
    s[0] = nx;
    s[1] = ny;
    s[2] = vx;
    s[3] = vy;
  }

  /**
   * For a move along one axis that ends at (px, py): the face of the first inflated block it
   * enters (smallest face ahead of the move), or NaN if the end point is inside none.
   */
  private double blockingFace(double px, double py, double v, boolean alongX) {
    double r = params.radius();
    int c0 = (int) Math.floor(px) - 1;
    int r0 = (int) Math.floor(py) - 1;
    double face = Double.NaN;
    for (int row = r0; row <= r0 + 2; row++) {
      for (int col = c0; col <= c0 + 2; col++) {
        if (!layout.isWall(row, col) || !insideBlock(px, py, row, col, r)) {
          continue;
        }
        double f;
        if (alongX) {
          f = v > 0 ? col - r : col + 1 + r;
        } else {
          f = v > 0 ? row - r : row + 1 + r;
        }
        if (Double.isNaN(face) || (v > 0 ? f < face : f > face)) {
          face = f;
        }
      }
    }
    return face;
  }

  private static boolean insideBlock(double px, double py, int row, int col, double r) {
    return px > col - r && px < col + 1 + r && py > row - r && py < row + 1 + r;
  }

  /** True when (x, y) is strictly inside a wall block inflated by the radius, or off the map. */
  public boolean insideWall(double x, double y) {
    double r = params.radius();
    if (!(x > 0 && y > 0 && x < layout.cols() && y < layout.rows())) {
      return true;
    }
    int c0 = (int) Math.floor(x) - 1;
    int r0 = (int) Math.floor(y) - 1;
    for (int row = r0; row <= r0 + 2; row++) {
      for (int col = c0; col <= c0 + 2; col++) {
        if (layout.isWall(row, col) && insideBlock(x, y, row, col, r)) {
          return true;
        }
      }
    }
    return false;
  }

  static void requireFinite(double[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(what + " component " + i + " is " + v[i] + "; expected a finite value");
      }
    }
  }
}
