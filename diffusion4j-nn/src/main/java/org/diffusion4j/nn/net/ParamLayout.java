package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordered parameter list of a network under construction: each tensor with its
 * {@link ParamInit.Kind}, so that the specs and the seeded initial values come from one list, and
 * a {@link Cursor} that hands the tensors of a {@link ParamSet} back in the same order, checking
 * each name, so that a forward pass that reads them in another order fails loudly.
 */
public final class ParamLayout {
  private final List<ParamSpec> specs = new ArrayList<>();
  private final List<ParamInit.Kind> kinds = new ArrayList<>();
  private final List<String> fanInOf = new ArrayList<>();

  /** Adds one tensor; {@code fanInOf} names the tensor whose fan-in bounds a FAN_IN init (null: itself). */
  public void add(String name, long[] shape, ParamInit.Kind kind, String fanInOf) {
    specs.add(new ParamSpec(name, shape));
    kinds.add(kind);
    this.fanInOf.add(fanInOf);
  }

  /**
   * {@code prefix.weight} (out, in) and, if {@code bias}, {@code prefix.bias} (out), both
   * U(+-1/sqrt(in)): PyTorch's nn.Linear default.
   */
  public void linear(String prefix, long in, long out, boolean bias) {
    add(prefix + ".weight", new long[] {out, in}, ParamInit.Kind.FAN_IN, null);
    if (bias) {
      add(prefix + ".bias", new long[] {out}, ParamInit.Kind.FAN_IN, prefix + ".weight");
    }
  }

  /**
   * GDSS's {@code MLP(num_layers, in, hidden, out)} (models/layers.py): {@code layers} linear maps
   * in -&gt; hidden -&gt; ... -&gt; out, named {@code prefix.k}.
   */
  void mlp(String prefix, int layers, long in, long hidden, long out) {
    for (int k = 0; k < layers; k++) {
      linear(prefix + "." + k, k == 0 ? in : hidden, k == layers - 1 ? out : hidden, true);
    }
  }

  public List<ParamSpec> specs() {
    return List.copyOf(specs);
  }

  public float[][] initialValues(long seed) {
    return ParamInit.values(seed, specs, kinds.toArray(new ParamInit.Kind[0]), fanInOf.toArray(new String[0]));
  }

  /** Sequential, name-checked access to the tensors of a {@link ParamSet}. */
  static final class Cursor {
    private final ParamSet params;
    private int next;

    Cursor(ParamSet params) {
      this.params = params;
    }

    /** The next tensor, which must be called {@code name}. */
    NDArray next(String name) {
      if (next >= params.size()) {
        throw new IllegalStateException("parameter " + name + " requested after the last tensor");
      }
      String actual = params.specs().get(next).name();
      if (!actual.equals(name)) {
        throw new IllegalStateException("parameter order: expected " + name + " at index " + next + ", found " + actual);
      }
      return params.get(next++);
    }

    /** Moves to the tensor called {@code name} (for a network that runs one of several sub-networks). */
    void skipTo(String name) {
      for (int i = next; i < params.size(); i++) {
        if (params.specs().get(i).name().equals(name)) {
          next = i;
          return;
        }
      }
      throw new IllegalStateException("parameter " + name + " not found after index " + next);
    }

    /** Marks every remaining tensor as read (a sub-network this forward does not use). */
    void skipRest() {
      next = params.size();
    }

    /** Throws unless every tensor was read. */
    void requireDone() {
      if (next != params.size()) {
        throw new IllegalStateException("forward read " + next + " of " + params.size() + " parameter tensors");
      }
    }
  }
}
