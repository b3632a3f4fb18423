package org.diffusion4j.control;

import org.diffusion4j.random.Rng;

/**
 * The noisy scripted expert of the grip datasets: move to the object (proportional velocity
 * command, gain {@link #GAIN}), close when within half the grasp radius, carry the object to the
 * target, open when it is within half the success radius. Gaussian noise N(0, sigma^2) is added
 * to the velocity command; the grip command is +1 (close) or -1 (open).
 */
public final class GripExpert {
  public static final double GAIN = 10;
  private final double sigma;

  public GripExpert(double sigma) {
    if (!(sigma >= 0)) {
      throw new IllegalArgumentException("expert noise sigma must be >= 0, got " + sigma);
    }
    this.sigma = sigma;
  }

  public double[] act(double[] s, Rng rng) {
    boolean held = s[6] == 1;
    double wx = held ? s[4] : s[2];
    double wy = held ? s[5] : s[3];
    double dist = Math.hypot(wx - s[0], wy - s[1]);
    double grip;
    if (held) {
      grip = Math.hypot(s[2] - s[4], s[3] - s[5]) <= 0.5 * GripTask.SUCCESS_RADIUS ? -1 : 1;
    } else {
      grip = dist <= 0.5 * GripTask.GRASP_RADIUS ? 1 : -1;
    }
    double vx = MazeExpert.clip(GAIN * (wx - s[0]));
    double vy = MazeExpert.clip(GAIN * (wy - s[1]));
    if (sigma > 0) {
      vx = MazeExpert.clip(vx + sigma * rng.nextGaussian());
      vy = MazeExpert.clip(vy + sigma * rng.nextGaussian());
    }
    return new double[] {vx, vy, grip};
  }
}
