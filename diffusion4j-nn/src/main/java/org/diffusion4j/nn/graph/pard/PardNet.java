package org.diffusion4j.nn.graph.pard;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.Network;
import org.diffusion4j.nn.net.ParamInit;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.net.ParamSet;

/**
 * PARD's higher-order (PPGN) denoiser, after the official code LingxiaoShawn/Pard at commit
 * f0f8d98, {@code pard/parallel/network.py} ({@code PPGN}, {@code PPGNBlock}) and
 * {@code pard/parallel/conditioning.py} ({@code NodeEdgeCombiner}, {@code BlockIDConditioning},
 * {@code BlockDegreeConditioning}, {@code TimestepConditioning}):
 * <pre>
 *   h_i  = W_n ctx_i + b_n + temb(t)                        node context: block id, block degree, target flag
 *   E_ij = silu(W_e x_ij + b_e + A h_i + B h_j)              pair representation (B, N, N, H), masked
 *   per block (pre-norm):  X = LN(E)
 *       E = E + W_l ((silu(M_1 [X, X^T]) * mask) @ (silu(M_2 X) * mask)) * mask     (matmul over nodes)
 *       E = E + MLP(LN(E)) * mask                            (hidden 2H, silu)
 *   edge logits_ij = W_o2 silu(W_o1 LN(E_ij + E_ji))        symmetric, (B, N, N, C)
 *   block logits   = W_g2 silu(W_g1 [mean_ij LN(E)_ij, mean_i LN(E)_ii])       (B, K)
 * </pre>
 * The matrix product over the node axis is PPGN's (Maron et al. 2019) third-order message passing
 * and makes the network permutation-equivariant in the nodes (the block logits invariant); the
 * pair mask is mask_i mask_j, diagonal included, as the official {@code get_edge_mask_from_block_id}.
 *
 * <p>Departures (to fit 2 CPU cores and the batched-sequential training of
 * {@link PardTrainer}): layer norm instead of masked batch norm (the official {@code norm='ln'}
 * option; batch norm would couple the graphs of a batch); single linear maps for M_1, M_2 (the
 * official {@code simplify=True}); no node-attention transformer half ({@code edge_hidden=0}, the
 * official PPGN-only path); no input residual ({@code input_residual}); one shared network carries
 * both the denoiser and the next-block head (the official {@code combine_training}), with the
 * head's (size, degree) pair as one categorical.
 */
public final class PardNet implements Network {
  private final PardNetConfig config;
  private final List<ParamSpec> specs;

  public PardNet(PardNetConfig config) {
    this.config = config;
    int h = config.hidden();
    List<ParamSpec> s = new ArrayList<>();
    lin(s, "node_in", h, config.nodeFeatures());
    lin(s, "time1", h, config.timeEmbed());
    lin(s, "time2", h, h);
    lin(s, "edge_in", h, config.edgeClasses());
    s.add(new ParamSpec("pair_a.weight", new long[] {h, h}));
    s.add(new ParamSpec("pair_b.weight", new long[] {h, h}));
    for (int l = 0; l < config.layers(); l++) {
      norm(s, "block" + l + ".norm1", h);
      lin(s, "block" + l + ".m1", h, 2 * h);
      lin(s, "block" + l + ".m2", h, h);
      lin(s, "block" + l + ".mix", h, h);
      norm(s, "block" + l + ".norm2", h);
      lin(s, "block" + l + ".ffn1", 2 * h, h);
      lin(s, "block" + l + ".ffn2", h, 2 * h);
    }
    norm(s, "out_norm", h);
    lin(s, "edge_out1", h, h);
    lin(s, "edge_out2", config.edgeClasses(), h);
    lin(s, "block_out1", h, 2 * h);
    lin(s, "block_out2", config.blockClasses(), h);
    this.specs = List.copyOf(s);
  }

  private static void lin(List<ParamSpec> s, String name, int out, int in) {
    s.add(new ParamSpec(name + ".weight", new long[] {out, in}));
    s.add(new ParamSpec(name + ".bias", new long[] {out}));
  }

  private static void norm(List<ParamSpec> s, String name, int h) {
    s.add(new ParamSpec(name + ".gamma", new long[] {h}));
    s.add(new ParamSpec(name + ".beta", new long[] {h}));
  }

  @Override
  public PardNetConfig config() {
    return config;
  }

  @Override
  public List<ParamSpec> specs() {
    return specs;
  }

  /** U(-1/sqrt(fan_in), +) weights, zero biases, unit/zero norm scales/shifts; one stream per tensor. */
  @Override
  public float[][] initialValues() {
    ParamInit.Kind[] kinds = new ParamInit.Kind[specs.size()];
    for (int i = 0; i < kinds.length; i++) {
      String n = specs.get(i).name();
      kinds[i] = n.endsWith(".gamma") ? ParamInit.Kind.ONES
          : n.endsWith(".bias") || n.endsWith(".beta") ? ParamInit.Kind.ZEROS : ParamInit.Kind.FAN_IN;
    }
    return ParamInit.values(config.initSeed(), specs, kinds, new String[specs.size()]);
  }

  /** Both outputs: edge logits (B, N, N, C) and next-block logits (B, K). */
  public record Outputs(NDArray edgeLogits, NDArray blockLogits) {}

  /**
   * Edge logits for x (B, N, N, C) edge one-hots, c (B, 1) the diffusion time t/T, the node
   * context in {@code condition.context()} (B, N, F) and the node mask in
   * {@code condition.mask()} (B, N).
   */
  @Override
  public NDArray forward(ParamSet params, NDArray x, NDArray c, Condition condition) {
    return outputs(params, x, c, condition).edgeLogits();
  }

  /** Edge and next-block logits; see {@link #forward}. */
  public Outputs outputs(ParamSet p, NDArray x, NDArray c, Condition condition) {
    if (condition.context() == null || condition.mask() == null) {
      throw new IllegalArgumentException("the PARD network needs the node context and node mask in its condition");
    }
    Shape xs = x.getShape();
    int n = config.maxNodes();
    if (xs.dimension() != 4 || xs.get(1) != n || xs.get(2) != n || xs.get(3) != config.edgeClasses()) {
      throw new IllegalArgumentException("PARD network input must have shape (B, " + n + ", " + n + ", "
          + config.edgeClasses() + "), got " + xs);
    }
    long b = xs.get(0);
    int h = config.hidden();
    int k = 0;
    NDArray nodeMask = condition.mask().toType(x.getDataType(), false).reshape(b, n, 1);
    NDArray pairMask = nodeMask.reshape(b, n, 1, 1).mul(nodeMask.reshape(b, 1, n, 1)); // (B, N, N, 1)
    NDArray ctx = condition.context().toType(x.getDataType(), false);
    NDArray node = Layers.linear(ctx, p.get(k++), p.get(k++));
    NDArray temb = Layers.sinusoidalEmbedding(c, config.timeEmbed());
    temb = Layers.linear(Layers.silu(Layers.linear(temb, p.get(k++), p.get(k++))), p.get(k++), p.get(k++));
    node = node.add(temb.reshape(b, 1, h)).mul(nodeMask);
    NDArray e = Layers.linear(x, p.get(k++), p.get(k++));
    NDArray a = Layers.linear(node, p.get(k++), null).reshape(b, n, 1, h);
    NDArray bb = Layers.linear(node, p.get(k++), null).reshape(b, 1, n, h);
    e = Layers.silu(e.add(a).add(bb)).mul(pairMask);
    NDArray maskCf = pairMask.reshape(b, 1, n, n);
    for (int l = 0; l < config.layers(); l++) {
      NDArray xin = Layers.layerNorm(e, p.get(k++), p.get(k++));
      NDArray both = xin.concat(xin.transpose(0, 2, 1, 3), 3);
      NDArray x1 = Layers.silu(Layers.linear(both, p.get(k++), p.get(k++))).mul(pairMask);
      NDArray x2 = Layers.silu(Layers.linear(xin, p.get(k++), p.get(k++))).mul(pairMask);
      NDArray prod = x1.transpose(0, 3, 1, 2).matMul(x2.transpose(0, 3, 1, 2)).mul(maskCf).transpose(0, 2, 3, 1);
      e = e.add(Layers.linear(prod, p.get(k++), p.get(k++)).mul(pairMask));
      NDArray y = Layers.layerNorm(e, p.get(k++), p.get(k++));
      y = Layers.linear(Layers.silu(Layers.linear(y, p.get(k++), p.get(k++))), p.get(k++), p.get(k++));
      e = e.add(y.mul(pairMask));
    }
    NDArray gamma = p.get(k++);
    NDArray beta = p.get(k++);
    NDArray sym = Layers.layerNorm(e.add(e.transpose(0, 2, 1, 3)), gamma, beta).mul(pairMask);
    NDArray edgeLogits = Layers.linear(Layers.silu(Layers.linear(sym, p.get(k++), p.get(k++))), p.get(k++),
        p.get(k++)).mul(pairMask);
    NDArray normed = Layers.layerNorm(e, gamma, beta).mul(pairMask);
    NDArray pairCount = pairMask.sum(new int[] {1, 2}).maximum(Layers.scalar(pairMask, 1)); // (B, 1)
    NDArray nodeCount = nodeMask.sum(new int[] {1}).maximum(Layers.scalar(nodeMask, 1)); // (B, 1)
    NDArray pairMean = normed.sum(new int[] {1, 2}).div(pairCount);
    NDArray eye = x.getManager().eye(n).toType(x.getDataType(), false).reshape(1, n, n, 1);
    NDArray diagMean = normed.mul(eye).sum(new int[] {1, 2}).div(nodeCount);
    NDArray g = NDArrays.concat(new ai.djl.ndarray.NDList(pairMean, diagMean), 1);
    NDArray blockLogits = Layers.linear(Layers.silu(Layers.linear(g, p.get(k++), p.get(k++))), p.get(k++),
        p.get(k++));
    return new Outputs(edgeLogits, blockLogits);
  }
}
