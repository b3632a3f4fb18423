package org.diffusion4j.nn.control;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.time.Duration;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.progress.ProgressListener;

/**
 * The optimisation loop shared by the planners and policies: each step builds a scalar loss from
 * the live weights, back-propagates it and applies {@link TrainableNet}'s clipped AdamW and EMA
 * update (the trainer's own update rule). Non-finite steps are skipped.
 */
public final class ControlTraining {
  private ControlTraining() {}

  /** The loss of optimiser step k, built in {@code sm} from {@code net.params()}. */
  public interface StepLoss {
    NDArray loss(NDManager sm, TrainableNet net, long step);
  }

  /** Runs {@code config.steps()} steps (or until {@code timeLimit}, if positive); returns the losses. */
  public static float[] fit(NDManager manager, TrainableNet net, TrainConfig config, StepLoss loss,
      ProgressListener progress, Duration timeLimit) {
    long steps = config.steps();
    float[] losses = new float[(int) steps];
    long start = System.nanoTime();
    long k = 0;
    for (; k < steps; k++) {
      try (NDManager sm = manager.newSubManager()) {
        NDArray l;
        try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
          l = loss.loss(sm, net, k);
          gc.backward(l);
        }
        float value = l.getFloat();
        NDArray[] grads = new NDArray[net.params().size()];
        double norm = net.gradients(sm, grads);
        if (Float.isFinite(value) && Double.isFinite(norm)) {
          net.update(sm, grads, config, k, norm);
        }
        net.zeroGrads();
        losses[(int) k] = value;
      }
      if (progress != null && (k % 50 == 0 || k == steps - 1)) {
        progress.onProgress(k + 1, steps, String.format("loss %.4f", losses[(int) k]));
      }
      if (!timeLimit.isZero() && System.nanoTime() - start > timeLimit.toNanos()) {
        k++;
        break;
      }
    }
    return java.util.Arrays.copyOf(losses, (int) Math.min(k, steps));
  }
}
