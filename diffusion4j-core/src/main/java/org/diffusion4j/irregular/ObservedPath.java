package org.diffusion4j.irregular;

/** A control path whose pieces join at the observation times: the shared bookkeeping. */
abstract class ObservedPath implements ControlPath {
  final double[] times;
  final int series;
  final int channels;

  ObservedPath(double[] times, int series, int channels) {
    this.times = times;
    this.series = series;
    this.channels = channels;
  }

  @Override
  public int series() {
    return series;
  }

  @Override
  public int channels() {
    return channels;
  }

  @Override
  public double start() {
    return times[0];
  }

  @Override
  public double end() {
    return times[times.length - 1];
  }
}
