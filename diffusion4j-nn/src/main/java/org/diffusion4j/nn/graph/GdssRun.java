package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.random.Rng;

/**
 * A trained GDSS run read back from its directory (see {@link GdssTrainer}), ready to sample.
 * Sampling follows GDSS's sampler.py: node flags of random training graphs
 * ({@code init_flags}), the configured solver ({@link GdssSampler}), quantisation A &gt;= 0.5
 * ({@code quantize}), then self-loops and isolated nodes removed ({@code adjs_to_graphs}).
 */
public final class GdssRun {
  private final GdssConfig config;
  private final List<Graph> training;
  private final Checkpoint x;
  private final Checkpoint adj;

  private GdssRun(GdssConfig config, List<Graph> training, Checkpoint x, Checkpoint adj) {
    this.config = config;
    this.training = training;
    this.x = x;
    this.adj = adj;
  }

  /** Reads a run directory. */
  public static GdssRun open(Path runDir) throws IOException {
    Path cfg = runDir.resolve("gdss.json");
    if (!Files.exists(cfg)) {
      throw new IllegalArgumentException(runDir + " is not a GDSS run (no gdss.json)");
    }
    GdssConfig c = GdssConfig.fromJson(Files.readString(cfg));
    return new GdssRun(c, EdgeLists.read(runDir.resolve("train.txt")), Checkpoint.readLatest(runDir.resolve("x")),
        Checkpoint.readLatest(runDir.resolve("adj")));
  }

  /**
   * Writes a run directory from given weights instead of training, e.g. GDSS's published
   * checkpoints converted by docs/scripts/gdss_checkpoint_to_npz.py: one array per GraphNet
   * parameter, named and shaped as its spec. The weights serve as both raw and EMA weights.
   *
   * @throws IllegalArgumentException naming a missing, extra or mis-shaped parameter
   */
  public static void importWeights(GdssConfig c, List<Graph> training, Map<String, NdArray> x,
      Map<String, NdArray> adj, Path runDir) throws IOException {
    GdssModel model = new GdssModel(c);
    AtomicFiles.writeString(runDir.resolve("gdss.json"), c.toJson());
    EdgeLists.write(runDir.resolve("train.txt"), training);
    writeImported(GdssTrainer.trainConfig(c, true), model.netX().specs(), x, "X", runDir.resolve("x"));
    writeImported(GdssTrainer.trainConfig(c, false), model.netAdj().specs(), adj, "A", runDir.resolve("adj"));
  }

  private static void writeImported(TrainConfig tc, List<ParamSpec> specs, Map<String, NdArray> arrays, String which,
      Path dir) throws IOException {
    float[][] w = new float[specs.size()][];
    float[][] zeros = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParamSpec spec = specs.get(i);
      NdArray a = arrays.get(spec.name());
      if (a == null) {
        throw new IllegalArgumentException(which + " network weights lack parameter '" + spec.name() + "' of shape "
            + Arrays.toString(spec.shape()));
      }
      if (!Arrays.equals(a.shape(), spec.shape())) {
        throw new IllegalArgumentException(which + " network parameter '" + spec.name() + "' has shape "
            + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(spec.shape()));
      }
      double[] d = a.data();
      w[i] = new float[d.length];
      for (int k = 0; k < d.length; k++) {
        w[i][k] = (float) d[k];
      }
      zeros[i] = new float[d.length];
    }
    if (arrays.size() != specs.size()) {
      List<String> extra = new ArrayList<>(arrays.keySet());
      specs.forEach(sp -> extra.remove(sp.name()));
      throw new IllegalArgumentException(which + " network weights have parameters the network does not: " + extra);
    }
    new Checkpoint(tc, 0, 0, new double[0], specs, w, w, zeros, zeros, new float[0]).write(dir, 1,
        Checkpoint.WriteHook.NONE);
  }

  public GdssConfig config() {
    return config;
  }

  /** The training graphs stored with the run. */
  public List<Graph> training() {
    return training;
  }

  /** Samples {@code count} graphs with the run's solver settings. */
  public List<Graph> sample(int count, long seed) {
    return sample(count, seed, GdssSampler.Settings.of(config), config.useEma());
  }

  /** Samples {@code count} graphs in batches of the run's batch size with explicit solver settings. */
  public List<Graph> sample(int count, long seed, GdssSampler.Settings settings, boolean useEma) {
    if (count < 1) {
      throw new IllegalArgumentException("graph count must be >= 1, got " + count);
    }
    int n = config.maxNodes();
    GdssModel model = new GdssModel(config);
    List<Graph> out = new ArrayList<>(count);
    Rng rng = Rng.of(seed);
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet px = ParamSet.of(manager, model.netX().specs(), useEma ? x.ema() : x.weights(), false);
      ParamSet pa = ParamSet.of(manager, model.netAdj().specs(), useEma ? adj.ema() : adj.weights(), false);
      int round = 0;
      while (out.size() < count) {
        int b = Math.min(config.batch(), count - out.size());
        List<Graph> sources = GdssTrainer.flagSources(training, b, rng.stream(0, round));
        float[] flags = GraphTensors.flags(sources, n);
        GdssSampler.Result r = GdssSampler.sample(manager, config.sdeX(), config.sdeAdj(), model.score(px, pa),
            settings, flags, b, n, config.features(), rng.stream(1, round).nextLong());
        double[] a = new double[r.adj().length];
        for (int i = 0; i < a.length; i++) {
          a[i] = r.adj()[i];
        }
        for (int g = 0; g < b; g++) {
          out.add(Graph.fromAdjacency(a, g * n * n, n, 0.5).withoutIsolatedNodes());
        }
        round++;
      }
    }
    return out;
  }
}
