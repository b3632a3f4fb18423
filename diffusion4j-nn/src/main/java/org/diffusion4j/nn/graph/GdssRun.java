package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
