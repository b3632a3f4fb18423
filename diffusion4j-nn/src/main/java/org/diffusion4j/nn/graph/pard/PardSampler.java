package org.diffusion4j.nn.graph.pard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.random.Rng;

/**
 * PARD's block-by-block generation (official code LingxiaoShawn/Pard at commit f0f8d98,
 * {@code pard/parallel/task.py} {@code AutoregressiveDiffusion.generate},
 * {@code generate_last_block}): draw the first block's (size, degree) from its training
 * frequency; then repeat: add the block's nodes, draw the pairs that touch it from the prior m,
 * run the T reverse steps x_t -&gt; x_{t-1} ~ sum_i p(x_0 = i | x_t) q(x_{t-1} | x_t, x_0 = i)
 * (the last step draws x_0 itself), keep the earlier blocks fixed, then draw the next block's
 * (size, degree) from the head; size 0 ends the graph. All graphs advance in lockstep, one
 * model call per step for the whole batch.
 *
 * <p>Two guards the official code has as {@code max_num_blocks}: a graph stops when it has
 * {@code maxBlocks} blocks, and next-block classes that would exceed {@code maxNodes} nodes are
 * removed from the head's distribution before drawing (the graph stops if none is left).
 */
public final class PardSampler {
  private final PardDiffusion diffusion;
  private final double[] firstBlock;
  private final int maxDegree;
  private final int maxNodes;
  private final int maxBlocks;

  /**
   * @param diffusion the per-block edge diffusion
   * @param firstBlock distribution of the first block's head class (size * (maxDegree + 1) + degree)
   * @param maxDegree the head's largest degree
   * @param maxNodes largest graph
   * @param maxBlocks most blocks per graph
   */
  public PardSampler(PardDiffusion diffusion, double[] firstBlock, int maxDegree, int maxNodes, int maxBlocks) {
    if (maxDegree < 0 || maxNodes < 1 || maxBlocks < 1 || firstBlock.length % (maxDegree + 1) != 0) {
      throw new IllegalArgumentException("PARD sampler needs max degree >= 0, max nodes >= 1, max blocks >= 1 and"
          + " (size, degree) classes; got " + maxDegree + ", " + maxNodes + ", " + maxBlocks + ", "
          + firstBlock.length + " classes");
    }
    this.diffusion = diffusion;
    this.firstBlock = firstBlock.clone();
    this.maxDegree = maxDegree;
    this.maxNodes = maxNodes;
    this.maxBlocks = maxBlocks;
  }

  /** The sampler of a run's config. */
  public static PardSampler of(PardConfig c) {
    return new PardSampler(new PardDiffusion(c.diffusionSteps(), c.edgeMarginal()), c.firstBlock(), c.maxDegree(),
        c.maxNodes(), c.maxBlocks());
  }

  /** A graph being generated. */
  private static final class State {
    int nodes;
    int[] edges = new int[0];
    int[] blockOf = new int[0];
    int[] degrees = new int[0];
    boolean done;

    void addBlock(int size, int degree) {
      int m = nodes + size;
      int[] e = new int[m * m];
      for (int u = 0; u < nodes; u++) {
        System.arraycopy(edges, u * nodes, e, u * m, nodes);
      }
      int[] b = Arrays.copyOf(blockOf, m);
      Arrays.fill(b, nodes, m, degrees.length);
      degrees = Arrays.copyOf(degrees, degrees.length + 1);
      degrees[degrees.length - 1] = degree;
      edges = e;
      blockOf = b;
      nodes = m;
    }

    PardInput input(int step) {
      return new PardInput(nodes, edges, blockOf, degrees, step == 0 ? -1 : degrees.length - 1, step);
    }
  }

  /** Generates {@code count} graphs (isolated nodes kept). */
  public List<Graph> sample(PardDenoiser model, int count, Rng rng) {
    if (count < 1) {
      throw new IllegalArgumentException("graph count must be >= 1, got " + count);
    }
    List<State> states = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      State s = new State();
      int k = PardDiffusion.draw(firstBlock, rng);
      s.addBlock(Math.max(1, k / (maxDegree + 1)), k % (maxDegree + 1));
      states.add(s);
    }
    List<State> active = new ArrayList<>(states);
    while (!active.isEmpty()) {
      denoiseLastBlock(model, active, rng);
      List<PardInput> prefixes = new ArrayList<>();
      for (State s : active) {
        prefixes.add(s.input(0));
      }
      double[][] next = model.nextBlockProbabilities(prefixes);
      List<State> still = new ArrayList<>();
      for (int i = 0; i < active.size(); i++) {
        State s = active.get(i);
        double[] p = next[i].clone();
        for (int k = 0; k < p.length; k++) {
          int size = k / (maxDegree + 1);
          if (s.nodes + size > maxNodes) {
            p[k] = 0;
          }
        }
        double total = Arrays.stream(p).sum();
        int size = 0;
        int degree = 0;
        if (total > 0 && s.degrees.length < maxBlocks) {
          int k = PardDiffusion.draw(p, rng);
          size = k / (maxDegree + 1);
          degree = k % (maxDegree + 1);
        }
        if (size == 0) {
          s.done = true;
        } else {
          s.addBlock(size, degree);
          still.add(s);
        }
      }
      active = still;
    }
    List<Graph> out = new ArrayList<>(count);
    for (State s : states) {
      List<int[]> e = new ArrayList<>();
      for (int u = 0; u < s.nodes; u++) {
        for (int v = u + 1; v < s.nodes; v++) {
          if (s.edges[u * s.nodes + v] == 1) {
            e.add(new int[] {u, v});
          }
        }
      }
      out.add(Graph.of(s.nodes, e.toArray(new int[0][])));
    }
    return out;
  }

  /** The T reverse steps on the pairs touching each state's last block. */
  private void denoiseLastBlock(PardDenoiser model, List<State> states, Rng rng) {
    int steps = diffusion.steps();
    double[] m = diffusion.marginal();
    List<int[][]> pairs = new ArrayList<>();
    for (State s : states) {
      int[][] tp = PardModel.targetPairs(s.input(steps));
      pairs.add(tp);
      for (int[] uv : tp) {
        set(s, uv, PardDiffusion.draw(m, rng));
      }
    }
    for (int t = steps; t >= 1; t--) {
      List<PardInput> inputs = new ArrayList<>(states.size());
      for (State s : states) {
        inputs.add(s.input(t));
      }
      double[][][] f = model.edgeProbabilities(inputs);
      for (int i = 0; i < states.size(); i++) {
        State s = states.get(i);
        int[][] tp = pairs.get(i);
        for (int k = 0; k < tp.length; k++) {
          int xt = s.edges[tp[k][0] * s.nodes + tp[k][1]];
          set(s, tp[k], PardDiffusion.draw(diffusion.reverse(f[i][k], xt, t - 1, t), rng));
        }
      }
    }
  }

  private static void set(State s, int[] uv, int value) {
    s.edges[uv[0] * s.nodes + uv[1]] = value;
    s.edges[uv[1] * s.nodes + uv[0]] = value;
  }
}
