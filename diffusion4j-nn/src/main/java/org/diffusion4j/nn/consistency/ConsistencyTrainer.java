package org.diffusion4j.nn.consistency;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.consistency.ConsistencyFunction;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;

/**
 * Consistency distillation and consistency training (Song et al. 2023, Algorithms 2 and 3),
 * following openai/consistency_models {@code KarrasDenoiser.consistency_losses}: per row, a data
 * point x0, a level i in [0, N-2] of the Karras grid and z ~ N(0, I) give x~_i = x0 + sigma_i z;
 * x~_{i+1} is one teacher ODE step from sigma_i to sigma_{i+1} (CD: Heun or Euler on the teacher's
 * probability-flow ODE dx~/dsigma = (x~ - D(x~, sigma))/sigma) or x0 + sigma_{i+1} z (CT: the
 * Euler step with D = x0). The loss is mean |f_theta(x_i, t_i) - f_theta-(x_{i+1}, t_{i+1})|^2
 * (uniform weighting, squared L2), theta- the target network, updated after each step by
 * theta- &lt;- mu theta- + (1 - mu) theta. The optimiser, clipping and evaluation EMA are
 * {@link TrainableNet}'s; dropout is off in the student (official CD: dropout 0).
 *
 * <p>Time variable: every quantity lives on the model's own path (x_t = alpha x0 + sigma eps, its
 * time t); the Karras noise levels are in sigma = sigma(t)/alpha(t) of x~ = x/alpha and are
 * mapped to t by {@link ConsistencySchedule#timeOf} (the last level to the boundary time
 * exactly). For the cond-OT MNIST prior sigma = t/(1 - t).
 */
public final class ConsistencyTrainer {
  /** The consistency config file written next to the checkpoints of a distilled run. */
  public static final String CONFIG_FILE = "consistency.json";

  private ConsistencyTrainer() {}

  /** The trained weights (last and EMA), the losses, and the model's configuration. */
  public record Result(TrainConfig config, DistillConfig distill, float[][] weights, float[][] ema, float[] losses,
      long skippedSteps) {
    /** {@code model} (a network with these weights) as the consistency function of this run. */
    public ConsistencyFunction function(NeuralDenoiser model) {
      GaussianPath path = config.gaussianPath();
      return new ConsistencyFunction(model, path, distill.schedule(), ConsistencyFunction.boundaryTime(path,
          distill.schedule()));
    }
  }

  /**
   * Trains a consistency model for the network of {@code model}.
   *
   * @param model the network, objective, path and sigma_d of the student (and of the teacher in CD)
   * @param init initial student weights (CD: the teacher's, as the official code does), or null for
   *     the network's seeded initialisation
   * @param data training data (rows in the model's units; labels used for conditional networks)
   * @param teacher the teacher (CD), or null (CT)
   * @param dc the distillation settings
   * @param out run directory to write (checkpoint + {@value #CONFIG_FILE}), or null
   */
  public static Result train(TrainConfig model, float[][] init, Dataset data, Teacher teacher, DistillConfig dc,
      Path out, ProgressListener listener) throws IOException {
    if ((dc.method() == DistillConfig.Method.CD) != (teacher != null)) {
      throw new IllegalArgumentException("consistency distillation needs a teacher and training none; got method "
          + dc.method() + (teacher == null ? " without" : " with") + " a teacher");
    }
    if (data.dim() != model.network().dim()) {
      throw new IllegalArgumentException("data has dimension " + data.dim() + ", the network " + model.network().dim());
    }
    TrainConfig config = model.toBuilder().steps(dc.steps()).batch(dc.batch()).lr(dc.lr()).warmupSteps(0)
        .minLrRatio(1).emaDecay(dc.emaDecay()).seed(dc.seed()).build();
    GaussianPath path = config.gaussianPath();
    ConsistencySchedule cs = dc.schedule();
    double tEps = ConsistencyFunction.boundaryTime(path, cs);
    double eps = ConsistencySchedule.sigmaOf(path, tEps);
    int classes = config.network().classes();
    int d = data.dim();
    int n = dc.batch();
    float[] losses = new float[(int) dc.steps()];
    long skipped = 0;
    try (NDManager manager = DjlRuntime.newManager();
        TrainableNet student = new TrainableNet(manager, config, init == null ? null : start(config, init))) {
      Network net = student.net();
      List<ParamSpec> specs = net.specs();
      ParamSet target = ParamSet.of(manager, specs, student.weights(), false);
      NDArray[] grads = new NDArray[specs.size()];
      for (long k = 0; k < dc.steps(); k++) {
        int levels = dc.levelsAt(k);
        double[] sig = new double[levels];
        double[] times = new double[levels];
        for (int i = 0; i < levels; i++) {
          sig[i] = i == levels - 1 ? eps : cs.karras(i, levels);
          times[i] = i == levels - 1 ? tEps : path.name().equals("edm") ? sig[i] : ConsistencySchedule.timeOf(path, sig[i]);
        }
        Rng rng = Rng.of(dc.seed()).stream(k);
        Batch x0 = new Batch(n, d);
        Batch z = new Batch(n, d);
        int[] labels = new int[n];
        int[] level = new int[n];
        for (int r = 0; r < n; r++) {
          Rng row = rng.stream(r);
          int idx = row.nextInt(data.n());
          System.arraycopy(data.data().data(), idx * d, x0.data(), r * d, d);
          labels[r] = classes == 0 ? 0 : row.nextDouble() < config.classDropout() ? classes : data.labels()[idx];
          level[r] = row.nextInt(levels - 1);
          row.fillGaussian(z.data(), r * d, d);
        }
        double[] tNow = new double[n];
        double[] tNext = new double[n];
        double[] sNow = new double[n];
        double[] sNext = new double[n];
        for (int r = 0; r < n; r++) {
          tNow[r] = times[level[r]];
          tNext[r] = times[level[r] + 1];
          sNow[r] = sig[level[r]];
          sNext[r] = sig[level[r] + 1];
        }
        Batch xNow = new Batch(n, d);   // path variables x = alpha x~
        Batch xtNow = new Batch(n, d);  // scale-free x~ = x0 + sigma_i z
        for (int r = 0; r < n; r++) {
          double a = path.alpha(tNow[r]);
          for (int j = r * d; j < (r + 1) * d; j++) {
            xtNow.data()[j] = x0.data()[j] + sNow[r] * z.data()[j];
            xNow.data()[j] = a * xtNow.data()[j];
          }
        }
        Batch xtNext = teacher == null ? euler(x0, z, sNext) : teacherStep(teacher, dc.solver(), path, xNow, xtNow,
            tNow, tNext, sNow, sNext, labels);
        Batch xNext = new Batch(n, d);
        for (int r = 0; r < n; r++) {
          double a = path.alpha(tNext[r]);
          for (int j = r * d; j < (r + 1) * d; j++) {
            xNext.data()[j] = a * xtNext.data()[j];
          }
        }
        RowAffine fNow = RowAffine.of(config, tNow, cs, eps);
        RowAffine fNext = RowAffine.of(config, tNext, cs, eps);
        try (NDManager sm = manager.newSubManager()) {
          NDArray targetOut = fNext.apply(net, target, sm, sm.create(toFloats(xNext.data()), net.batchShape(n)), labels,
              classes);
          targetOut = targetOut.stopGradient();
          NDArray in = sm.create(toFloats(xNow.data()), net.batchShape(n));
          double loss;
          try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
            NDArray f = fNow.apply(net, student.params(), sm, in, labels, classes);
            NDArray l = f.sub(targetOut).square().mean();
            loss = l.getFloat();
            gc.backward(l);
          }
          double norm = student.gradients(sm, grads);
          if (Double.isFinite(norm) && Double.isFinite(loss)) {
            student.update(sm, grads, config, k, norm);
            losses[(int) k] = (float) loss;
          } else {
            skipped++;
            losses[(int) k] = Float.NaN;
          }
          student.zeroGrads();
          double mu = dc.targetEmaAt(k);
          for (int i = 0; i < specs.size(); i++) {
            NDArray tw = target.get(i);
            NDArray diff = tw.sub(student.params().get(i));
            diff.attach(sm);
            tw.subi(diff.muli((float) (1 - mu)));
          }
        }
        listener.onProgress(k + 1, dc.steps(), String.format("step=%d N=%d loss=%.4g", k + 1, levels, losses[(int) k]));
      }
      Result result = new Result(config, dc, student.weights(), student.emaWeights(), losses, skipped);
      if (out != null) {
        student.checkpoint(config, dc.steps(), skipped, new double[0], losses).write(out, 1, Checkpoint.WriteHook.NONE);
        org.diffusion4j.io.AtomicFiles.writeString(out.resolve(CONFIG_FILE), dc.toJson());
      }
      return result;
    }
  }

  /** CT's target point: the Euler step with D = x0, i.e. x~_{i+1} = x0 + sigma_{i+1} z. */
  private static Batch euler(Batch x0, Batch z, double[] sNext) {
    Batch out = x0.zerosLike();
    int d = x0.d();
    for (int r = 0; r < x0.n(); r++) {
      for (int j = r * d; j < (r + 1) * d; j++) {
        out.data()[j] = x0.data()[j] + sNext[r] * z.data()[j];
      }
    }
    return out;
  }

  /**
   * One teacher step on dx~/dsigma = (x~ - D)/sigma from sigma_i to sigma_{i+1} ({@code heun_solver}:
   * Euler predictor, then the trapezoidal corrector with D at the predicted point).
   */
  private static Batch teacherStep(Teacher teacher, DistillConfig.TeacherSolver solver, GaussianPath path, Batch x,
      Batch xt, double[] t, double[] tn, double[] s, double[] sn, int[] labels) {
    int n = x.n();
    int d = x.d();
    Batch den = teacher.dataPrediction(x, t, labels);
    Batch slope = x.zerosLike();
    Batch euler = x.zerosLike();
    for (int r = 0; r < n; r++) {
      for (int j = r * d; j < (r + 1) * d; j++) {
        slope.data()[j] = (xt.data()[j] - den.data()[j]) / s[r];
        euler.data()[j] = xt.data()[j] + (sn[r] - s[r]) * slope.data()[j];
      }
    }
    if (solver == DistillConfig.TeacherSolver.EULER) {
      return euler;
    }
    Batch eulerPath = x.zerosLike();
    for (int r = 0; r < n; r++) {
      double a = path.alpha(tn[r]);
      for (int j = r * d; j < (r + 1) * d; j++) {
        eulerPath.data()[j] = a * euler.data()[j];
      }
    }
    Batch den2 = teacher.dataPrediction(eulerPath, tn, labels);
    Batch out = x.zerosLike();
    for (int r = 0; r < n; r++) {
      for (int j = r * d; j < (r + 1) * d; j++) {
        double slope2 = (euler.data()[j] - den2.data()[j]) / sn[r];
        out.data()[j] = xt.data()[j] + (sn[r] - s[r]) * 0.5 * (slope.data()[j] + slope2);
      }
    }
    return out;
  }

  /** A fresh optimiser state whose weights and EMA are {@code weights}. */
  private static Checkpoint start(TrainConfig config, float[][] weights) {
    List<ParamSpec> specs = config.network().build().specs();
    float[][] zeros = new float[weights.length][];
    for (int i = 0; i < weights.length; i++) {
      zeros[i] = new float[weights[i].length];
    }
    return new Checkpoint(config, 0, 0, new double[0], specs, weights, weights, zeros, zeros, new float[0]);
  }

  static float[] toFloats(double[] a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return f;
  }
}
