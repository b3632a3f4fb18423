package org.diffusion4j.nn.net;

import java.util.List;
import org.diffusion4j.random.Rng;

/**
 * Seeded plain-Java parameter initialisation, one random stream per tensor (stream i of
 * {@code Rng.of(seed)} for tensor i), so a network's initial values depend only on its seed and
 * its parameter list, never on the engine or thread count.
 */
public final class ParamInit {
  private ParamInit() {}

  /** How one tensor is initialised. */
  public enum Kind {
    /** U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for nn.Linear and nn.Conv*. */
    FAN_IN,
    /** All zeros (biases of zero-initialised output layers, norm shifts, DDPM's zero-init last conv). */
    ZEROS,
    /** All ones (norm scales). */
    ONES,
    /**
     * U(-b, b) with b = sqrt(6 / (shape[-2] + shape[-1])): Glorot &amp; Bengio (2010), Eq. 16, as
     * torch_geometric's {@code glorot} (the DenseGCNConv weights of GDSS, models/layers.py) and
     * torch.nn.init.xavier_uniform_ with gain 1. A leading axis (stacked channels) is a batch.
     */
    GLOROT
  }

  /**
   * Values for {@code specs}: tensor i by {@code kinds[i]}, with fan_in = size / shape[0] of the
   * tensor named by {@code fanInOf[i]} (its own name when null), i.e. in-features x kernel size.
   */
  public static float[][] values(long seed, List<ParamSpec> specs, Kind[] kinds, String[] fanInOf) {
    Rng root = Rng.of(seed);
    float[][] out = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParamSpec p = specs.get(i);
      float[] v = new float[p.size()];
      switch (kinds[i]) {
        case ZEROS -> { }
        case ONES -> java.util.Arrays.fill(v, 1f);
        case FAN_IN -> {
          ParamSpec ref = fanInOf[i] == null ? p : find(specs, fanInOf[i]);
          long fanIn = ref.size() / ref.shape()[0];
          double bound = 1 / Math.sqrt(fanIn);
          Rng r = root.stream(i);
          for (int j = 0; j < v.length; j++) {
            v[j] = (float) ((2 * r.nextDouble() - 1) * bound);
          }
        }
        case GLOROT -> {
          long[] sh = p.shape();
          double bound = Math.sqrt(6.0 / (sh[sh.length - 2] + sh[sh.length - 1]));
          Rng r = root.stream(i);
          for (int j = 0; j < v.length; j++) {
            v[j] = (float) ((2 * r.nextDouble() - 1) * bound);
          }
        }
        default -> throw new IllegalStateException();
      }
      out[i] = v;
    }
    return out;
  }

  static ParamSpec find(List<ParamSpec> specs, String name) {
    for (ParamSpec p : specs) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalStateException("no parameter " + name);
  }
}
