package org.diffusion4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.cli.plot.GraphDrawing;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphDatasets;
import org.diffusion4j.graph.GraphFiles;
import org.diffusion4j.graph.GraphMmd;
import org.diffusion4j.graph.GraphSetMetrics;
import org.diffusion4j.io.Npz;
import org.diffusion4j.nn.graph.GdssConfig;
import org.diffusion4j.nn.graph.GdssRun;
import org.diffusion4j.nn.graph.GdssSampler;
import org.diffusion4j.nn.graph.GdssTrainer;
import org.diffusion4j.nn.graph.GraphTensors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j graphs}: graph generation with GDSS ({@code train}, {@code sample}) and GDSS's MMD
 * evaluation ({@code eval}); graphs are read and written in the edge-list format of
 * {@link EdgeLists}.
 */
@Command(name = "graphs", mixinStandardHelpOptions = true,
    description = "Graph generation: train GDSS, sample graphs, evaluate them with GDSS's MMD table.",
    subcommands = {GraphsCommand.Train.class, GraphsCommand.Sample.class, GraphsCommand.Eval.class,
      GraphsCommand.Import.class})
final class GraphsCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (train, sample or eval); see"
        + " 'd4j graphs --help'");
  }

  /** A bundled set's split, or a file (edge list or adjacency .npy). */
  static List<Graph> graphs(String spec, boolean train) throws IOException {
    if (GraphDatasets.isBundled(spec)) {
      return train ? GraphDatasets.train(spec) : GraphDatasets.test(spec);
    }
    Path p = Path.of(spec);
    if (!Files.exists(p)) {
      throw new UsageException("'" + spec + "' is neither a bundled set " + GraphDatasets.NAMES + " nor a file");
    }
    return GraphFiles.read(p);
  }

  /** {@code d4j graphs train}. */
  @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Train GDSS (two score networks, DSM on node features and adjacency) with the settings of GDSS's"
          + " config for the set (community_small, grid, ego_small; other files use community_small's).",
        "Writes RUN/gdss.json, RUN/train.txt and the checkpoints RUN/x, RUN/adj.",
        "--method pard trains PARD (block-wise discrete diffusion) instead: RUN/pard.json, RUN/train.txt, RUN/net."})
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "SET|FILE",
        description = "community_small, grid, ego_small (bundled training split) or an edge-list / adjacency .npy file.")
    String data;

    @Option(names = "--method", defaultValue = "gdss", paramLabel = "M", description = "gdss (default) or pard.")
    String method;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory (must not hold a run).")
    Path out;

    @Option(names = "--steps", paramLabel = "N", description = "Optimiser steps (default: GDSS's 5000 epochs).")
    Long steps;

    @Option(names = "--batch", paramLabel = "B", description = "Graphs per step (default: GDSS's batch size).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default 0.01, as GDSS).")
    Double lr;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--hidden", paramLabel = "H", description = "PARD only: network channels (default 32).")
    Integer hidden;

    @Option(names = "--layers", paramLabel = "L", description = "PARD only: PPGN blocks (default 4).")
    Integer layers;

    @Option(names = "--diffusion-steps", paramLabel = "T", description = "PARD only: diffusion steps per block (default 40).")
    Integer diffusionSteps;

    @Override
    public Integer call() throws IOException {
      if (method.equals("pard")) {
        return PardCommands.train(spec, data, out, graphs(data, true), steps, batch, lr, seed, hidden, layers, diffusionSteps);
      }
      if (hidden != null || layers != null || diffusionSteps != null) {
        throw new UsageException("--hidden, --layers and --diffusion-steps apply to --method pard only");
      }
      if (!method.equals("gdss")) {
        throw new UsageException("--method must be gdss or pard, got '" + method + "'");
      }
      if (Files.exists(out.resolve("gdss.json"))) {
        throw new UsageException(out + " already holds a GDSS run; choose another --out");
      }
      List<Graph> train = graphs(data, true);
      GdssConfig c;
      if (GraphDatasets.isBundled(data)) {
        c = GdssConfig.preset(data);
      } else {
        int maxNodes = train.stream().mapToInt(Graph::nodeCount).max().orElse(2);
        c = GdssConfig.generic(data, Math.max(2, maxNodes), GraphTensors.featuresNeeded(train));
      }
      if (steps != null) {
        c = c.withSteps(requirePositive(steps, "--steps"));
      }
      if (batch != null) {
        c = c.withBatch((int) requirePositive(batch, "--batch"));
      }
      if (lr != null) {
        c = c.withLr(lr);
      }
      c = c.withSeed(seed);
      GdssTrainer.Summary s;
      long total = c.steps();
      try (ProgressBar bar = ProgressBar.create(spec, "training GDSS")) {
        s = GdssTrainer.train(c, train, out, l -> bar.onProgress(l.step() + 1, total,
            String.format(Locale.ROOT, "loss X %.3f A %.3f", l.lossX(), l.lossAdj())));
      }
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "trained GDSS on %d graphs (%s), %d steps of %d in %.1f s (%.1f ms/step)%n", train.size(),
          data, s.steps(), c.batch(), s.seconds(), 1000 * s.seconds() / s.steps());
      o.printf(Locale.ROOT, "last losses: X %.4f, A %.4f%n", s.lastLossX(), s.lastLossAdj());
      o.println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  static long requirePositive(long v, String name) {
    if (v < 1) {
      throw new UsageException(name + " must be at least 1, got " + v);
    }
    return v;
  }

  /** {@code d4j graphs sample}. */
  @Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Sample graphs from a GDSS run with its solver (GDSS's config) or another one; writes an edge list",
        "(isolated nodes removed, as GDSS evaluates) and with --png a drawing beside training graphs."})
  static final class Sample implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "RUN", description = "A run written by 'd4j graphs train'.")
    Path model;

    @Option(names = "--n", defaultValue = "20", paramLabel = "N", description = "Number of graphs (default ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--out", required = true, paramLabel = "G.txt", description = "Output edge list.")
    Path out;

    @Option(names = "--png", description = "Also write G.png: generated graphs above training graphs.")
    boolean png;

    @Option(names = "--solver", paramLabel = "S", description = "s4, reverse or euler (default: the run's).")
    String solver;

    @Option(names = "--corrector", paramLabel = "C", description = "langevin or none (default: the run's).")
    String corrector;

    @Option(names = "--snr", paramLabel = "R", description = "Langevin signal-to-noise ratio (default: the run's).")
    Double snr;

    @Option(names = "--scale-eps", paramLabel = "E", description = "Langevin noise scale (default: the run's).")
    Double scaleEps;

    @Option(names = "--steps", paramLabel = "K", description = "Solver steps (default: num_scales, 1000).")
    Integer steps;

    @Option(names = "--ema", paramLabel = "true|false", description = "Use EMA weights (default: the run's).")
    Boolean ema;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException {
      requirePositive(n, "--n");
      if (PardCommands.isPardRun(model)) {
        if (solver != null || corrector != null || snr != null || scaleEps != null || steps != null || ema != null) {
          throw new UsageException("--solver, --corrector, --snr, --scale-eps, --steps and --ema apply to GDSS runs;"
              + " " + model + " is a PARD run");
        }
        return PardCommands.sample(spec, model, n, out, png, seed);
      }
      GdssRun run = GdssRun.open(model);
      GdssConfig c = run.config();
      GdssSampler.Settings base = GdssSampler.Settings.of(c);
      GdssSampler.Settings s = new GdssSampler.Settings(
          solver == null ? base.predictor() : parse(GdssConfig.Predictor.class, solver, "--solver"),
          corrector == null ? base.corrector() : parse(GdssConfig.Corrector.class, corrector, "--corrector"),
          snr == null ? base.snr() : snr, scaleEps == null ? base.scaleEps() : scaleEps, base.eps(),
          steps == null ? base.steps() : steps);
      long t0 = System.nanoTime();
      List<Graph> g = run.sample(n, seed, s, ema == null ? c.useEma() : ema);
      double seconds = (System.nanoTime() - t0) / 1e9;
      EdgeLists.write(out, g);
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "sampled %d graphs with %s%s, %d steps, in %.1f s (%.2f s/graph)%n", n, s.predictor(),
          s.predictor() == GdssConfig.Predictor.S4 ? "" : " + " + s.corrector(), s.steps(), seconds, seconds / n);
      o.println("wrote " + out);
      if (png) {
        Path file = pngPath(out);
        GraphDrawing.write(file, List.of("generated", "training"), List.of(g, run.training()), 8, 160);
        o.println("wrote " + file);
      }
      return ExitCodes.OK;
    }
  }

  static Path pngPath(Path out) {
    String name = out.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return out.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".png");
  }

  static <E extends Enum<E>> E parse(Class<E> type, String s, String option) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(s)) {
        return e;
      }
    }
    throw new UsageException(option + " must be one of " + java.util.Arrays.toString(type.getEnumConstants())
        .toLowerCase(Locale.ROOT) + ", got '" + s + "'");
  }

  /** {@code d4j graphs import}. */
  @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"Make a GDSS run from given weights (e.g. GDSS's published checkpoints converted by",
        "docs/scripts/gdss_checkpoint_to_npz.py) with the preset of a bundled set; sample it with 'graphs sample'."})
  static final class Import implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "SET", description = "community_small, grid or ego_small.")
    String data;

    @Option(names = "--x", required = true, paramLabel = "X.npz", description = "ScoreNetworkX weights by GraphNet name.")
    Path x;

    @Option(names = "--adj", required = true, paramLabel = "A.npz", description = "ScoreNetworkA weights by GraphNet name.")
    Path adj;

    @Option(names = "--out", required = true, paramLabel = "RUN", description = "Run directory to write.")
    Path out;

    @Override
    public Integer call() throws IOException {
      if (!GraphDatasets.isBundled(data)) {
        throw new UsageException("--data must be one of " + GraphDatasets.NAMES + ", got '" + data + "'");
      }
      GdssRun.importWeights(GdssConfig.preset(data), GraphDatasets.train(data), Npz.read(x), Npz.read(adj), out);
      spec.commandLine().getOut().println("wrote " + out);
      return ExitCodes.OK;
    }
  }

  /** {@code d4j graphs eval}. */
  @Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
      description = {"GDSS's MMD table between generated and test graphs: degree and clustering (Gaussian kernel on the",
        "EMD), 4-node orbits (Gaussian kernel, sigma 30), plus valid/unique/novel fractions."})
  static final class Eval implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--generated", required = true, paramLabel = "G.txt", description = "Generated graphs.")
    String generated;

    @Option(names = "--test", required = true, paramLabel = "SET|FILE",
        description = "Reference graphs: a bundled set name (its test split) or a file.")
    String test;

    @Option(names = "--train", paramLabel = "SET|FILE",
        description = "Training graphs for novelty (default: the bundled set's training split when --test names one).")
    String train;

    @Option(names = "--orbit-kernel", defaultValue = "l2", paramLabel = "K",
        description = "l2 (GDSS's 'gaussian', default) or tv (GraphRNN's 'gaussian_tv').")
    String orbitKernel;

    @Override
    public Integer call() throws IOException {
      GraphMmd.Kernel kernel = switch (orbitKernel) {
        case "l2" -> GraphMmd.Kernel.GAUSSIAN_L2;
        case "tv" -> GraphMmd.Kernel.GAUSSIAN_TV;
        default -> throw new UsageException("--orbit-kernel must be l2 or tv, got '" + orbitKernel + "'");
      };
      List<Graph> gen = graphs(generated, false);
      List<Graph> ref = graphs(test, false);
      if (gen.isEmpty() || ref.isEmpty()) {
        throw new UsageException("both --generated and --test need at least one graph");
      }
      String trainSpec = train != null ? train : GraphDatasets.isBundled(test) ? test : null;
      List<Graph> trainGraphs = trainSpec == null ? List.of() : graphs(trainSpec, true);
      long t0 = System.nanoTime();
      double degree = GraphMmd.degree(ref, gen);
      double clustering = GraphMmd.clustering(ref, gen);
      double orbit = GraphMmd.orbit(ref, gen, kernel);
      GraphSetMetrics.Result v = GraphSetMetrics.of(gen, trainGraphs);
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "generated %d graphs vs %d reference graphs (%s)%n", gen.size(), ref.size(), test);
      o.println("| degree | clustering | orbit | valid | unique | novel |");
      o.println("|---|---|---|---|---|---|");
      o.printf(Locale.ROOT, "| %.4f | %.4f | %.4f | %.3f | %.3f | %s |%n", degree, clustering, orbit, v.valid(),
          v.unique(), trainGraphs.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.3f", v.novel()));
      o.printf(Locale.ROOT, "(MMD^2 as GDSS computes it; evaluated in %.1f s)%n", (System.nanoTime() - t0) / 1e9);
      return ExitCodes.OK;
    }
  }
}
