package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.diffusion4j.graph.EdgeLists;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.nn.train.TrainableNet;
import org.diffusion4j.random.Rng;
import org.diffusion4j.nn.net.Layers;

/**
 * Trains GDSS's two score networks by denoising score matching on both X and A (official code
 * harryjo97/GDSS, losses.py {@code get_sde_loss_fn} with reduce_mean False, continuous, no
 * likelihood weighting; trainer.py): per graph t ~ U(1e-5, 1); X_t = m_X(t) X_0 + std_X(t) z_X
 * and A_t = m_A(t) A_0 + std_A(t) z_A with masked noise, z_A symmetric with zero diagonal; losses
 * L_X = mean over graphs of (1/2) sum |s_X std_X + z_X|^2 and L_A likewise, each network
 * optimised on its own loss.
 *
 * <p>Data order as GDSS's DataLoader(shuffle=True): each epoch a fresh permutation, cut into
 * batches (the last one smaller). Optimiser: the library's {@link TrainableNet} step (AdamW,
 * global-norm clipping, EMA), one per network, so each network is clipped on its own gradient
 * norm as GDSS does, with the library's guard: a step whose loss or gradient norm is not finite
 * is skipped (its loss recorded as NaN), and 20 such steps in a row stop the run. Departures from GDSS, both in the optimiser: the learning rate follows
 * {@link TrainConfig}'s cosine decay to 5% (GDSS: exponential decay 0.999 per epoch) and the weight
 * decay is decoupled (GDSS: Adam's L2 term).
 *
 * <p>A run directory holds {@code gdss.json} (the {@link GdssConfig}), {@code train.txt} (the
 * training graphs) and the two networks' checkpoints under {@code x/} and {@code adj/}.
 */
public final class GdssTrainer {
  /** Smallest t of the training times (GDSS's train.eps). */
  public static final double TRAIN_EPS = 1e-5;

  /** Consecutive skipped (non-finite) steps after which training stops. */
  public static final int MAX_CONSECUTIVE_SKIPS = 20;

  /** Steps between intermediate saves of the run. */
  public static final int CHECKPOINT_EVERY = 100;

  private GdssTrainer() {}

  /** Losses of one step. */
  public record StepLoss(long step, double lossX, double lossAdj) {}

  /** The outcome of a training run. */
  public record Summary(long steps, double seconds, double lastLossX, double lastLossAdj) {}

  /** The TrainConfig carrying one network's optimiser settings. */
  static TrainConfig trainConfig(GdssConfig c, boolean nodes) {
    return TrainConfig.builder(1).data(c.data()).network(nodes ? c.netX() : c.netAdj()).steps(c.steps())
        .batch(c.batch()).lr(c.lr()).warmupSteps(0).minLrRatio(0.05).weightDecay(c.weightDecay())
        .clipNorm(c.clipNorm()).emaDecay(c.emaDecay()).seed(c.seed()).checkpointEvery(0).build();
  }

  /**
   * Trains on {@code graphs} and writes the run into {@code runDir}; {@code progress} receives
   * every step's losses.
   */
  public static Summary train(GdssConfig c, List<Graph> graphs, Path runDir, Consumer<StepLoss> progress)
      throws IOException {
    if (graphs.isEmpty()) {
      throw new IllegalArgumentException("GDSS training needs at least one graph");
    }
    int n = c.maxNodes();
    int f = c.features();
    float[] adjAll = GraphTensors.adjacency(graphs, n);
    float[] xAll = GraphTensors.degreeFeatures(graphs, n, f);
    float[] flagsAll = GraphTensors.flags(graphs, n);
    TrainConfig tx = trainConfig(c, true);
    TrainConfig ta = trainConfig(c, false);
    GdssModel model = new GdssModel(c);
    long start = System.nanoTime();
    Rng root = Rng.of(c.seed());
    float[] lossesX = new float[(int) c.steps()];
    float[] lossesA = new float[(int) c.steps()];
    try (NDManager manager = DjlRuntime.newManager();
        TrainableNet netX = new TrainableNet(manager, tx, null);
        TrainableNet netA = new TrainableNet(manager, ta, null)) {
      int[] order = new int[0];
      int cursor = 0;
      int epoch = 0;
      int skipped = 0;
      for (long k = 0; k < c.steps(); k++) {
        if (cursor >= order.length) {
          order = permutation(graphs.size(), root.stream(1, epoch++));
          cursor = 0;
        }
        int b = Math.min(c.batch(), order.length - cursor);
        int[] idx = java.util.Arrays.copyOfRange(order, cursor, cursor + b);
        cursor += b;
        Rng r = root.stream(2, k);
        double[] lv = step(manager, model, netX, netA, tx, ta, k, idx, adjAll, xAll, flagsAll, n, f, r);
        skipped = Double.isNaN(lv[0]) ? skipped + 1 : 0;
        if (skipped > MAX_CONSECUTIVE_SKIPS) {
          throw new IllegalStateException("GDSS training diverged: " + skipped + " consecutive steps up to step " + k
              + " had a non-finite loss or gradient; lower the learning rate");
        }
        lossesX[(int) k] = (float) lv[0];
        lossesA[(int) k] = (float) lv[1];
        if (progress != null) {
          progress.accept(new StepLoss(k, lv[0], lv[1]));
        }
        if ((k + 1) % CHECKPOINT_EVERY == 0 && k + 1 < c.steps()) {
          save(c, graphs, runDir, netX, netA, tx, ta, k + 1, java.util.Arrays.copyOf(lossesX, (int) k + 1),
              java.util.Arrays.copyOf(lossesA, (int) k + 1));
        }
      }
      save(c, graphs, runDir, netX, netA, tx, ta, c.steps(), lossesX, lossesA);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Summary(c.steps(), seconds, lossesX[lossesX.length - 1], lossesA[lossesA.length - 1]);
  }

  /** Writes the run as it stands after {@code steps} steps (a stopped run stays usable). */
  private static void save(GdssConfig c, List<Graph> graphs, Path runDir, TrainableNet netX, TrainableNet netA,
      TrainConfig tx, TrainConfig ta, long steps, float[] lossesX, float[] lossesA) throws IOException {
    AtomicFiles.writeString(runDir.resolve("gdss.json"), c.toJson());
    EdgeLists.write(runDir.resolve("train.txt"), graphs); // node counts for sampling, novelty
    netX.checkpoint(tx, steps, 0, new double[0], lossesX).write(runDir.resolve("x"), 1, Checkpoint.WriteHook.NONE);
    netA.checkpoint(ta, steps, 0, new double[0], lossesA).write(runDir.resolve("adj"), 1, Checkpoint.WriteHook.NONE);
  }

  private static double[] step(NDManager manager, GdssModel model, TrainableNet netX, TrainableNet netA,
      TrainConfig tx, TrainConfig ta, long k, int[] idx, float[] adjAll, float[] xAll, float[] flagsAll, int n, int f,
      Rng r) {
    GdssConfig c = model.config();
    int b = idx.length;
    float[] a0 = new float[b * n * n];
    float[] x0 = new float[b * n * f];
    float[] fl = new float[b * n];
    for (int i = 0; i < b; i++) {
      System.arraycopy(adjAll, idx[i] * n * n, a0, i * n * n, n * n);
      System.arraycopy(xAll, idx[i] * n * f, x0, i * n * f, n * f);
      System.arraycopy(flagsAll, idx[i] * n, fl, i * n, n);
    }
    float[] t = new float[b];
    for (int i = 0; i < b; i++) {
      t[i] = (float) (r.nextDouble() * (1 - TRAIN_EPS) + TRAIN_EPS);
    }
    try (NDManager sm = manager.newSubManager()) {
      GdssSampler.Noise noise = new GdssSampler.Noise(sm, fl, b, n, f);
      NDArray zx = noise.nodes(r.stream(0));
      NDArray za = noise.symmetric(r.stream(1));
      NDArray tt = sm.create(t, new Shape(b, 1));
      NDArray[] mx = coefficients(sm, c.sdeX(), t);
      NDArray[] ma = coefficients(sm, c.sdeAdj(), t);
      NDArray flags = sm.create(fl, new Shape(b, n));
      NDArray px = sm.create(x0, new Shape(b, n, f)).mul(mx[0]).add(zx.mul(mx[1]));
      NDArray pa = sm.create(a0, new Shape(b, n, n)).mul(ma[0]).add(za.mul(ma[1]));
      NDArray lossX;
      NDArray lossA;
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray[] out = model.outputs(netX.params(), netA.params(), px, pa, flags, tt, true);
        lossX = dsm(out[0], zx, mx[1], c.sdeX(), b);
        lossA = dsm(out[1], za, ma[1], c.sdeAdj(), b);
        gc.backward(lossX.add(lossA)); // disjoint parameters: each net gets its own loss's gradient
      }
      double lx = lossX.getFloat();
      double la = lossA.getFloat();
      NDArray[] gx = new NDArray[netX.params().size()];
      NDArray[] ga = new NDArray[netA.params().size()];
      double nx = netX.gradients(sm, gx);
      double na = netA.gradients(sm, ga);
      if (!(Double.isFinite(lx) && Double.isFinite(la) && Double.isFinite(nx) && Double.isFinite(na))) {
        // The library's loss guard: a step with a non-finite loss or gradient norm is skipped.
        netX.zeroGrads();
        netA.zeroGrads();
        return new double[] {Double.NaN, Double.NaN};
      }
      netX.update(sm, gx, tx, k, nx);
      netA.update(sm, ga, ta, k, na);
      netX.zeroGrads();
      netA.zeroGrads();
      return new double[] {lx, la};
    }
  }

  /** {m(t), std(t)} per graph as (b, 1, 1) arrays. */
  private static NDArray[] coefficients(NDManager sm, GdssSde sde, float[] t) {
    float[] m = new float[t.length];
    float[] s = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      m[i] = (float) sde.meanCoefficient(t[i]);
      s[i] = (float) sde.std(t[i]);
    }
    return new NDArray[] {sm.create(m, new Shape(t.length, 1, 1)), sm.create(s, new Shape(t.length, 1, 1))};
  }

  /** (1/b) sum (1/2) |s std + z|^2 with s = -out/std (VP) or out (VE). */
  static NDArray dsm(NDArray out, NDArray z, NDArray std, GdssSde sde, int b) {
    NDArray r = sde.type() == GdssSde.Type.VP ? z.sub(out) : out.mul(std).add(z);
    return r.square().sum().mul(Layers.scalar(r, 0.5 / b));
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  public static int[] permutation(int n, Rng rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** Node counts are drawn as GDSS's init_flags does: the flags of random training graphs. */
  static List<Graph> flagSources(List<Graph> graphs, int count, Rng rng) {
    List<Graph> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(graphs.get(rng.nextInt(graphs.size())));
    }
    return out;
  }
}
