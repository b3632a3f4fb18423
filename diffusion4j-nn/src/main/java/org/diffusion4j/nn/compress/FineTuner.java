package org.diffusion4j.nn.compress;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.compress.NuclearNorm;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.objective.NoiseKernel;
import org.diffusion4j.nn.objective.Targets;
import org.diffusion4j.nn.objective.TimeSampler;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.nn.net.Layers;

/**
 * Fine-tuning a pretrained diffusion / flow model on a sub-domain with the model's own objective,
 * by one of three methods on the same budget (steps, batch, learning rate, AdamW):
 *
 * <ul>
 *   <li>{@link Method#FULL}: every parameter is trained.</li>
 *   <li>{@link Method#SARA}: SaRA (Hu et al., "SaRA: High-Efficient Diffusion Model Fine-tuning with
 *       Progressive Sparse Low-Rank Adaptation", 2024), after the official optimiser
 *       (sjtuplayer/SaRA {@code optim/adamw.py}): only entries with |w| &lt; threshold (official
 *       default 2e-3, an absolute value over every parameter tensor) are trained, the others are
 *       never touched (their gradient, moments and weight decay are masked out); at the progressive
 *       step the mask is re-selected from the current weights (|w| &lt; threshold) and the AdamW
 *       state restarts, as the official {@code update_params} re-initialises the optimiser; each
 *       step adds lambda_rank ||W (.) M||_* (official {@code nuclear_norm(param * mask)},
 *       lambda_rank 5e-4) for one randomly chosen matrix. Official eligibility is 2-D weights
 *       with both sides &gt; 64; this U-Net has none, so kernels of rank &gt;= 2 reshaped to
 *       (out, in * k * k) with both sides &gt; 16 are eligible. The official code routes this
 *       regulariser's gradient to a tensor its optimiser does not update; here it reaches the
 *       trained entries, as the paper describes.</li>
 *   <li>{@link Method#LORA}: LoRA (Hu et al. 2022) on every kernel of rank &gt;= 2 (linear and
 *       convolution weights, a convolution reshaped to (out, in * k * k)): W = W0 + (alpha / r) B A
 *       with A (r, fan-in) drawn from U(-1/sqrt(fan-in), 1/sqrt(fan-in)) (peft's Kaiming-uniform with
 *       a = sqrt(5)) and B = 0; only A and B are trained. The written model holds the merged weights.</li>
 * </ul>
 * Time steps, noise and class dropout follow the run's training configuration; the learning rate is
 * constant (no warm-up) and there is no EMA: the output weights are the last iterate.
 */
public final class FineTuner implements AutoCloseable {
  private static final long ORDER_STREAM = 11;
  private static final long DROPOUT_STREAM = 12;
  private static final long RANK_STREAM = 13;
  private static final long LORA_STREAM = 14;

  /** Which parameters are trained. */
  public enum Method {
    FULL, SARA, LORA;

    public static Method parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "full" -> FULL;
        case "sara" -> SARA;
        case "lora" -> LORA;
        default -> throw new IllegalArgumentException("unknown fine-tuning method '" + s + "'; expected sara, lora or full");
      };
    }
  }

  /**
   * Settings.
   *
   * @param method what is trained
   * @param steps optimiser steps (>= 1)
   * @param batch rows per step
   * @param lr constant learning rate
   * @param weightDecay AdamW decoupled weight decay (official SaRA default 1e-2)
   * @param threshold SaRA: entries with |w| below it are trained (official 2e-3)
   * @param progressiveStep SaRA: the step at which the mask is re-selected (negative: never)
   * @param lambdaRank SaRA: weight of the nuclear-norm regulariser (official 5e-4; 0 turns it off)
   * @param loraRank LoRA rank r
   * @param loraAlpha LoRA scale numerator alpha (the update is (alpha / r) B A)
   * @param seed batches, noise, times and initial LoRA factors
   */
  public record Options(Method method, long steps, int batch, double lr, double weightDecay, double threshold,
      long progressiveStep, double lambdaRank, int loraRank, double loraAlpha, long seed) {
    public Options {
      if (steps < 1 || batch < 1) {
        throw new IllegalArgumentException("fine-tuning needs steps >= 1 and batch >= 1, got " + steps + " and " + batch);
      }
      if (!(lr > 0) || !(weightDecay >= 0) || !(threshold > 0) || !(lambdaRank >= 0)) {
        throw new IllegalArgumentException("fine-tuning needs lr > 0, weight decay >= 0, threshold > 0 and"
            + " lambda-rank >= 0, got " + lr + ", " + weightDecay + ", " + threshold + ", " + lambdaRank);
      }
      if (loraRank < 1) {
        throw new IllegalArgumentException("LoRA rank must be >= 1, got " + loraRank);
      }
    }

    /**
     * Official SaRA defaults (threshold 2e-3, lambda_rank 5e-4, weight decay 1e-2, re-selection at
     * half the budget), its default learning rate 1e-3 exp(-350 threshold) = 4.97e-4 for every method,
     * batch 32, LoRA rank 4 with alpha = rank.
     */
    public static Options defaults(Method method, long steps, long seed) {
      double threshold = 2e-3;
      return new Options(method, steps, 32, 1e-3 * Math.exp(-350 * threshold), 1e-2, threshold, steps / 2, 5e-4, 4, 4,
          seed);
    }
  }

  /**
   * What was trained.
   *
   * @param method the method
   * @param totalParameters scalar parameters of the network
   * @param trainableParameters parameters the optimiser updates: SaRA's initial mask size, LoRA's A
   *     and B, or all
   * @param reselectedParameters SaRA: the mask size after progressive re-selection (else the same)
   * @param trainedFraction trainableParameters / totalParameters
   * @param optimizerBytes gradient plus two AdamW moments (float32) for the trained parameters, plus
   *     SaRA's one-byte mask per parameter (the official layout; this implementation keeps dense tensors)
   * @param losses loss of every step
   */
  public record Report(String method, long totalParameters, long trainableParameters, long reselectedParameters,
      double trainedFraction, long optimizerBytes, double[] losses) {}

  /** The fine-tuned model and the report. */
  public record Result(Checkpoint checkpoint, Report report) {}

  private final TrainConfig config;
  private final Options o;
  private final Dataset data;
  private final Network net;
  private final List<ParamSpec> specs;
  private final NDManager manager;
  private final float[][] base;
  /** FULL / SARA: the trained tensors; LORA: the frozen base. */
  private final ParamSet params;
  /** SARA: 0/1 masks per tensor (null otherwise). */
  private NDArray[] masks;
  private long initialMask;
  private long currentMask;
  /** LORA: kernel indices and factors A (r, fanIn), B (out, r). */
  private final List<Integer> loraTensors = new ArrayList<>();
  private final List<NDArray> loraA = new ArrayList<>();
  private final List<NDArray> loraB = new ArrayList<>();
  /** The optimiser's tensors and moments. */
  private final List<NDArray> trained = new ArrayList<>();
  private final List<NDArray> adamM = new ArrayList<>();
  private final List<NDArray> adamV = new ArrayList<>();
  private final List<Integer> rankEligible = new ArrayList<>();
  private long adamStep;
  private final float[] losses;
  private long done;

  private FineTuner(Checkpoint pretrained, Dataset data, Options o) {
    this.config = pretrained.config();
    if (config.network() instanceof FakeQuantNetConfig) {
      throw new IllegalArgumentException("fine-tune the full-precision model, not a quantised one");
    }
    if (data.dim() != config.network().dim()) {
      throw new IllegalArgumentException("sub-domain data has dimension " + data.dim() + " but the model expects "
          + config.network().dim());
    }
    if (config.network().classes() > 0 && data.labels() == null) {
      throw new IllegalArgumentException("the model is class-conditional but the sub-domain data has no labels");
    }
    this.o = o;
    this.data = data;
    this.net = config.network().build();
    this.specs = net.specs();
    pretrained.requireSpecs(specs);
    this.base = pretrained.ema();
    this.manager = DjlRuntime.newManager();
    this.losses = new float[Math.toIntExact(o.steps())];
    boolean lora = o.method() == Method.LORA;
    this.params = ParamSet.of(manager, specs, base, !lora);
    if (lora) {
      Rng init = Rng.of(o.seed()).stream(LORA_STREAM);
      for (int i = 0; i < specs.size(); i++) {
        long[] s = specs.get(i).shape();
        if (s.length < 2) {
          continue;
        }
        int out = Math.toIntExact(s[0]);
        int fanIn = specs.get(i).size() / out;
        float[] a = new float[o.loraRank() * fanIn];
        double bound = 1 / Math.sqrt(fanIn);
        Rng r = init.stream(i);
        for (int j = 0; j < a.length; j++) {
          a[j] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        NDArray aa = manager.create(a, new Shape(o.loraRank(), fanIn));
        NDArray bb = manager.zeros(new Shape(out, o.loraRank()), DataType.FLOAT32);
        aa.setRequiresGradient(true);
        bb.setRequiresGradient(true);
        loraTensors.add(i);
        loraA.add(aa);
        loraB.add(bb);
        trained.add(aa);
        trained.add(bb);
      }
    } else {
      trained.addAll(params.arrays());
    }
    if (o.method() == Method.SARA) {
      masks = new NDArray[specs.size()];
      initialMask = selectMask();
      currentMask = initialMask;
      for (int i = 0; i < specs.size(); i++) {
        long[] s = specs.get(i).shape();
        if (s.length >= 2 && s[0] > 16 && specs.get(i).size() / s[0] > 16) {
          rankEligible.add(i);
        }
      }
    }
    resetAdam();
  }

  /** Starts fine-tuning {@code pretrained}'s EMA weights on {@code data}. */
  public static FineTuner create(Checkpoint pretrained, Dataset data, Options o) {
    return new FineTuner(pretrained, data, o);
  }

  /** Runs all steps and returns the result. */
  public static Result run(Checkpoint pretrained, Dataset data, Options o, ProgressListener progress) {
    try (FineTuner t = create(pretrained, data, o)) {
      while (t.done < o.steps()) {
        double loss = t.step();
        if (progress != null) {
          progress.onProgress(t.done, o.steps(), String.format(Locale.ROOT, "loss %.4f", loss));
        }
      }
      return t.result();
    }
  }

  /** SaRA's mask from the current weights; returns its size. */
  private long selectMask() {
    long count = 0;
    for (int i = 0; i < specs.size(); i++) {
      if (masks[i] != null) {
        masks[i].close();
      }
      try (NDManager sm = manager.newSubManager()) {
        NDArray abs = params.get(i).abs();
        abs.attach(sm);
        NDArray m = abs.lt((float) o.threshold()).toType(DataType.FLOAT32, false);
        m.attach(manager);
        masks[i] = m;
        NDArray sum = m.sum();
        sum.attach(sm);
        count += (long) sum.getFloat();
      }
    }
    return count;
  }

  private void resetAdam() {
    adamM.forEach(NDArray::close);
    adamV.forEach(NDArray::close);
    adamM.clear();
    adamV.clear();
    for (NDArray p : trained) {
      adamM.add(manager.zeros(p.getShape(), DataType.FLOAT32));
      adamV.add(manager.zeros(p.getShape(), DataType.FLOAT32));
    }
    adamStep = 0;
  }

  /** One optimiser step; returns its loss. */
  public double step() {
    long k = done;
    if (o.method() == Method.SARA && k == o.progressiveStep() && k > 0) {
      currentMask = selectMask();
      resetAdam();
    }
    int n = o.batch();
    int d = data.dim();
    Rng stepRng = Rng.of(o.seed()).stream(ORDER_STREAM, k);
    Rng[] rows = new Rng[n];
    for (int i = 0; i < n; i++) {
      rows[i] = stepRng.stream(i);
    }
    TimeSampler sampler = new TimeSampler(config.timeSampling(), config.gaussianPath());
    double[] t = new double[n];
    double[] tw = new double[n];
    int[] bins = new int[n];
    sampler.sample(rows, t, tw, bins);
    Batch x0 = new Batch(n, d);
    Batch eps = new Batch(n, d);
    NoiseKernel noise = config.noise();
    int classes = config.network().classes();
    int[] labels = classes > 0 ? new int[n] : null;
    for (int i = 0; i < n; i++) {
      int idx = rows[i].nextInt(data.n());
      System.arraycopy(data.data().data(), idx * d, x0.data(), i * d, d);
      noise.fill(rows[i], eps.data(), i * d);
      if (labels != null) {
        labels[i] = rows[i].nextDouble() < config.classDropout() ? classes : data.labels()[idx];
      }
    }
    float[] input = new float[n * d];
    float[] cNoise = new float[n];
    float[] target = new float[n * d];
    float[] weight = new float[n];
    new Targets(config.objective(), config.gaussianPath(), config.weighting(), config.sigmaData())
        .fill(x0, eps, t, null, input, cNoise, target, weight);
    double lossValue;
    try (NDManager sm = manager.newSubManager()) {
      NDArray x = sm.create(input, net.batchShape(n));
      NDArray c = sm.create(cNoise, new Shape(n, 1));
      NDArray y = sm.create(target, new Shape(n, d));
      NDArray w = sm.create(weight, new Shape(n));
      Condition cond = labels == null ? Condition.NONE
          : Condition.ofClasses(sm.create(Condition.oneHot(labels, classes), new Shape(n, classes + 1)));
      DjlRuntime.engine().setRandomSeed((int) Rng.of(o.seed()).stream(DROPOUT_STREAM, k).nextLong());
      NDArray loss;
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        ParamSet effective = o.method() == Method.LORA ? loraParams(sm) : params;
        NDArray f = net.forward(effective, x, c, cond.withTraining(true)).reshape(n, d);
        NDArray per = config.objective().quadratic()
            ? f.square().sub(f.mul(y).mul(Layers.scalar(f, 2))).sum(new int[] {1})
            : f.sub(y).square().sum(new int[] {1});
        loss = per.mul(w).sum().div(Layers.scalar(per, (double) n * d));
        gc.backward(loss);
      }
      lossValue = loss.getFloat();
      update(sm, k);
    }
    losses[(int) k] = (float) lossValue;
    done++;
    return lossValue;
  }

  /** The base weights with W0 + (alpha / r) B A in place of each adapted kernel (in the graph). */
  private ParamSet loraParams(NDManager sm) {
    List<NDArray> arrays = new ArrayList<>(params.arrays());
    double scale = o.loraAlpha() / o.loraRank();
    for (int j = 0; j < loraTensors.size(); j++) {
      int i = loraTensors.get(j);
      // results belong to the manager of the array an op is called on: move the first one into sm
      NDArray product = loraB.get(j).matMul(loraA.get(j));
      product.attach(sm);
      NDArray delta = product.mul(Layers.scalar(product, scale)).reshape(new Shape(specs.get(i).shape()));
      arrays.set(i, delta.add(params.get(i)));
    }
    return ParamSet.wrap(specs, arrays);
  }

  /** AdamW on the trained tensors, SaRA's masks and nuclear-norm gradient applied. */
  private void update(NDManager sm, long k) {
    NDArray[] grads = new NDArray[trained.size()];
    for (int i = 0; i < grads.length; i++) {
      NDArray g = trained.get(i).getGradient();
      g.attach(sm);
      grads[i] = g;
    }
    if (o.method() == Method.SARA) {
      if (o.lambdaRank() > 0 && !rankEligible.isEmpty()) {
        int i = rankEligible.get(Rng.of(o.seed()).stream(RANK_STREAM, k).nextInt(rankEligible.size()));
        grads[i] = grads[i].add(nuclearGradient(sm, i));
      }
      for (int i = 0; i < grads.length; i++) {
        grads[i] = grads[i].mul(masks[i]);
      }
    }
    double sq = 0;
    for (NDArray g : grads) {
      sq += g.square().sum().getFloat();
    }
    double gradNorm = Math.sqrt(sq);
    if (!Double.isFinite(gradNorm)) {
      zeroGrads();
      throw new IllegalStateException("fine-tuning diverged at step " + k + ": gradient norm " + gradNorm
          + " (lower --lr)");
    }
    double clip = Math.min(1.0, config.clipNorm() / (gradNorm + 1e-6));
    adamStep++;
    double b1 = config.beta1();
    double b2 = config.beta2();
    double bc1 = 1 - Math.pow(b1, adamStep);
    double bc2 = 1 - Math.pow(b2, adamStep);
    double stepSize = o.lr() / bc1;
    for (int i = 0; i < grads.length; i++) {
      NDArray g = clip < 1 ? grads[i].mul((float) clip) : grads[i];
      NDArray m = adamM.get(i);
      NDArray v = adamV.get(i);
      NDArray p = trained.get(i);
      m.muli((float) b1).addi(g.mul((float) (1 - b1)));
      v.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
      NDArray denom = v.div((float) bc2);
      denom.attach(sm);
      denom = denom.sqrt().addi((float) config.adamEps());
      NDArray update = m.div(denom).muli((float) stepSize);
      update.attach(sm);
      if (o.weightDecay() > 0) {
        NDArray decay = p.mul((float) (o.lr() * o.weightDecay()));
        decay.attach(sm);
        if (masks != null) {
          decay = decay.mul(masks[i]);
        }
        p.subi(decay);
      }
      // masked entries: m = v = 0 there, so the update is exactly 0 / eps = 0 and p stays bit-identical
      p.subi(update);
    }
    zeroGrads();
  }

  /** lambda_rank U V^T of W_i (.) M_i, as a tensor of W_i's shape. */
  private NDArray nuclearGradient(NDManager sm, int i) {
    long[] s = specs.get(i).shape();
    int rowsN = Math.toIntExact(s[0]);
    int cols = specs.get(i).size() / rowsN;
    float[] wv = params.get(i).toFloatArray();
    float[] mv = masks[i].toFloatArray();
    double[] a = new double[wv.length];
    for (int j = 0; j < a.length; j++) {
      a[j] = wv[j] * mv[j];
    }
    double[] g = NuclearNorm.of(a, rowsN, cols).gradient();
    float[] gf = new float[g.length];
    for (int j = 0; j < g.length; j++) {
      gf[j] = (float) (o.lambdaRank() * g[j]);
    }
    return sm.create(gf, new Shape(s));
  }

  private void zeroGrads() {
    for (NDArray p : trained) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
  }

  /** The current weights (merged for LoRA). */
  public float[][] weights() {
    if (o.method() != Method.LORA) {
      return params.toFloats();
    }
    try (NDManager sm = manager.newSubManager()) {
      return loraParams(sm).toFloats();
    }
  }

  /** LoRA: the update (alpha / r) B A of adapted kernel j, as an (out, fanIn) row-major matrix; and its index. */
  public float[] loraUpdate(int j) {
    if (o.method() != Method.LORA) {
      throw new IllegalStateException("not a LoRA fine-tune");
    }
    try (NDManager sm = manager.newSubManager()) {
      NDArray delta = loraB.get(j).matMul(loraA.get(j)).mul((float) (o.loraAlpha() / o.loraRank()));
      delta.attach(sm);
      return delta.toFloatArray();
    }
  }

  /** LoRA: the parameter tensor index of adapted kernel j. */
  public int loraTensor(int j) {
    return loraTensors.get(j);
  }

  /** LoRA: the number of adapted kernels. */
  public int loraCount() {
    return loraTensors.size();
  }

  /** The result so far. */
  public Result result() {
    long total = net.parameterCount();
    long trainable = switch (o.method()) {
      case FULL -> total;
      case SARA -> initialMask;
      case LORA -> {
        long s = 0;
        for (NDArray p : trained) {
          s += p.size();
        }
        yield s;
      }
    };
    long reselected = o.method() == Method.SARA ? currentMask : trainable;
    long bytes = 12 * Math.max(trainable, reselected) + (o.method() == Method.SARA ? total : 0);
    float[][] w = weights();
    float[][] zeros = new float[w.length][];
    for (int i = 0; i < w.length; i++) {
      zeros[i] = new float[w[i].length];
    }
    TrainConfig out = config.withSteps(done);
    float[] l = java.util.Arrays.copyOf(losses, (int) done);
    Checkpoint c = new Checkpoint(out, done, 0, new TimeSampler(config.timeSampling(), config.gaussianPath()).state(),
        specs, w, w, zeros, zeros, l);
    double[] ld = new double[l.length];
    for (int i = 0; i < l.length; i++) {
      ld[i] = l[i];
    }
    return new Result(c, new Report(o.method().name().toLowerCase(Locale.ROOT), total, trainable, reselected,
        (double) trainable / total, bytes, ld));
  }

  @Override
  public void close() {
    manager.close();
  }
}
