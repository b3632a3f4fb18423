package org.diffusion4j.nn.trajectory;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nbody.ChargedParticles;
import org.diffusion4j.nbody.Trajectories;
import org.diffusion4j.nn.control.ControlModels;
import org.diffusion4j.nn.control.DdpmSchedule;
import org.diffusion4j.nn.control.TrajectoryDiffusion;
import org.diffusion4j.nn.net.EgtnConfig;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.NetworkConfig;
import org.diffusion4j.nn.net.SequenceNetConfig;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.progress.ProgressListener;
import org.diffusion4j.random.Rng;
import org.diffusion4j.random.Seeds;

/**
 * Trajectory models on the charged n-body data ({@link ChargedParticles#egnn}), one model per run
 * directory: {@value #SPEC_FILE} (the {@link Spec}), the training data as NPY
 * ({@code data/positions.npy} (n, C + F, N, 3), {@code data/charges.npy} (n, N), regenerable
 * from the spec's seed) and one checkpoint. Kinds:
 * <ul>
 *   <li>{@code geotdm}: conditional GeoTDM with the learnable prior ({@link GeoTdm});</li>
 *   <li>{@code geotdm-com}: conditional GeoTDM with the centre-of-mass prior;</li>
 *   <li>{@code geotdm-uncond}: unconditional GeoTDM over F frames;</li>
 *   <li>{@code baseline}: the non-equivariant baseline, a transformer {@link SequenceNetConfig}
 *       over (C + F, 3 N) windows in {@link TrajectoryDiffusion} with the given frames as
 *       observation channels and inpainted, each window translated so the last given frame's
 *       centre of mass is the origin; its width and depth are chosen so its parameter count is the
 *       closest to the GeoTDM network of the same options.</li>
 * </ul>
 */
public final class TrajectoryModels {
  public static final String SPEC_FILE = "trajectories.json";
  public static final java.util.List<String> KINDS = java.util.List.of("geotdm", "geotdm-com", "geotdm-uncond",
      "baseline");
  /** Largest transformer depth and the heads of the baseline (width and depth are fitted to the parameter count). */
  static final int BASELINE_MAX_DEPTH = 8;
  static final int BASELINE_HEADS = 4;
  /** x_0 clip of the baseline's sampler, far outside the data: GeoTDM does not clip. */
  static final double NO_CLIP = 1e3;

  private TrajectoryModels() {}

  /**
   * What a run holds.
   *
   * @param kind one of {@link #KINDS}
   * @param condFrames given frames C (0 for geotdm-uncond)
   * @param frames generated frames F
   * @param diffusionSteps DDPM steps T (linear schedule)
   * @param dataSeed seed of the training simulation
   * @param trainSystems simulated training systems
   */
  public record Spec(String kind, int condFrames, int frames, int diffusionSteps, long dataSeed, int trainSystems) {
    public Spec {
      if (!KINDS.contains(kind)) {
        throw new IllegalArgumentException("unknown trajectory model '" + kind + "'; expected one of " + KINDS);
      }
      boolean uncond = kind.equals("geotdm-uncond");
      if (frames < 2 || diffusionSteps <= 20 || trainSystems < 1 || (uncond ? condFrames != 0 : condFrames < 2)) {
        throw new IllegalArgumentException("trajectory model needs frames >= 2, diffusion-steps > 20, train-systems"
            + " >= 1 and cond-frames " + (uncond ? "= 0 (unconditional)" : ">= 2") + "; got frames=" + frames
            + ", diffusion-steps=" + diffusionSteps + ", train-systems=" + trainSystems + ", cond-frames=" + condFrames);
      }
    }

    /** The simulator of this run's data: C + F frames. */
    public ChargedParticles simulator() {
      return ChargedParticles.egnn(condFrames + frames);
    }

    /** Held-out systems for evaluation (a seed disjoint from the training seed). */
    public Trajectories testData(int count) {
      return simulator().simulate(count, Seeds.heldOut(dataSeed, 1));
    }
  }

  /** Network size and optimiser settings. */
  public record Options(int hidden, int depth, int priorDepth, int timeEmbedDim, long steps, int batch, double lr,
      long seed, Duration timeLimit) {}

  /** The GeoTDM network of a conditional or unconditional spec. */
  public static EgtnConfig geotdmNetwork(Spec s, Options o) {
    int prior = s.kind().equals("geotdm") ? o.priorDepth() : 0;
    return new EgtnConfig(ChargedParticles.egnn(1).particles(), s.frames(), s.condFrames(), 1, o.hidden(), o.depth(),
        prior, o.timeEmbedDim(), 0, o.seed());
  }

  /** The baseline transformer whose parameter count is closest to the learnable-prior GeoTDM of the same options. */
  public static SequenceNetConfig baselineNetwork(Spec s, Options o) {
    long target = geotdmNetwork(new Spec("geotdm", s.condFrames(), s.frames(), s.diffusionSteps(), s.dataSeed(),
        s.trainSystems()), o).build().parameterCount();
    int channels = 3 * ChargedParticles.egnn(1).particles();
    SequenceNetConfig best = null;
    long bestGap = Long.MAX_VALUE;
    for (int w = BASELINE_HEADS; w <= 512; w += BASELINE_HEADS) {
      for (int depth = 1; depth <= BASELINE_MAX_DEPTH; depth++) {
      SequenceNetConfig c = new SequenceNetConfig(s.condFrames() + s.frames(), channels,
          SequenceNetConfig.Backbone.TRANSFORMER, w, depth, BASELINE_HEADS, 2, false, 0, 0, 2 * channels,
          o.seed());
      long gap = Math.abs(c.build().parameterCount() - target);
      if (gap < bestGap) {
        bestGap = gap;
        best = c;
      }
      }
    }
    return best;
  }

  /**
   * Simulates the training data of {@code spec}, trains its model into {@code dir} and returns
   * the losses.
   */
  public static float[] train(Spec spec, Options o, Path dir, ProgressListener progress) throws IOException {
    Trajectories data = spec.simulator().simulate(spec.trainSystems(), spec.dataSeed());
    Files.createDirectories(dir.resolve("data"));
    Npy.write(dir.resolve("data/positions.npy"), new long[] {data.count(), data.frames(), data.particles(), 3},
        data.positions());
    Npy.write(dir.resolve("data/charges.npy"), new long[] {data.count(), data.particles()}, data.charges());
    AtomicFiles.writeString(dir.resolve(SPEC_FILE), JsonRecords.toJson(spec) + "\n");
    DdpmSchedule schedule = DdpmSchedule.linear(spec.diffusionSteps());
    boolean baseline = spec.kind().equals("baseline");
    NetworkConfig net = baseline ? baselineNetwork(spec, o) : geotdmNetwork(spec, o);
    TrainConfig config = ControlModels.config(net, "nbody-charged5", o.steps(), o.batch(), o.lr(), o.seed());
    Rng root = Rng.of(Seeds.source(o.seed()));
    return ControlModels.train(config, (sm, tn, k) -> {
      Rng rng = root.stream(k);
      Trajectories batch = pick(data, o.batch(), rng);
      if (baseline) {
        Window w = Window.of(batch, spec.condFrames());
        return TrajectoryDiffusion.loss(sm, tn.net(), tn.params(), schedule, true, w.values(), w.inpainting(), rng);
      }
      Network n = tn.net();
      if (spec.condFrames() == 0) {
        return GeoTdm.loss(sm, (org.diffusion4j.nn.net.Egtn) n, tn.params(), schedule, batch.frames(0, spec.frames()),
            null, rng);
      }
      return GeoTdm.loss(sm, (org.diffusion4j.nn.net.Egtn) n, tn.params(), schedule,
          batch.frames(spec.condFrames(), spec.condFrames() + spec.frames()), batch.frames(0, spec.condFrames()), rng);
    }, dir, progress, o.timeLimit());
  }

  private static Trajectories pick(Trajectories data, int batch, Rng rng) {
    int size = data.size();
    int np = data.particles();
    double[] p = new double[batch * size];
    double[] q = new double[batch * np];
    for (int b = 0; b < batch; b++) {
      int r = rng.nextInt(data.count());
      System.arraycopy(data.positions(), r * size, p, b * size, size);
      System.arraycopy(data.charges(), r * np, q, b * np, np);
    }
    return new Trajectories(batch, data.frames(), np, p, q);
  }

  /**
   * A baseline window: the (C + F) frames translated by minus the centre of mass of the last given
   * frame, and the inpainting that fixes the given frames.
   */
  record Window(double[] values, TrajectoryDiffusion.Inpainting inpainting, double[] offsets) {
    static Window of(Trajectories t, int given) {
      int np = t.particles();
      int per = np * 3;
      double[] v = t.positions().clone();
      double[] mask = new double[v.length];
      double[] off = new double[t.count() * 3];
      for (int r = 0; r < t.count(); r++) {
        int last = (r * t.frames() + given - 1) * per;
        for (int k = 0; k < per; k++) {
          off[r * 3 + k % 3] += t.positions()[last + k] / np;
        }
        for (int k = 0; k < t.size(); k++) {
          v[r * t.size() + k] -= off[r * 3 + k % 3];
          mask[r * t.size() + k] = k < given * per ? 1 : 0;
        }
      }
      return new Window(v, new TrajectoryDiffusion.Inpainting(v, mask), off);
    }
  }

  /** A trained model of a run directory, ready to forecast or generate. Holds native memory. */
  public static final class Model implements AutoCloseable {
    private final Spec spec;
    private final GeoTdm geotdm;
    private final TrajectoryDiffusion baseline;
    private final long parameters;

    public Model(Path dir) throws IOException {
      this.spec = ControlModels.readSpec(Spec.class, dir, SPEC_FILE, "trajectory-model");
      Checkpoint c = ControlModels.read(dir);
      NetworkConfig net = c.config().network();
      this.parameters = net.build().parameterCount();
      DdpmSchedule schedule = DdpmSchedule.linear(spec.diffusionSteps());
      if (spec.kind().equals("baseline")) {
        SequenceNetConfig sc = (SequenceNetConfig) net;
        double[] bound = new double[sc.channels()];
        java.util.Arrays.fill(bound, NO_CLIP);
        this.baseline = new TrajectoryDiffusion(sc, schedule, true, bound, c.ema());
        this.geotdm = null;
      } else {
        this.geotdm = new GeoTdm((EgtnConfig) net, schedule, c.ema());
        this.baseline = null;
      }
    }

    public Spec spec() {
      return spec;
    }

    /** Trainable parameters of the network. */
    public long parameters() {
      return parameters;
    }

    /** One forecast of the F frames after the C {@code given} frames of every system. */
    public Trajectories forecast(Trajectories given, Rng rng) {
      if (spec.condFrames() == 0) {
        throw new IllegalArgumentException("this is an unconditional model (" + spec.kind() + "); it cannot forecast");
      }
      if (given.frames() != spec.condFrames()) {
        throw new IllegalArgumentException("the model forecasts from " + spec.condFrames() + " frames, got "
            + given.frames());
      }
      if (geotdm != null) {
        return geotdm.sample(given, null, rng);
      }
      int np = given.particles();
      int h = spec.condFrames() + spec.frames();
      Trajectories padded = given.withPositions(h, pad(given, h));
      Window w = Window.of(padded, spec.condFrames());
      double[] x = baseline.sample(given.count(), w.inpainting(), rng);
      for (int r = 0; r < given.count(); r++) {
        for (int k = 0; k < h * np * 3; k++) {
          x[r * h * np * 3 + k] += w.offsets()[r * 3 + k % 3];
        }
      }
      return padded.withPositions(h, x).frames(spec.condFrames(), h);
    }

    /** The prior mean x_ref of a conditional GeoTDM (its forecast without diffusion), or null for other kinds. */
    public Trajectories priorMean(Trajectories given) {
      if (geotdm == null || spec.condFrames() == 0) {
        return null;
      }
      return given.withPositions(spec.frames(), geotdm.priorMean(given));
    }

    /** Unconditional samples, one per system of {@code charges} (n N values). */
    public Trajectories generate(double[] charges, Rng rng) {
      if (spec.condFrames() != 0) {
        throw new IllegalArgumentException("this is a conditional model (" + spec.kind() + "); use forecast");
      }
      return geotdm.sample(null, charges, rng);
    }

    private static double[] pad(Trajectories given, int frames) {
      double[] p = new double[given.count() * frames * given.particles() * 3];
      int per = given.size();
      for (int r = 0; r < given.count(); r++) {
        System.arraycopy(given.positions(), r * per, p, r * frames * given.particles() * 3, per);
      }
      return p;
    }

    @Override
    public void close() {
      if (geotdm != null) {
        geotdm.close();
      }
      if (baseline != null) {
        baseline.close();
      }
    }
  }
}
