package org.diffusion4j.forecast;

/** A probabilistic forecaster: sample paths of the next {@code horizon} values after a history. */
public interface Forecaster {
  /**
   * Draws {@code samples} sample paths of the {@code horizon} values that follow {@code history}.
   *
   * @return (samples, horizon), in the series' units; the same seed gives the same paths
   */
  double[][] forecast(double[] history, int horizon, int samples, long seed);
}
