package org.diffusion4j.nn.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;

/**
 * The teacher of consistency distillation: its data prediction D(x, t) with a time and a class per
 * row, from which {@link ConsistencyTrainer} takes the teacher's probability-flow ODE step.
 */
public interface Teacher extends AutoCloseable {
  /** D(x_r, t_r | label_r) for every row r of {@code x} (n x d, path variables); labels may be ignored. */
  Batch dataPrediction(Batch x, double[] t, int[] labels);

  @Override
  default void close() {}

  /**
   * A core model as teacher (e.g. the exact {@link org.diffusion4j.model.GaussianMixture} denoiser):
   * rows with equal times are predicted together; labels are ignored.
   */
  static Teacher of(Denoiser model, GaussianPath path) {
    Denoiser x0 = Predictions.as(model, path, Prediction.X0);
    return (x, t, labels) -> {
      int d = x.d();
      Batch out = x.zerosLike();
      Integer[] order = new Integer[x.n()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (p, q) -> Double.compare(t[p], t[q]));
      for (int from = 0; from < order.length;) {
        int to = from;
        while (to < order.length && t[order[to]] == t[order[from]]) {
          to++;
        }
        Batch group = new Batch(to - from, d);
        for (int k = from; k < to; k++) {
          System.arraycopy(x.data(), order[k] * d, group.data(), (k - from) * d, d);
        }
        Batch pred = group.zerosLike();
        x0.predict(group, t[order[from]], pred);
        for (int k = from; k < to; k++) {
          System.arraycopy(pred.data(), (k - from) * d, out.data(), order[k] * d, d);
        }
        from = to;
      }
      return out;
    };
  }

  /** A trained network (its weights, e.g. a run's EMA) as teacher, one forward pass per call. */
  static Teacher of(TrainConfig config, float[][] weights) {
    Network net = config.network().build();
    NDManager manager = DjlRuntime.newManager();
    ParamSet params = ParamSet.of(manager, net.specs(), weights, false);
    int classes = config.network().classes();
    return new Teacher() {
      @Override
      public Batch dataPrediction(Batch x, double[] t, int[] labels) {
        RowAffine d = RowAffine.of(config, t, null, 0);
        try (NDManager sm = manager.newSubManager()) {
          NDArray in = sm.create(ConsistencyTrainer.toFloats(x.data()), net.batchShape(x.n()));
          float[] out = d.apply(net, params, sm, in, labels, classes).toFloatArray();
          double[] o = new double[out.length];
          for (int i = 0; i < o.length; i++) {
            o[i] = out[i];
          }
          return new Batch(x.n(), x.d(), o);
        }
      }

      @Override
      public void close() {
        manager.close();
      }
    };
  }
}
