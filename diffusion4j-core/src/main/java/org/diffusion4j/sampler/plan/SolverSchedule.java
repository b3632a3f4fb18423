package org.diffusion4j.sampler.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonException;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.sampler.LowerOrderFinal;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.TimeGrid;
import org.diffusion4j.sampler.v3.ExponentialIntegrator.Estimator;

/**
 * A sampling schedule in the sense of USF (Liu et al. 2023, "A Unified Sampling Framework for
 * Solver Searching of Diffusion Probabilistic Models", Sec. 3): the time points and, for every
 * step, the prediction form, the Taylor order, the derivative estimator and whether a corrector
 * refines the step's start point. One model evaluation per step (multistep), so NFE = steps.
 *
 * <p>JSON form: <pre>{@code
 * {"format": "d4j-solver-schedule", "times": [1.0, ..., 0.001],
 *  "steps": [{"prediction": "data", "order": 1, "estimator": "taylor", "corrector": false}, ...]}
 * }</pre>
 * Estimators: taylor, pseudo, half, and UniPC's bh1, bh2 (noise and data steps). A step may carry
 * {@code "scale": c}, the multiplier of its higher-order correction (omitted when 1).
 *
 * @param times decreasing times t_0 &gt; ... &gt; t_N
 * @param steps the N step options; step i goes from times[i] to times[i+1]
 */
public record SolverSchedule(double[] times, List<Step> steps) {
  public static final String FORMAT = "d4j-solver-schedule";

  /** Prediction form of a step: the linear part of the exponential integrator. */
  public enum Form {
    /** noise prediction (DPM-Solver, Taylor expansion of eps) */
    NOISE,
    /** data prediction (DPM-Solver++, Taylor expansion of x0) */
    DATA,
    /** the model's empirical statistics (DPM-Solver-v3); needs an EMS file */
    EMS;

    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Options of one step.
   *
   * @param form prediction form
   * @param order Taylor order 1-3 (at most the number of points evaluated so far)
   * @param estimator how derivatives are estimated from previous points
   * @param corrector whether to correct this step's start point with its own evaluation (step &gt; 0)
   * @param scale multiplier of the step's higher-order correction (the terms beyond the first-order
   *     step; 1 = the published step). A searched coefficient, as the learned-coefficient solvers
   *     do; only order &gt;= 2 steps have a correction to scale.
   */
  public record Step(Form form, int order, Estimator estimator, boolean corrector, double scale) {
    /** A published step (scale 1). */
    public Step(Form form, int order, Estimator estimator, boolean corrector) {
      this(form, order, estimator, corrector, 1);
    }

    /** This step with another correction scale. */
    public Step withScale(double s) {
      return new Step(form, order, estimator, corrector, s);
    }

    public Step {
      if (!Double.isFinite(scale)) {
        throw new IllegalArgumentException("step correction scale must be finite, got " + scale);
      }
      if (form == null || estimator == null) {
        throw new IllegalArgumentException("step needs a prediction form and an estimator");
      }
      if (order < 1 || order > 3) {
        throw new IllegalArgumentException("step order must be 1, 2 or 3, got " + order);
      }
      if (form == Form.EMS && estimator.uniPc()) {
        throw new IllegalArgumentException("estimator " + estimator.name().toLowerCase(Locale.ROOT)
            + " (UniPC) applies to noise and data steps, not ems");
      }
    }
  }

  public SolverSchedule {
    times = times.clone();
    steps = List.copyOf(steps);
    if (times.length < 2) {
      throw new IllegalArgumentException("schedule field 'times' needs at least 2 entries, got " + times.length);
    }
    for (int i = 0; i < times.length; i++) {
      if (!Double.isFinite(times[i]) || (i > 0 && !(times[i] < times[i - 1]))) {
        throw new IllegalArgumentException("schedule field 'times' must be finite and decreasing; times[" + i + "] = "
            + times[i]);
      }
    }
    if (steps.size() != times.length - 1) {
      throw new IllegalArgumentException("schedule field 'steps' must have one entry per interval (" + (times.length - 1)
          + "), got " + steps.size());
    }
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      if (s.order() > i + 1) {
        throw new IllegalArgumentException("schedule field 'steps[" + i + "].order' is " + s.order()
            + " but only " + (i + 1) + " evaluations exist at step " + i);
      }
      if (i == 0 && s.corrector()) {
        throw new IllegalArgumentException("schedule field 'steps[0].corrector' must be false: nothing to correct yet");
      }
    }
  }

  @Override
  public double[] times() {
    return times.clone();
  }

  /** Number of steps = NFE. */
  public int nfe() {
    return steps.size();
  }

  /** Whether any step uses the EMS form. */
  public boolean needsEms() {
    return steps.stream().anyMatch(s -> s.form() == Form.EMS);
  }

  /** The times as a grid on {@code path} (checks they are in its range). */
  public TimeGrid grid(GaussianPath path) {
    return TimeGrid.of(path, times);
  }

  /** This schedule with other times (same step options). */
  public SolverSchedule withTimes(double[] ts) {
    return new SolverSchedule(ts, steps);
  }

  /** This schedule with step {@code i} replaced. */
  public SolverSchedule withStep(int i, Step s) {
    List<Step> copy = new ArrayList<>(steps);
    copy.set(i, s);
    return new SolverSchedule(times, copy);
  }

  /**
   * A classic multistep solver as a schedule with diffusers' lower-order-final rule (below 15
   * steps) when {@code lowerOrderFinal}. DPM-Solver++ 2M is {@code multistep(times, DATA, 2, HALF, true)}.
   */
  public static SolverSchedule multistep(double[] times, Form form, int order, Estimator est, boolean lowerOrderFinal) {
    return multistep(times, form, order, est, lowerOrderFinal ? LowerOrderFinal.DIFFUSERS : LowerOrderFinal.NEVER);
  }

  /**
   * UniPC (uni_pc.py, {@code UniPC.sample}, multistep) as a schedule: data prediction, estimator
   * {@code variant} (BH1 or BH2), the orders of {@link Plan#multistep} with {@code rule}
   * (uni_pc.py: {@link LowerOrderFinal#ALWAYS}) and the UniC corrector on every step but the first.
   */
  public static SolverSchedule uniPc(double[] times, Estimator variant, int order, LowerOrderFinal rule) {
    if (!variant.uniPc()) {
      throw new IllegalArgumentException("UniPC variant must be bh1 or bh2, got " + variant);
    }
    int n = times.length - 1;
    int[] orders = Plan.multistep(n, order, rule).orders();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      steps.add(new Step(Form.DATA, orders[i], variant, i > 0));
    }
    return new SolverSchedule(times, steps);
  }

  /**
   * A classic multistep solver as a schedule: the orders of {@link Plan#multistep} with {@code rule}.
   */
  public static SolverSchedule multistep(double[] times, Form form, int order, Estimator est, LowerOrderFinal rule) {
    int n = times.length - 1;
    int[] orders = Plan.multistep(n, order, rule).orders();
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int o = orders[i];
      steps.add(new Step(form, o, o == 2 ? est : est == Estimator.HALF ? Estimator.TAYLOR : est, false));
    }
    return new SolverSchedule(times, steps);
  }

  public String toJson() {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"format\": ");
    Json.appendString(sb, FORMAT);
    sb.append(",\n \"times\": ");
    Json.appendArray(sb, times);
    sb.append(",\n \"steps\": [");
    for (int i = 0; i < steps.size(); i++) {
      Step s = steps.get(i);
      sb.append(i == 0 ? "\n  " : ",\n  ");
      sb.append("{\"prediction\": \"").append(s.form().cliName()).append("\", \"order\": ").append(s.order())
          .append(", \"estimator\": \"").append(s.estimator().name().toLowerCase(Locale.ROOT))
          .append("\", \"corrector\": ").append(s.corrector());
      if (s.scale() != 1) {
        sb.append(", \"scale\": ").append(s.scale());
      }
      sb.append('}');
    }
    sb.append("]}\n");
    return sb.toString();
  }

  /** Parses the JSON form; every error names the field. */
  public static SolverSchedule fromJson(String json) {
    Object root = Json.parse(json);
    if (!(root instanceof Map<?, ?> m)) {
      throw new JsonException("schedule must be a JSON object with format, times, steps");
    }
    for (Object key : m.keySet()) {
      if (!List.of("format", "times", "steps").contains(key)) {
        throw new JsonException("schedule has unknown field '" + key + "'; expected format, times, steps");
      }
    }
    String format = Json.string(m.get("format"), "format");
    if (!FORMAT.equals(format)) {
      throw new JsonException("schedule field 'format' must be \"" + FORMAT + "\", got \"" + format + "\"");
    }
    double[] times = Json.doubleArray(m.get("times"), "times");
    if (!(m.get("steps") instanceof List<?> list)) {
      throw new JsonException("schedule field 'steps' must be an array of step objects");
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String f = "steps[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> sm)) {
        throw new JsonException("schedule field '" + f + "' must be an object");
      }
      for (Object key : sm.keySet()) {
        if (!List.of("prediction", "order", "estimator", "corrector", "scale").contains(key)) {
          throw new JsonException("schedule field '" + f + "' has unknown key '" + key
              + "'; expected prediction, order, estimator, corrector, scale");
        }
      }
      Form form = parseEnum(Form.class, Json.string(sm.get("prediction"), f + ".prediction"), f + ".prediction");
      double order = Json.number(sm.get("order"), f + ".order");
      if (order != Math.rint(order) || order < 1 || order > 3) {
        throw new JsonException("schedule field '" + f + ".order' must be 1, 2 or 3, got " + order);
      }
      Estimator est = parseEnum(Estimator.class, Json.string(sm.get("estimator"), f + ".estimator"), f + ".estimator");
      if (!(sm.get("corrector") instanceof Boolean corr)) {
        throw new JsonException("schedule field '" + f + ".corrector' must be true or false");
      }
      double scale = sm.containsKey("scale") ? Json.number(sm.get("scale"), f + ".scale") : 1;
      steps.add(new Step(form, (int) order, est, corr, scale));
    }
    try {
      return new SolverSchedule(times, steps);
    } catch (IllegalArgumentException e) {
      throw new JsonException(e.getMessage());
    }
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String field) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    throw new JsonException("schedule field '" + field + "' is \"" + value + "\"; expected one of "
        + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
  }

  public static SolverSchedule read(Path file) throws IOException {
    try {
      return fromJson(org.diffusion4j.io.ReadLimits.readJson(file));
    } catch (JsonException e) {
      throw new JsonException(file + ": " + e.getMessage());
    }
  }

  public void write(Path file) throws IOException {
    AtomicFiles.writeString(file, toJson());
  }
}
