package org.diffusion4j.nn.consistency;

import java.util.Map;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;

/**
 * Settings of consistency distillation (CD) or consistency training (CT), Song et al. 2023,
 * Algorithms 2 and 3; defaults from openai/consistency_models {@code scripts/launch.sh} (ImageNet-64
 * CD: N = 40 fixed, target EMA mu = 0.95, Heun teacher, uniform weighting; CT: N(k) from s0 = 2 to
 * s1 = 150, mu0 = 0.95) except N = 18 for CD (the paper's CIFAR-10 setting, Table 3). The distance
 * is always squared L2 ({@code --loss_norm l2}): LPIPS needs a pretrained VGG/AlexNet, which this
 * project does not have.
 *
 * @param method CD (needs a teacher) or CT (from data alone)
 * @param levels CD's number of noise levels N
 * @param startLevels CT's s0
 * @param endLevels CT's s1
 * @param targetEma CD's target decay mu; CT's mu0
 * @param solver the teacher's ODE step (CD)
 * @param schedule eps, sigma_max, sigma_d, rho
 * @param steps optimiser steps K
 * @param batch rows per step
 * @param lr AdamW learning rate (constant)
 * @param emaDecay decay of the evaluation EMA that is saved as the model (with the trainer's warm-up)
 * @param seed the run's seed
 */
public record DistillConfig(Method method, int levels, int startLevels, int endLevels, double targetEma,
    TeacherSolver solver, ConsistencySchedule schedule, long steps, int batch, double lr, double emaDecay, long seed) {

  /** Consistency distillation or training. */
  public enum Method { CD, CT }

  /** The teacher's probability-flow ODE step in CD ({@code heun_solver} / {@code euler_solver}). */
  public enum TeacherSolver { HEUN, EULER }

  public DistillConfig {
    if (method == null || solver == null || schedule == null) {
      throw new IllegalArgumentException("method, solver and schedule are required");
    }
    if (levels < 2 || startLevels < 2 || endLevels < startLevels) {
      throw new IllegalArgumentException("need levels >= 2 and 2 <= start-levels <= end-levels, got levels=" + levels
          + ", start-levels=" + startLevels + ", end-levels=" + endLevels);
    }
    if (!(targetEma >= 0 && targetEma < 1)) {
      throw new IllegalArgumentException("target EMA must be in [0, 1), got " + targetEma);
    }
    if (steps < 1 || batch < 1 || !(lr > 0) || !(emaDecay >= 0 && emaDecay < 1)) {
      throw new IllegalArgumentException("need steps >= 1, batch >= 1, lr > 0 and ema in [0, 1), got steps=" + steps
          + ", batch=" + batch + ", lr=" + lr + ", ema=" + emaDecay);
    }
  }

  /** The defaults for {@code method} with the given budget. */
  public static DistillConfig defaults(Method method, long steps, int batch) {
    return new DistillConfig(method, 18, 2, 150, 0.95, TeacherSolver.HEUN, ConsistencySchedule.defaults(), steps, batch,
        1e-4, 0.999, 0);
  }

  public DistillConfig withSchedule(ConsistencySchedule s) {
    return new DistillConfig(method, levels, startLevels, endLevels, targetEma, solver, s, steps, batch, lr, emaDecay,
        seed);
  }

  public DistillConfig withLr(double v) {
    return new DistillConfig(method, levels, startLevels, endLevels, targetEma, solver, schedule, steps, batch, v, emaDecay,
        seed);
  }

  public DistillConfig withLevels(int n) {
    return new DistillConfig(method, n, startLevels, endLevels, targetEma, solver, schedule, steps, batch, lr, emaDecay,
        seed);
  }

  public DistillConfig withEma(double v) {
    return new DistillConfig(method, levels, startLevels, endLevels, targetEma, solver, schedule, steps, batch, lr, v,
        seed);
  }

  public DistillConfig withSeed(long v) {
    return new DistillConfig(method, levels, startLevels, endLevels, targetEma, solver, schedule, steps, batch, lr,
        emaDecay, v);
  }

  /** N at step k: fixed for CD, N(k) for CT ({@link ConsistencySchedule#trainingLevels}). */
  public int levelsAt(long k) {
    return method == Method.CD ? levels : ConsistencySchedule.trainingLevels(k, steps, startLevels, endLevels);
  }

  /** The target network's decay at step k: mu for CD, mu(k) = exp(s0 log mu0 / (N(k) - 1)) for CT. */
  public double targetEmaAt(long k) {
    return method == Method.CD ? targetEma
        : ConsistencySchedule.trainingTargetEma(targetEma, startLevels, levelsAt(k));
  }

  public String toJson() {
    return JsonRecords.toJson(this) + "\n";
  }

  public static DistillConfig fromJson(String text) {
    if (!(Json.parse(text) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("consistency config must be a JSON object");
    }
    return JsonRecords.fromJson(DistillConfig.class, m, "");
  }
}
