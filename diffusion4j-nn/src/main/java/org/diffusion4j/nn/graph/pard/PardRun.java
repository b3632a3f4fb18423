package org.diffusion4j.nn.graph.pard;

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
 * A trained PARD run read back from its directory ({@link PardTrainer}), ready to sample block by
 * block ({@link PardSampler}). Generated graphs have isolated nodes removed, as GDSS's
 * {@code adjs_to_graphs} does for the MMD table, so both methods are evaluated alike.
 */
public final class PardRun {
  private final PardConfig config;
  private final List<Graph> training;
  private final Checkpoint net;

  private PardRun(PardConfig config, List<Graph> training, Checkpoint net) {
    this.config = config;
    this.training = training;
    this.net = net;
  }

  /** Whether {@code runDir} holds a PARD run. */
  public static boolean isRun(Path runDir) {
    return Files.exists(runDir.resolve("pard.json"));
  }

  /** Reads a run directory. */
  public static PardRun open(Path runDir) throws IOException {
    Path cfg = runDir.resolve("pard.json");
    if (!Files.exists(cfg)) {
      throw new IllegalArgumentException(runDir + " is not a PARD run (no pard.json)");
    }
    return new PardRun(PardConfig.fromJson(Files.readString(cfg)), EdgeLists.read(runDir.resolve("train.txt")),
        Checkpoint.readLatest(runDir.resolve("net")));
  }

  public PardConfig config() {
    return config;
  }

  /** The training graphs stored with the run. */
  public List<Graph> training() {
    return training;
  }

  /** Samples {@code count} graphs in batches of the run's batch size. */
  public List<Graph> sample(int count, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("graph count must be >= 1, got " + count);
    }
    PardModel model = new PardModel(config);
    PardSampler sampler = PardSampler.of(config);
    List<Graph> out = new ArrayList<>(count);
    Rng rng = Rng.of(seed);
    try (NDManager manager = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.of(manager, model.net().specs(), config.useEma() ? net.ema() : net.weights(), false);
      PardDenoiser denoiser = model.denoiser(manager, p);
      int round = 0;
      while (out.size() < count) {
        int b = Math.min(Math.max(config.batch(), 1), count - out.size());
        for (Graph g : sampler.sample(denoiser, b, rng.stream(round))) {
          out.add(g.withoutIsolatedNodes());
        }
        round++;
      }
    }
    return out;
  }
}
