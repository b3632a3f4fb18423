package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * Exact first and second derivatives of a {@link TimeMlp} output F(u, c) by forward-mode
 * (Taylor-mode, "jet") propagation written in ordinary NDArray ops, so that a loss built from
 * the derivatives gets its parameter gradient from ONE ordinary backward pass (no finite
 * differences, no double backward; Griewank &amp; Walther 2008, "Evaluating Derivatives",
 * Ch. 13, univariate Taylor propagation truncated at order 2 with mixed second directions).
 *
 * <p>Directions: the d coordinate directions e_j of the network input u, and one "time"
 * direction (du, dc) given per row (for a path, du = c_in'(t) x and dc = c_noise'(t), so the
 * time tangent is dF/dt at fixed x through the input scaling and the noise-level embedding).
 * Second directions: every unordered coordinate pair (j, k), j &lt;= k, which is what the
 * gradient of the divergence needs (exact, d(d+1)/2 pairs: meant for small d). With
 * {@code probes} P &gt; 0 it instead propagates P extra first directions v_p (given per row, e.g.
 * Rademacher) and the pairs (e_j, v_p), and estimates grad(div F)_j = E_v[v . d_j d_v F]
 * (Hutchinson 1989's trace estimator, E[v v^T] = I, applied to the Hessians of F): d P second
 * directions instead of d(d+1)/2, unbiased, exact when the probes are all 2^d sign vectors.
 *
 * <p>Propagation rules for one stage, with value v, first tangents T_a, second tangents S_ab:
 * <pre>
 *   linear  y = W v + b:  T_a -&gt; W T_a,  S_ab -&gt; W S_ab          (no bias on tangents)
 *   silu    y = phi(v):   T_a -&gt; phi'(v) T_a,
 *                         S_ab -&gt; phi''(v) T_a T_b + phi'(v) S_ab
 *   phi'  = sig (1 + v (1 - sig)),  phi'' = sig (1 - sig) (2 + v (1 - 2 sig)),  sig = sigmoid(v)
 *   embed e = [sin(c w), cos(c w)]: T_time = dc [w cos(c w), -w sin(c w)], spatial tangents 0
 * </pre>
 * Value, tangents and second tangents are stacked along a leading axis so that each Linear is
 * one matmul over (1 + (d + 1) + d(d+1)/2) n rows.
 */
public final class TimeMlpJet {
  private final TimeMlp net;
  private final int d;
  private final int probes;
  private final int m1;
  private final int[][] pairs;

  /** Exact second derivatives (all coordinate pairs). */
  public TimeMlpJet(TimeMlp net) {
    this(net, 0);
  }

  /** {@code probes} = 0: exact; &gt; 0: Hutchinson estimate of grad(div F) with that many probes per row. */
  public TimeMlpJet(TimeMlp net, int probes) {
    if (probes < 0) {
      throw new IllegalArgumentException("probes must be >= 0, got " + probes);
    }
    this.net = net;
    this.d = net.config().dim();
    this.probes = probes;
    this.m1 = d + 1 + probes;
    List<int[]> p = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      if (probes == 0) {
        for (int k = j; k < d; k++) {
          p.add(new int[] {j, k});
        }
      } else {
        for (int q = 0; q < probes; q++) {
          p.add(new int[] {j, d + 1 + q});
        }
      }
    }
    this.pairs = p.toArray(new int[0][]);
  }

  /** Hutchinson probes per row (0 = exact). */
  public int probes() {
    return probes;
  }

  public TimeMlp net() {
    return net;
  }

  /**
   * The second-order direction pairs in the order of {@link Result#second()}: coordinate pairs
   * (j, k), j &lt;= k, when exact; (j, d + 1 + p) (coordinate j, probe p) with probes.
   */
  public int[][] pairs() {
    int[][] out = new int[pairs.length][];
    for (int i = 0; i < pairs.length; i++) {
      out[i] = pairs[i].clone();
    }
    return out;
  }

  /** Index of pair (j, k) (either order) in {@link #pairs()}. */
  public int pairIndex(int j, int k) {
    if (probes > 0) {
      throw new IllegalStateException("pairIndex is for the exact jet");
    }
    int a = Math.min(j, k);
    int b = Math.max(j, k);
    return a * d - a * (a - 1) / 2 + (b - a);
  }

  /**
   * The network output with its derivatives.
   *
   * @param value F (n, d)
   * @param spatial dF/du_j stacked (d, n, d): element [j, r, i] = dF_i/du_j at row r
   * @param time derivative along the time direction (n, d)
   * @param second d^2 F / du_j du_k for each pair of {@link #pairs()}, stacked (pairs, n, d)
   * @param probeDirs the Hutchinson probes (probes, n, d), or null when exact
   */
  public record Result(NDArray value, NDArray spatial, NDArray time, NDArray second, NDArray probeDirs) {}

  /** {@link #forward(ParamSet, NDArray, NDArray, NDArray, NDArray, NDArray, NDArray)} of an exact jet. */
  public Result forward(ParamSet params, NDArray u, NDArray c, NDArray du, NDArray dc, NDArray classOneHot) {
    return forward(params, u, c, du, dc, classOneHot, null);
  }

  /**
   * Propagates the jet of one batch.
   *
   * @param u network input (n, d)
   * @param c noise-level input (n, 1)
   * @param du time direction of the input (n, d)
   * @param dc time direction of the noise level (n, 1)
   * @param classOneHot (n, classes + 1) or null when unconditional
   * @param probeDirs Hutchinson probe directions (probes, n, d); null for an exact jet
   */
  public Result forward(ParamSet params, NDArray u, NDArray c, NDArray du, NDArray dc, NDArray classOneHot,
      NDArray probeDirs) {
    if ((probeDirs != null) != (probes > 0)) {
      throw new IllegalArgumentException(probes > 0 ? "this jet needs " + probes + " probe directions per row"
          : "an exact jet takes no probe directions");
    }
    List<NDArray> p = params.arrays();
    NDManager m = u.getManager();
    long n = u.getShape().get(0);
    float[] freqs = net.frequencies();
    NDArray w = m.create(freqs, new Shape(1, freqs.length));
    NDArray arg = c.mul(w);
    NDArray sin = arg.sin();
    NDArray cos = arg.cos();
    NDArray emb = sin.concat(cos, 1);
    NDArray embTime = cos.mul(w).concat(sin.mul(w).neg(), 1).mul(dc);
    int i = 0;
    NDArray wt = p.get(i++);
    NDArray bt = p.get(i++);
    NDArray pre = Linear.linear(emb, wt, bt).singletonOrThrow();
    NDArray preTime = Linear.linear(embTime, wt).singletonOrThrow();
    NDArray sig = pre.getNDArrayInternal().sigmoid();
    NDArray temb = pre.mul(sig);
    NDArray tembTime = dsilu(pre, sig).mul(preTime);

    NDArray win = p.get(i++);
    NDArray bin = p.get(i++);
    long width = win.getShape().get(0);
    NDArray h = Linear.linear(u, win, bin).singletonOrThrow().add(temb);
    if (net.config().classes() > 0) {
      if (classOneHot == null) {
        throw new IllegalArgumentException("this network is class-conditional: pass class labels (or the null class)");
      }
      h = h.add(Linear.linear(classOneHot, p.get(i++)).singletonOrThrow());
    }
    // dh/du_j = column j of W_in on every row; the time tangent goes through u and the embedding.
    // (Linear of the identity rather than win.transpose(): an op called on a parameter would put
    // its result, and the autograd graph behind it, in the parameters' long-lived manager.)
    NDArray spatial = Linear.linear(m.eye(d), win).singletonOrThrow().reshape(d, 1, width)
        .broadcast(new Shape(d, n, width));
    NDArray time = Linear.linear(du, win).singletonOrThrow().add(tembTime);
    NDArray first = spatial.concat(time.expandDims(0), 0);
    if (probes > 0) {
      first = first.concat(Linear.linear(probeDirs.reshape(probes * n, d), win).singletonOrThrow()
          .reshape(probes, n, width), 0);
    }
    Jet jet = new Jet(h, first, m.zeros(new Shape(pairs.length, n, width)));
    for (int k = 0; k < net.config().depth(); k++) {
      Jet y = linear(silu(jet), p.get(i++), p.get(i++));
      jet = new Jet(jet.v.add(y.v), jet.t.add(y.t), jet.s.add(y.s));
    }
    Jet out = linear(silu(jet), p.get(i++), p.get(i));
    return new Result(out.v, out.t.get("0:" + d), out.t.get(d), out.s, probeDirs);
  }

  /**
   * (grad_u div_u F)_j = sum_i d^2 F_i / du_i du_j (n, d), from the second tangents of
   * {@code r}.
   */
  public NDArray gradDivergence(Result r) {
    if (probes > 0) {
      // mean over probes p of sum_i v_{p,i} d_j d_{v_p} F_i; pairs are (j, p) j-major.
      long n = r.value().getShape().get(0);
      NDArray s = r.second().reshape(d, probes, n, d);
      return s.mul(r.probeDirs().expandDims(0)).sum(new int[] {3}).mean(new int[] {1}).transpose();
    }
    NDList cols = new NDList();
    for (int j = 0; j < d; j++) {
      NDArray sum = null;
      for (int k = 0; k < d; k++) {
        NDArray term = r.second().get(pairIndex(j, k)).get(":, " + k + ":" + (k + 1));
        sum = sum == null ? term : sum.add(term);
      }
      cols.add(sum);
    }
    return NDArrays.concat(cols, 1);
  }

  /** Value, first tangents (d + 1, n, w), second tangents (pairs, n, w). */
  private record Jet(NDArray v, NDArray t, NDArray s) {}

  private Jet silu(Jet x) {
    NDArray sig = x.v.getNDArrayInternal().sigmoid();
    NDArray d1 = dsilu(x.v, sig);
    NDArray one = sig.onesLike();
    // phi'' = sig (1 - sig) (2 + v (1 - 2 sig))
    NDArray d2 = sig.mul(one.sub(sig)).mul(x.v.mul(one.sub(sig.mul(Layers.scalar(sig, 2)))).add(2f));
    NDArray t = x.t.mul(d1);
    NDList ta = new NDList();
    NDList tb = new NDList();
    for (int[] pr : pairs) {
      ta.add(x.t.get(pr[0]));
      tb.add(x.t.get(pr[1]));
    }
    NDArray s = NDArrays.stack(ta, 0).mul(NDArrays.stack(tb, 0)).mul(d2).add(x.s.mul(d1));
    return new Jet(x.v.mul(sig), t, s);
  }

  /** phi'(v) = sig (1 + v (1 - sig)). */
  private static NDArray dsilu(NDArray v, NDArray sig) {
    return sig.mul(v.mul(sig.neg().add(1f)).add(1f));
  }

  private Jet linear(Jet x, NDArray weight, NDArray bias) {
    long n = x.v.getShape().get(0);
    long width = x.v.getShape().get(1);
    NDArray stacked = NDArrays.concat(new NDList(x.v.expandDims(0), x.t, x.s), 0);
    NDArray y = Linear.linear(stacked.reshape(-1, width), weight).singletonOrThrow();
    long out = weight.getShape().get(0);
    y = y.reshape(1 + m1 + pairs.length, n, out);
    return new Jet(y.get(0).add(bias), y.get("1:" + (1 + m1)), y.get((1 + m1) + ":"));
  }
}
