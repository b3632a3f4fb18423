package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.cli.plot.GraphDrawing;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphDatasets;
import org.diffusion4j.nn.graph.pard.PardConfig;
import org.diffusion4j.nn.graph.pard.PardRun;
import org.diffusion4j.nn.graph.pard.PardTrainer;
import picocli.CommandLine.Model.CommandSpec;

/** The PARD halves of {@code d4j graphs train --method pard} and {@code d4j graphs sample}. */
final class PardCommands {
  /** Default network width and depth for 2 CPU cores (official comm20: 128 channels, 6 layers). */
  static final int DEFAULT_HIDDEN = 32;
  static final int DEFAULT_LAYERS = 4;
  /** Diffusion steps per block: the official comm20.yaml's 40. */
  static final int DEFAULT_DIFFUSION_STEPS = 40;
  static final long DEFAULT_STEPS = 2000;
  static final int DEFAULT_BATCH = 32;
  /** The official comm20.yaml's learning rate. */
  static final double DEFAULT_LR = 5e-4;

  private PardCommands() {}

  static int train(CommandSpec spec, String data, Path out, List<Graph> train, Long steps, Integer batch, Double lr,
      long seed, Integer hidden, Integer layers, Integer diffusionSteps) throws IOException {
    if (PardRun.isRun(out)) {
      throw new UsageException(out + " already holds a PARD run; choose another --out");
    }
    int maxNodes = GraphDatasets.isBundled(data) ? GraphDatasets.maxNodes(data)
        : Math.max(2, train.stream().mapToInt(Graph::nodeCount).max().orElse(2));
    PardConfig c;
    try {
      c = PardConfig.fit(data, train, maxNodes, positive(hidden, DEFAULT_HIDDEN, "--hidden"),
          positive(layers, DEFAULT_LAYERS, "--layers"),
          positive(diffusionSteps, DEFAULT_DIFFUSION_STEPS, "--diffusion-steps"),
          GraphsCommand.requirePositive(steps == null ? DEFAULT_STEPS : steps, "--steps"),
          positive(batch, DEFAULT_BATCH, "--batch"), lr == null ? DEFAULT_LR : lr, seed);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    PardTrainer.Summary s;
    long total = c.steps();
    try (ProgressBar bar = ProgressBar.create(spec, "training PARD")) {
      s = PardTrainer.train(c, train, out, l -> bar.onProgress(l.step() + 1, total,
          String.format(Locale.ROOT, "loss edges %.3f blocks %.3f", l.diffusionLoss(), l.blockLoss())));
    }
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "trained PARD on %d graphs (%s), %d steps of %d in %.1f s (%.1f ms/step)%n", train.size(),
        data, s.steps(), c.batch(), s.seconds(), 1000 * s.seconds() / s.steps());
    o.printf(Locale.ROOT, "blocks: at most %d, size <= %d, degree <= %d; last losses: edges %.4f, blocks %.4f%n",
        c.maxBlocks() - 3, c.maxBlockSize(), c.maxDegree(), s.lastDiffusionLoss(), s.lastBlockLoss());
    o.println("wrote " + out);
    return ExitCodes.OK;
  }

  private static int positive(Integer v, int fallback, String name) {
    return (int) GraphsCommand.requirePositive(v == null ? fallback : v, name);
  }

  static int sample(CommandSpec spec, Path model, int n, Path out, boolean png, long seed) throws IOException {
    PardRun run = PardRun.open(model);
    long t0 = System.nanoTime();
    List<Graph> g = run.sample(n, seed);
    double seconds = (System.nanoTime() - t0) / 1e9;
    EdgeLists.write(out, g);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "sampled %d graphs with PARD, %d diffusion steps per block, in %.1f s (%.2f s/graph)%n", n,
        run.config().diffusionSteps(), seconds, seconds / n);
    o.println("wrote " + out);
    if (png) {
      Path file = GraphsCommand.pngPath(out);
      GraphDrawing.write(file, List.of("generated", "training"), List.of(g, run.training()), 8, 160);
      o.println("wrote " + file);
    }
    return ExitCodes.OK;
  }

  /** Whether {@code model} is a PARD run directory. */
  static boolean isPardRun(Path model) {
    return Files.exists(model.resolve("pard.json"));
  }
}
