package org.diffusion4j.nn.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.diffusion4j.array.Batch;
import org.diffusion4j.consistency.ConsistencyFunction;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.model.Predictions;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.objective.Parameterisation;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.GaussianPath;

/**
 * A trained network's data prediction D(x, t), or the consistency function f(x, t) built on it
 * ({@link ConsistencyFunction}), as one differentiable DJL expression with a time per row:
 * out = A x + B F(c_in x, c_noise), where per row
 * <ul>
 *   <li>c_in, c_noise and the objective's prediction c_skip x + c_out F come from
 *       {@link Parameterisation} (as in {@link org.diffusion4j.nn.NeuralDenoiser});</li>
 *   <li>D = a x + b prediction, with (a, b) read off the core conversion {@link Predictions#convert}
 *       (it is linear in (x, prediction));</li>
 *   <li>f = a_cm x + r D with (a_cm, r) = {@link ConsistencyFunction#coefficients}.</li>
 * </ul>
 */
final class RowAffine {
  final float[] cIn;
  final float[] cNoise;
  final float[] a;
  final float[] b;

  private RowAffine(int n) {
    cIn = new float[n];
    cNoise = new float[n];
    a = new float[n];
    b = new float[n];
  }

  /** D(x, t_r) per row r (consistency == null), or f(x, t_r) with the given schedule and boundary eps. */
  static RowAffine of(TrainConfig config, double[] t, ConsistencySchedule consistency, double eps) {
    GaussianPath path = config.gaussianPath();
    RowAffine c = new RowAffine(t.length);
    Prediction kind = config.objective().prediction();
    for (int r = 0; r < t.length; r++) {
      if (r > 0 && t[r] == t[r - 1]) {
        c.cIn[r] = c.cIn[r - 1];
        c.cNoise[r] = c.cNoise[r - 1];
        c.a[r] = c.a[r - 1];
        c.b[r] = c.b[r - 1];
        continue;
      }
      Parameterisation p = Parameterisation.of(config.objective(), path, config.sigmaData(), t[r]);
      double[] ab = dataPredictionCoefficients(path, t[r], kind);
      // D = a x + b (c_skip x + c_out F)
      double ax = ab[0] + ab[1] * p.cSkip();
      double bf = ab[1] * p.cOut();
      if (consistency != null) {
        double[] f = ConsistencyFunction.coefficients(path, consistency, eps, t[r]);
        ax = f[0] + f[1] * ax;
        bf = f[1] * bf;
      }
      c.cIn[r] = (float) p.cIn();
      c.cNoise[r] = (float) p.cNoise();
      c.a[r] = (float) ax;
      c.b[r] = (float) bf;
    }
    return c;
  }

  /**
   * (a, b) with x0 = a x + b p for a prediction p of {@code kind} at t: the conversion is linear in
   * (x, p), so converting the two-coordinate state x = (1, 0), p = (0, 1) yields (a, b).
   */
  static double[] dataPredictionCoefficients(GaussianPath path, double t, Prediction kind) {
    if (kind == Prediction.X0) {
      return new double[] {0, 1};
    }
    Batch x = new Batch(1, 2, new double[] {1, 0});
    Batch p = new Batch(1, 2, new double[] {0, 1});
    Batch out = new Batch(1, 2);
    Predictions.convert(path, t, x, kind, p, Prediction.X0, out);
    return out.data();
  }

  /** A x + B F(c_in x, c_noise | labels) for x of shape (n, sampleShape...). */
  NDArray apply(Network net, ParamSet params, NDManager sm, NDArray x, int[] labels, int classes) {
    int n = cIn.length;
    long[] dims = new long[x.getShape().dimension()];
    Arrays.fill(dims, 1);
    dims[0] = n;
    Shape column = new Shape(dims);
    NDArray in = x.mul(sm.create(cIn, column).toType(x.getDataType(), false));
    NDArray c = sm.create(cNoise, new Shape(n, 1)).toType(x.getDataType(), false);
    Condition cond = Condition.NONE;
    if (classes > 0) {
      cond = Condition.ofClasses(sm.create(Condition.oneHot(labels, classes), new Shape(n, classes + 1))
          .toType(x.getDataType(), false));
    }
    NDArray f = net.forward(params, in, c, cond);
    return x.mul(sm.create(a, column).toType(x.getDataType(), false))
        .add(f.mul(sm.create(b, column).toType(x.getDataType(), false)));
  }
}
