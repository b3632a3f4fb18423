package org.diffusion4j.nn.neuralsde;

import org.diffusion4j.irregular.IrregularBatch;

/**
 * A supervised task on irregular series: the observed inputs and what to predict.
 *
 * <ul>
 *   <li>{@link Task#CLASSIFY}: one label in [0, classes) per series, read out from the final
 *       latent state (softmax cross-entropy);</li>
 *   <li>{@link Task#INTERPOLATE}: targets (n, L, width) at every observation time, NaN where
 *       unknown (masked), read out from the latent state at each observation time (MSE);</li>
 *   <li>{@link Task#FORECAST}: targets (n, width) after the window, read out from the final latent
 *       state (MSE).</li>
 * </ul>
 */
public record IrregularData(Task task, IrregularBatch inputs, double[] targets, int width, int[] labels) {
  /** What the readout predicts. */
  public enum Task { CLASSIFY, INTERPOLATE, FORECAST }

  public IrregularData {
    int n = inputs.series();
    switch (task) {
      case CLASSIFY -> {
        if (labels == null || labels.length != n) {
          throw new IllegalArgumentException("classification needs one label per series: " + n + " series, got "
              + (labels == null ? 0 : labels.length) + " labels");
        }
        for (int y : labels) {
          if (y < 0 || y >= width) {
            throw new IllegalArgumentException("label " + y + " is outside [0, " + width + ")");
          }
        }
      }
      case INTERPOLATE -> {
        long need = (long) n * inputs.length() * width;
        if (targets == null || targets.length != need) {
          throw new IllegalArgumentException("interpolation targets must be " + n + " x " + inputs.length() + " x "
              + width + " = " + need + " values, got " + (targets == null ? 0 : targets.length));
        }
      }
      case FORECAST -> {
        long need = (long) n * width;
        if (targets == null || targets.length != need) {
          throw new IllegalArgumentException("forecast targets must be " + n + " x " + width + " = " + need
              + " values, got " + (targets == null ? 0 : targets.length));
        }
      }
      default -> throw new IllegalStateException();
    }
    if (width < 1) {
      throw new IllegalArgumentException("output width must be >= 1, got " + width);
    }
  }

  public static IrregularData classification(IrregularBatch inputs, int[] labels, int classes) {
    return new IrregularData(Task.CLASSIFY, inputs, null, classes, labels.clone());
  }

  public static IrregularData interpolation(IrregularBatch inputs, double[] targets, int width) {
    return new IrregularData(Task.INTERPOLATE, inputs, targets.clone(), width, null);
  }

  public static IrregularData forecast(IrregularBatch inputs, double[] targets, int horizon) {
    return new IrregularData(Task.FORECAST, inputs, targets.clone(), horizon, null);
  }
}
