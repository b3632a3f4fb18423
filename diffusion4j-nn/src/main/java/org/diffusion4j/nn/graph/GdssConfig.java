package org.diffusion4j.nn.graph;

import java.util.Map;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.net.GraphNetConfig;

/**
 * A GDSS run: data, the two forward SDEs, the two score networks, training and sampling settings,
 * with presets taken from GDSS's config/{community_small,grid,ego_small}.yaml (harryjo97/GDSS).
 *
 * @param data bundled set name or the training file
 * @param maxNodes N, graphs are padded to N nodes ({@code max_node_num})
 * @param features F, the width of the degree one-hot node features ({@code max_feat_num},
 *     {@code init: deg})
 * @param sdeX forward SDE of the node features
 * @param sdeAdj forward SDE of the adjacency
 * @param netX ScoreNetworkX (GraphNet, target NODES)
 * @param netAdj ScoreNetworkA (GraphNet, target ADJACENCY)
 * @param steps optimiser steps (GDSS: epochs x batches per epoch)
 * @param batch graphs per step
 * @param lr learning rate
 * @param weightDecay weight decay
 * @param clipNorm gradient-norm clip ({@code grad_norm})
 * @param emaDecay EMA decay
 * @param seed training seed
 * @param predictor sampler: S4, REVERSE (reverse diffusion) or EULER (Euler-Maruyama)
 * @param corrector LANGEVIN or NONE (ignored by S4, which always corrects)
 * @param snr Langevin signal-to-noise ratio
 * @param scaleEps Langevin noise scale
 * @param sampleEps the last time of the reverse process ({@code sample.eps})
 * @param useEma sample with the EMA weights
 */
public record GdssConfig(String data, int maxNodes, int features, GdssSde sdeX, GdssSde sdeAdj, GraphNetConfig netX,
    GraphNetConfig netAdj, long steps, int batch, double lr, double weightDecay, double clipNorm, double emaDecay,
    long seed, Predictor predictor, Corrector corrector, double snr, double scaleEps, double sampleEps,
    boolean useEma) {

  /** The reverse-time predictors of GDSS's solver.py. */
  public enum Predictor {
    S4,
    REVERSE,
    EULER
  }

  /** The correctors of solver.py. */
  public enum Corrector {
    LANGEVIN,
    NONE
  }

  public GdssConfig {
    if (maxNodes < 2 || features < 1) {
      throw new IllegalArgumentException("GDSS needs max nodes >= 2 and features >= 1, got " + maxNodes + ", "
          + features);
    }
    if (netX.target() != GraphNetConfig.Target.NODES || netAdj.target() != GraphNetConfig.Target.ADJACENCY) {
      throw new IllegalArgumentException("GDSS needs a NODES network for X and an ADJACENCY network for A");
    }
    if (netX.nodes() != maxNodes || netAdj.nodes() != maxNodes || netX.features() != features
        || netAdj.features() != features) {
      throw new IllegalArgumentException("GDSS networks must have nodes=" + maxNodes + " and features=" + features);
    }
    if (steps < 1 || batch < 1 || !(lr > 0) || weightDecay < 0 || !(clipNorm > 0) || emaDecay < 0 || emaDecay >= 1) {
      throw new IllegalArgumentException("GDSS training needs steps, batch >= 1, lr > 0, weight decay >= 0, clip > 0"
          + " and EMA decay in [0, 1); got steps=" + steps + ", batch=" + batch + ", lr=" + lr);
    }
    if (snr < 0 || scaleEps < 0 || !(sampleEps > 0 && sampleEps < 1)) {
      throw new IllegalArgumentException("GDSS sampling needs snr, scale-eps >= 0 and eps in (0, 1); got snr=" + snr
          + ", scale-eps=" + scaleEps + ", eps=" + sampleEps);
    }
  }

  /**
   * GDSS's settings for a bundled set (config/NAME.yaml): SDEs, network sizes, sampler. Training
   * length is GDSS's 5000 epochs; use {@link #withSteps} to shorten it.
   */
  public static GdssConfig preset(String name) {
    return switch (name) {
      case "community_small" -> of(name, 20, 10, GdssSde.vp(0.1, 1.0, 1000), GdssSde.vp(0.1, 1.0, 1000), 3, 5, 5000,
          80, Predictor.EULER, Corrector.LANGEVIN, 0.05, 0.7, false);
      case "ego_small" -> of(name, 18, 17, GdssSde.vp(0.1, 1.0, 1000), GdssSde.vp(0.1, 1.0, 1000), 2, 5, 10000, 128,
          Predictor.EULER, Corrector.NONE, 0.0, 0.0, false);
      case "grid" -> of(name, 361, 5, GdssSde.vp(0.1, 1.0, 1000), GdssSde.vp(0.2, 0.8, 1000), 5, 7, 50000, 8,
          Predictor.REVERSE, Corrector.LANGEVIN, 0.1, 0.7, true);
      default -> throw new IllegalArgumentException("no GDSS preset for '" + name
          + "', expected community_small, grid or ego_small");
    };
  }

  /** A config for other data with community_small's settings and the given sizes. */
  public static GdssConfig generic(String data, int maxNodes, int features) {
    GdssConfig c = preset("community_small");
    return of(data, maxNodes, features, c.sdeX, c.sdeAdj, c.netX.depth(), c.netAdj.depth(), c.steps, c.batch,
        c.predictor, c.corrector, c.snr, c.scaleEps, c.useEma);
  }

  private static GdssConfig of(String data, int n, int f, GdssSde sx, GdssSde sa, int depthX, int layersA, long steps,
      int batch, Predictor p, Corrector c, double snr, double scaleEps, boolean useEma) {
    // ScoreNetworkX: GCN, depth, nhid 32. ScoreNetworkA: GMH, num_layers, nhid 32, adim 32, 4 heads,
    // num_linears 2, c_init 2, c_hid 8, c_final 4. No time input (GDSS divides by the std outside).
    GraphNetConfig x = new GraphNetConfig(GraphNetConfig.Target.NODES, GraphNetConfig.Layer.GCN, n, f, depthX, 32, 32,
        4, 2, 2, 8, 4, 0, 0, 0, 1);
    GraphNetConfig a = new GraphNetConfig(GraphNetConfig.Target.ADJACENCY, GraphNetConfig.Layer.GMH, n, f, layersA, 32,
        32, 4, 2, 2, 8, 4, 0, 0, 0, 2);
    // Training: lr 0.01, weight decay 1e-4, grad_norm 1, ema 0.999 (all three configs).
    return new GdssConfig(data, n, f, sx, sa, x, a, steps, batch, 0.01, 1e-4, 1.0, 0.999, 42, p, c, snr, scaleEps,
        1e-4, useEma);
  }

  public GdssConfig withSteps(long s) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, s, batch, lr, weightDecay, clipNorm,
        emaDecay, seed, predictor, corrector, snr, scaleEps, sampleEps, useEma);
  }

  public GdssConfig withSeed(long s) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, steps, batch, lr, weightDecay,
        clipNorm, emaDecay, s, predictor, corrector, snr, scaleEps, sampleEps, useEma);
  }

  public GdssConfig withBatch(int b) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, steps, b, lr, weightDecay, clipNorm,
        emaDecay, seed, predictor, corrector, snr, scaleEps, sampleEps, useEma);
  }

  public GdssConfig withLr(double v) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, steps, batch, v, weightDecay, clipNorm,
        emaDecay, seed, predictor, corrector, snr, scaleEps, sampleEps, useEma);
  }

  /** Sampler settings. */
  public GdssConfig withSampler(Predictor p, Corrector c, double snrValue, double scale) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, steps, batch, lr, weightDecay,
        clipNorm, emaDecay, seed, p, c, snrValue, scale, sampleEps, useEma);
  }

  public GdssConfig withUseEma(boolean v) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, netX, netAdj, steps, batch, lr, weightDecay,
        clipNorm, emaDecay, seed, predictor, corrector, snr, scaleEps, sampleEps, v);
  }

  /** Networks with other sizes (e.g. smaller ones for tests). */
  public GdssConfig withNetworks(GraphNetConfig x, GraphNetConfig a) {
    return new GdssConfig(data, maxNodes, features, sdeX, sdeAdj, x, a, steps, batch, lr, weightDecay, clipNorm,
        emaDecay, seed, predictor, corrector, snr, scaleEps, sampleEps, useEma);
  }

  /** JSON text (JsonRecords). */
  public String toJson() {
    return JsonRecords.toJson(this) + "\n";
  }

  /** Parses {@link #toJson()}; errors name the field. */
  public static GdssConfig fromJson(String text) {
    if (!(Json.parse(text) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("GDSS config must be a JSON object");
    }
    return JsonRecords.fromJson(GdssConfig.class, m, "");
  }
}
