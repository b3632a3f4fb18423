package org.diffusion4j.control;

import org.diffusion4j.random.Rng;

/**
 * A 2-D pick-and-place task with one discrete action, for the policy work. State
 * s = (gx, gy, ox, oy, tx, ty, h): gripper position, object position, target position, and
 * h = 1 while the object is held (else 0). Action a = (vx, vy, grip): a velocity command in
 * [-1, 1]^2 and a discrete grip command, "close" when grip &gt; 0 and "open" otherwise.
 *
 * <p>Dynamics (dt = 0.1, speed 1, workspace [0, 1]^2): g' = clamp(g + speed v dt, 0, 1). Closing
 * while not holding grasps the object if ||g - o|| &lt;= {@link #GRASP_RADIUS} (then h = 1 and
 * the object moves with the gripper, o' = g'); opening releases it (h = 0). Reward 1 and the
 * episode ends (success) when the released object lies within {@link #SUCCESS_RADIUS} of the
 * target; otherwise the episode stops after {@link #MAX_STEPS} steps.
 */
public final class GripTask {
  public static final int STATE_DIM = 7;
  public static final int ACTION_DIM = 3;
  public static final double DT = 0.1;
  public static final double SPEED = 1.0;
  public static final double GRASP_RADIUS = 0.05;
  public static final double SUCCESS_RADIUS = 0.05;
  public static final int MAX_STEPS = 60;

  private final double[] state = new double[STATE_DIM];
  private int t;
  private boolean success;

  /** Starts an episode in state {@code s} (h must be 0 or 1). */
  public void reset(double[] s) {
    if (s == null || s.length != STATE_DIM) {
      throw new IllegalArgumentException("grip state must have dimension " + STATE_DIM
          + " (gx, gy, ox, oy, tx, ty, held), got " + (s == null ? "null" : s.length));
    }
    PointMaze.requireFinite(s, "grip state");
    if (s[6] != 0 && s[6] != 1) {
      throw new IllegalArgumentException("grip state's held flag must be 0 or 1, got " + s[6]);
    }
    System.arraycopy(s, 0, state, 0, STATE_DIM);
    t = 0;
    success = false;
  }

  /** A random start: gripper, object and target uniform in [0.1, 0.9]^2, object and target at least 0.3 apart. */
  public static double[] randomStart(Rng rng) {
    double[] s = new double[STATE_DIM];
    for (int i = 0; i < 6; i++) {
      s[i] = 0.1 + 0.8 * rng.nextDouble();
    }
    while (Math.hypot(s[2] - s[4], s[3] - s[5]) < 0.3) {
      s[4] = 0.1 + 0.8 * rng.nextDouble();
      s[5] = 0.1 + 0.8 * rng.nextDouble();
    }
    return s;
  }

  public double[] state() {
    return state.clone();
  }

  public int time() {
    return t;
  }

  public boolean success() {
    return success;
  }

  public boolean done() {
    return success || t >= MAX_STEPS;
  }

  /** Applies {@code action} and returns the reward (1 on success, else 0). */
  public double step(double[] action) {
    if (action == null || action.length != ACTION_DIM) {
      throw new IllegalArgumentException("grip action must have dimension " + ACTION_DIM + " (vx, vy, grip), got "
          + (action == null ? "null" : action.length));
    }
    PointMaze.requireFinite(action, "action");
    if (done()) {
      throw new IllegalStateException("episode is over: call reset");
    }
    advance(state, action);
    t++;
    success = state[6] == 0 && Math.hypot(state[2] - state[4], state[3] - state[5]) <= SUCCESS_RADIUS;
    return success ? 1 : 0;
  }

  /** One step of the dynamics in place on {@code s}. */
  public static void advance(double[] s, double[] action) {
    double vx = Math.max(-1, Math.min(1, action[0]));
    double vy = Math.max(-1, Math.min(1, action[1]));
    boolean close = action[2] > 0;
    s[0] = Math.max(0, Math.min(1, s[0] + SPEED * vx * DT));
    s[1] = Math.max(0, Math.min(1, s[1] + SPEED * vy * DT));
    if (s[6] == 1) {
      s[6] = close ? 1 : 0;
    } else if (close && Math.hypot(s[0] - s[2], s[1] - s[3]) <= GRASP_RADIUS) {
      s[6] = 1;
    }
    if (s[6] == 1) {
      s[2] = s[0];
      s[3] = s[1];
    }
  }
}
