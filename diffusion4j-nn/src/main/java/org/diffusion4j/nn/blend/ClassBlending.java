package org.diffusion4j.nn.blend;

import java.util.Locale;
import org.diffusion4j.array.Batch;
import org.diffusion4j.blend.BlackScholesBlend;
import org.diffusion4j.blend.BlendRule;
import org.diffusion4j.blend.ConceptBlend;
import org.diffusion4j.blend.ConceptScore;
import org.diffusion4j.blend.LinearBlend;
import org.diffusion4j.blend.PromptSwitch;
import org.diffusion4j.model.Denoiser;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.random.Rng;
import org.diffusion4j.sampler.DdimSampler;
import org.diffusion4j.sampler.Plan;
import org.diffusion4j.sampler.Sampling;
import org.diffusion4j.sampler.TimeGrid;

/**
 * Blends two classes of a class-conditional model ({@link ConceptBlend}) and samples with DDIM, the
 * one-evaluation-per-step sampler of the official Black-Scholes code. Each class may carry
 * classifier-free guidance (the official pipeline guides each prompt with scale 7.5, i.e. w =
 * 6.5 here). For Black-Scholes blending the concept score of a forecast is the evaluation
 * classifier's probability of the class ({@link #classifierScore}), standing in for CLIP.
 */
public final class ClassBlending {
  private ClassBlending() {}

  /** The three rules compared. */
  public enum Schedule {
    BLACK_SCHOLES("black-scholes"),
    LINEAR("linear"),
    SWITCH("switch");

    private final String cliName;

    Schedule(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    /** Parses black-scholes, linear or switch. */
    public static Schedule parse(String s) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (Schedule v : values()) {
        if (v.cliName.equals(k)) {
          return v;
        }
      }
      throw new IllegalArgumentException("unknown blending schedule '" + s + "'; expected black-scholes, linear or switch");
    }
  }

  /**
   * A blending run's settings.
   *
   * @param a first class (the first step's concept for Black-Scholes and switching)
   * @param b second class
   * @param schedule the rule
   * @param weight linear: the weight of b in [0, 1]; switch: the fraction of the steps after which
   *     b takes over, in [0, 1]; unused for Black-Scholes
   * @param guidance classifier-free guidance weight of each class (0 = the plain conditional)
   * @param steps DDIM steps (= NFE)
   */
  public record Settings(int a, int b, Schedule schedule, double weight, double guidance, int steps) {
    public Settings {
      if (a == b) {
        throw new IllegalArgumentException("blend two different classes, got " + a + " and " + b);
      }
      if (schedule == null) {
        throw new IllegalArgumentException("missing blending schedule");
      }
      if (!(weight >= 0 && weight <= 1)) {
        throw new IllegalArgumentException("blend weight must be in [0, 1], got " + weight);
      }
      if (!Double.isFinite(guidance)) {
        throw new IllegalArgumentException("guidance must be finite, got " + guidance);
      }
      if (steps < 1) {
        throw new IllegalArgumentException("steps must be >= 1, got " + steps);
      }
    }
  }

  /** Samples, with the fraction of Black-Scholes decisions that chose b (NaN for other rules) and the time. */
  public record Result(Batch samples, int nfe, double fractionB, double seconds) {}

  /** The classifier's probability of class a (concept 0) or b (concept 1), floored at 1e-12 to stay a valid spot. */
  public static ConceptScore classifierScore(DigitClassifier classifier, int a, int b) {
    return (x0, concept, out) -> {
      Batch p = classifier.probabilities(clip(x0));
      int c = concept == 0 ? a : b;
      for (int r = 0; r < x0.n(); r++) {
        out[r] = Math.min(1, Math.max(1e-12, p.get(r, c)));
      }
    };
  }

  /** Pixels clipped to [-1, 1], the classifier's input range. */
  private static Batch clip(Batch x) {
    Batch c = x.copy();
    double[] v = c.data();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(-1, Math.min(1, v[i]));
    }
    return c;
  }

  /**
   * n blended samples from N(0, I) noise (row i from {@code Rng.of(seed).stream(i)}), DDIM on the
   * model's sampling path with its default (log-SNR) grid. {@code classifier} is needed for
   * Black-Scholes only.
   */
  public static Result sample(NeuralDenoiser model, Settings s, DigitClassifier classifier, int n, long seed) {
    int classes = model.config().network().classes();
    if (classes == 0) {
      throw new IllegalArgumentException("blending needs a class-conditional model");
    }
    for (int c : new int[] {s.a(), s.b()}) {
      if (c < 0 || c >= classes) {
        throw new IllegalArgumentException("class " + c + " is outside [0, " + (classes - 1) + "]");
      }
    }
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    GaussianPath path = model.samplingPath();
    Denoiser da = model.withGuidance(s.a(), s.guidance());
    Denoiser db = model.withGuidance(s.b(), s.guidance());
    DdimSampler ddim = new DdimSampler();
    double[] times = Sampling.with(ddim, da, path).steps(s.steps()).grid(new Plan[1]).times();
    BlendRule rule = switch (s.schedule()) {
      case LINEAR -> new LinearBlend(s.weight());
      case SWITCH -> PromptSwitch.afterSteps(times, (int) Math.round(s.weight() * s.steps()));
      case BLACK_SCHOLES -> {
        if (classifier == null) {
          throw new IllegalArgumentException("Black-Scholes blending scores its forecasts with a classifier; give one");
        }
        yield new BlackScholesBlend(path, times, classifierScore(classifier, s.a(), s.b()));
      }
    };
    Batch x = new Batch(n, model.dim());
    Rng root = Rng.of(seed);
    for (int i = 0; i < n; i++) {
      root.stream(i).fillGaussian(x.data(), i * x.d(), x.d());
    }
    x.scale(path.priorStd(times[0]));
    long t0 = System.nanoTime();
    Sampling.Result r = Sampling.with(ddim, ConceptBlend.of(da, db, rule), path).userTimes(times).run(x);
    double seconds = (System.nanoTime() - t0) / 1e9;
    double fb = rule instanceof BlackScholesBlend bs ? bs.fractionB() : Double.NaN;
    return new Result(r.x(), r.nfe(), fb, seconds);
  }

  /**
   * How the evaluation classifier reads blended digits: mean p(a | x), mean p(b | x), and the
   * fraction of samples whose two most probable classes are exactly {a, b} (both concepts visible).
   */
  public record ClassReading(double meanA, double meanB, double bothTopTwo) {}

  /** The {@link ClassReading} of {@code x} (pixels clipped to [-1, 1]). */
  public static ClassReading read(DigitClassifier classifier, Batch x, int a, int b) {
    Batch p = classifier.probabilities(clip(x));
    double ma = 0;
    double mb = 0;
    int both = 0;
    for (int r = 0; r < x.n(); r++) {
      ma += p.get(r, a) / x.n();
      mb += p.get(r, b) / x.n();
      int first = -1;
      int second = -1;
      for (int c = 0; c < p.d(); c++) {
        if (first < 0 || p.get(r, c) > p.get(r, first)) {
          second = first;
          first = c;
        } else if (second < 0 || p.get(r, c) > p.get(r, second)) {
          second = c;
        }
      }
      both += (first == a && second == b) || (first == b && second == a) ? 1 : 0;
    }
    return new ClassReading(ma, mb, (double) both / x.n());
  }
}
