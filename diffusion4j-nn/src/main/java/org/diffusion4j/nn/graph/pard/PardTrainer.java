package org.diffusion4j.nn.graph.pard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.PardBlocks;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.random.Rng;

/**
 * Trains PARD (official code LingxiaoShawn/Pard at commit f0f8d98, {@code pard/parallel/task.py}
 * {@code AutoregressiveDiffusion._shared_step}, {@code pard/diffusion.py}
 * {@code _discrete_time_loss}) in its batched-sequential form ({@code model.batched_sequential},
 * {@code ToParallelBlocks(random_partial_blocks=True)}): every graph of a batch gives
 * <ul>
 *   <li>a denoising example: a random block l and step t ~ U{1..T}; the prefix of blocks 0..l
 *       with the pairs touching block l noised to x_t ~ q(x_t | x_0) and the earlier pairs
 *       clean; loss per target pair (u &lt; v) KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t))
 *       for t &gt;= 2, -log p_theta(x_0 | x_t) for t = 1, plus the prior term
 *       KL(q(x_T | x_0) || m) / T (a constant) and ce_coeff times -log p_theta(x_0 | x_t);</li>
 *   <li>a next-block example: the clean prefix of a random block l' and the cross-entropy of the
 *       head on block l' + 1's (size, degree), or on "stop" after the last block (the official
 *       {@code BlockOutDecoder}/{@code GraphOutDecoder} losses).</li>
 * </ul>
 * The summed loss is divided by the number of graphs (official). Optimiser: the library's
 * {@link TrainableNet} step (AdamW with decoupled weight decay 0.01 as the official
 * {@code train.wd}, global-norm clipping, EMA), learning rate with the library's cosine decay to
 * 5% (official: cosine with warm-up to 1e-6).
 *
 * <p>Simplification for 2 CPU cores, against the official parallel training: one random block
 * per graph and step instead of all blocks at once through the causal network (the official
 * batched-sequential option trains every block of every graph per step); so one step sees
 * 1/(number of blocks) of the official step's examples.
 *
 * <p>A run directory holds {@code pard.json} (the {@link PardConfig}), {@code train.txt} and the
 * network checkpoint under {@code net/}.
 */
public final class PardTrainer {
  /** Steps between intermediate saves. */
  public static final int CHECKPOINT_EVERY = 100;

  /** Consecutive skipped (non-finite) steps after which training stops. */
  public static final int MAX_CONSECUTIVE_SKIPS = 20;

  private PardTrainer() {}

  /** The losses of one step (both already divided by the graph count). */
  public record StepLoss(long step, double diffusionLoss, double blockLoss) {}

  /** The outcome of a run. */
  public record Summary(long steps, double seconds, double lastDiffusionLoss, double lastBlockLoss) {}

  static TrainConfig trainConfig(PardConfig c) {
    return TrainConfig.builder(1).data(c.data()).network(c.net()).steps(c.steps()).batch(c.batch()).lr(c.lr())
        .warmupSteps(0).minLrRatio(0.05).weightDecay(c.weightDecay()).clipNorm(c.clipNorm()).emaDecay(c.emaDecay())
        .seed(c.seed()).checkpointEvery(0).build();
  }

  /** A training graph in generation order with its blocks. */
  record Prepared(Graph ordered, PardBlocks blocks) {}

  static List<Prepared> prepare(PardConfig c, List<Graph> graphs) {
    List<Prepared> out = new ArrayList<>();
    for (int i = 0; i < graphs.size(); i++) {
      Graph g = graphs.get(i);
      if (g.nodeCount() > c.maxNodes()) {
        throw new IllegalArgumentException("training graph " + i + " has " + g.nodeCount() + " nodes, more than max"
            + " nodes " + c.maxNodes());
      }
      PardBlocks b = PardBlocks.of(g, c.maxHops());
      out.add(new Prepared(b.ordered(g), b));
    }
    return out;
  }

  /** Trains on {@code graphs}, writing the run into {@code runDir}; {@code progress} gets each step. */
  public static Summary train(PardConfig c, List<Graph> graphs, Path runDir, Consumer<StepLoss> progress)
      throws IOException {
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("PARD training needs at least one graph");
    }
    List<Prepared> data = prepare(c, graphs);
    PardModel model = new PardModel(c);
    PardDiffusion diffusion = new PardDiffusion(c.diffusionSteps(), c.edgeMarginal());
    TrainConfig tc = trainConfig(c);
    Rng root = Rng.of(c.seed());
    long start = System.nanoTime();
    float[] losses = new float[(int) c.steps()];
    double lastD = Double.NaN;
    double lastB = Double.NaN;
    try (NDManager manager = DjlRuntime.newManager(); TrainableNet net = new TrainableNet(manager, tc, null)) {
      int[] order = new int[0];
      int cursor = 0;
      int epoch = 0;
      int skipped = 0;
      for (long k = 0; k < c.steps(); k++) {
        if (cursor >= order.length) {
          order = org.diffusion4j.nn.graph.GdssTrainer.permutation(data.size(), root.stream(1, epoch++));
          cursor = 0;
        }
        int b = Math.min(c.batch(), order.length - cursor);
        List<Prepared> batch = new ArrayList<>();
        for (int i = 0; i < b; i++) {
          batch.add(data.get(order[cursor + i]));
        }
        cursor += b;
        double[] lv = step(manager, model, diffusion, net, tc, k, batch, root.stream(2, k));
        skipped = Double.isNaN(lv[0]) ? skipped + 1 : 0;
        if (skipped > MAX_CONSECUTIVE_SKIPS) {
          throw new IllegalStateException("PARD training diverged: " + skipped + " consecutive steps up to step " + k
              + " had a non-finite loss or gradient; lower the learning rate");
        }
        losses[(int) k] = (float) (lv[0] + lv[1]);
        lastD = lv[0];
        lastB = lv[1];
        if (progress != null) {
          progress.accept(new StepLoss(k, lv[0], lv[1]));
        }
        if ((k + 1) % CHECKPOINT_EVERY == 0 && k + 1 < c.steps()) {
          save(c, graphs, runDir, net, tc, k + 1, Arrays.copyOf(losses, (int) k + 1));
        }
      }
      save(c, graphs, runDir, net, tc, c.steps(), losses);
    }
    return new Summary(c.steps(), (System.nanoTime() - start) / 1e9, lastD, lastB);
  }

  private static void save(PardConfig c, List<Graph> graphs, Path runDir, TrainableNet net, TrainConfig tc, long steps,
      float[] losses) throws IOException {
    AtomicFiles.writeString(runDir.resolve("pard.json"), c.toJson());
    EdgeLists.write(runDir.resolve("train.txt"), graphs);
    net.checkpoint(tc, steps, 0, new double[0], losses).write(runDir.resolve("net"), 1, Checkpoint.WriteHook.NONE);
  }

  /** The examples and loss targets of one step. */
  record Batch(List<PardInput> inputs, int graphs, float[] posterior, float[] posteriorTarget, float[] x0,
      float[] klWeight, float[] ceWeight, float[] blockTarget, double constant) {}

  /** Builds a step's examples (see the class comment). */
  static Batch examples(PardConfig c, PardDiffusion diffusion, List<Prepared> batch, Rng rng) {
    int b = batch.size();
    int n = c.maxNodes();
    int cl = 2;
    int steps = c.diffusionSteps();
    List<PardInput> inputs = new ArrayList<>(2 * b);
    List<PardInput> prefixes = new ArrayList<>(b);
    float[] post = new float[b * n * n * cl * cl];
    float[] q = new float[b * n * n * cl];
    float[] x0 = new float[b * n * n * cl];
    float[] wKl = new float[b * n * n];
    float[] wCe = new float[b * n * n];
    float[] blockTarget = new float[b * c.net().blockClasses()];
    double constant = 0;
    for (int i = 0; i < b; i++) {
      Prepared p = batch.get(i);
      PardBlocks blocks = p.blocks();
      Rng r = rng.stream(i);
      int l = r.nextInt(blocks.blockCount());
      int t = 1 + r.nextInt(steps);
      PardInput in = prefix(p, l, l, t);
      int m = in.nodes();
      int[] e = in.edges();
      for (int[] uv : PardModel.targetPairs(in)) {
        int u = uv[0];
        int v = uv[1];
        int clean = e[u * m + v];
        int noisy = diffusion.sampleForward(clean, t, r);
        e[u * m + v] = noisy;
        e[v * m + u] = noisy;
        int pos = (i * n + u) * n + v;
        x0[pos * cl + clean] = 1;
        wCe[pos] = (float) (c.ceCoeff() + (t == 1 ? 1 : 0));
        constant += diffusion.priorKl(clean) / steps;
        if (t >= 2) {
          double[] pm = diffusion.posteriorMatrix(noisy, t - 1, t);
          for (int j = 0; j < cl * cl; j++) {
            post[pos * cl * cl + j] = (float) pm[j];
          }
          for (int j = 0; j < cl; j++) {
            double qj = pm[clean * cl + j];
            q[pos * cl + j] = (float) qj;
            if (qj > 0) {
              constant += qj * Math.log(qj);
            }
          }
          wKl[pos] = 1;
        }
      }
      inputs.add(in);
      int lp = r.nextInt(blocks.blockCount());
      prefixes.add(prefix(p, lp, -1, 0));
      int label = lp + 1 < blocks.blockCount()
          ? c.blockClass(Math.min(blocks.blockSizes()[lp + 1], c.maxBlockSize()),
              Math.min(blocks.blockDegrees()[lp + 1], c.maxDegree()))
          : c.blockClass(0, 0);
      blockTarget[i * c.net().blockClasses() + label] = 1;
    }
    inputs.addAll(prefixes);
    return new Batch(inputs, b, post, q, x0, wKl, wCe, blockTarget, constant);
  }

  /** Blocks 0..last of a prepared graph, clean, with {@code target} marked at step t. */
  static PardInput prefix(Prepared p, int last, int target, int t) {
    int m = p.blocks().prefixNodes(last);
    int[] e = new int[m * m];
    for (int u = 0; u < m; u++) {
      for (int v = 0; v < m; v++) {
        e[u * m + v] = u != v && p.ordered().hasEdge(u, v) ? 1 : 0;
      }
    }
    int[] blockOf = new int[m];
    int k = 0;
    for (int blk = 0; blk <= last; blk++) {
      for (int j = 0; j < p.blocks().blockSizes()[blk]; j++) {
        blockOf[k++] = blk;
      }
    }
    return new PardInput(m, e, blockOf, Arrays.copyOf(p.blocks().blockDegrees(), last + 1), target, t);
  }

  /** {diffusion loss, block loss} of a batch as NDArrays, both divided by the graph count. */
  static NDArray[] loss(PardModel model, PardModel.Tensors t, Batch batch, NDManager sm, DataType type,
      org.diffusion4j.nn.net.ParamSet params) {
    int b = batch.graphs();
    int n = model.config().maxNodes();
    int k = model.config().net().blockClasses();
    PardNet.Outputs out = model.net().outputs(params, t.x(), t.c(), t.condition());
    NDArray logits = out.edgeLogits().get(new NDIndex("0:" + b));
    NDArray logp = logits.logSoftmax(3);
    NDArray f = logp.exp();
    NDArray post = sm.create(batch.posterior(), new Shape(b, n, n, 2, 2)).toType(type, false);
    NDArray pModel = f.expandDims(4).mul(post).sum(new int[] {3}); // p(x_{t-1} = k | x_t)
    NDArray q = sm.create(batch.posteriorTarget(), new Shape(b, n, n, 2)).toType(type, false);
    NDArray wKl = sm.create(batch.klWeight(), new Shape(b, n, n)).toType(type, false);
    NDArray cross = q.mul(pModel.maximum(Layers.scalar(pModel, 1e-30)).log()).sum(new int[] {3}).mul(wKl).sum();
    NDArray x0 = sm.create(batch.x0(), new Shape(b, n, n, 2)).toType(type, false);
    NDArray wCe = sm.create(batch.ceWeight(), new Shape(b, n, n)).toType(type, false);
    NDArray ce = x0.mul(logp).sum(new int[] {3}).mul(wCe).sum();
    NDArray diffusionLoss = cross.add(ce).neg().add(Layers.scalar(cross, batch.constant()))
        .div(Layers.scalar(cross, b));
    NDArray blockLogp = out.blockLogits().get(new NDIndex(b + ":")).logSoftmax(1);
    NDArray target = sm.create(batch.blockTarget(), new Shape(b, k)).toType(type, false);
    NDArray blockLoss = target.mul(blockLogp).sum().neg().div(Layers.scalar(blockLogp, b));
    return new NDArray[] {diffusionLoss, blockLoss};
  }

  private static double[] step(NDManager manager, PardModel model, PardDiffusion diffusion, TrainableNet net,
      TrainConfig tc, long k, List<Prepared> batch, Rng rng) {
    Batch ex = examples(model.config(), diffusion, batch, rng);
    try (NDManager sm = manager.newSubManager()) {
      PardModel.Tensors t = model.tensors(sm, ex.inputs(), DataType.FLOAT32, true);
      NDArray[] l;
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        l = loss(model, t, ex, sm, DataType.FLOAT32, net.params());
        gc.backward(l[0].add(l[1]));
      }
      double ld = l[0].getFloat();
      double lb = l[1].getFloat();
      NDArray[] grads = new NDArray[net.params().size()];
      double norm = net.gradients(sm, grads);
      if (!(Double.isFinite(ld) && Double.isFinite(lb) && Double.isFinite(norm))) {
        net.zeroGrads();
        return new double[] {Double.NaN, Double.NaN};
      }
      net.update(sm, grads, tc, k, norm);
      net.zeroGrads();
      return new double[] {ld, lb};
    }
  }

}
