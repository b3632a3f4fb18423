package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered list of float32 parameter tensors living in one {@link NDManager}, with their
 * specs. Values move in and out as {@code float[][]} (one flat row-major array per tensor), the
 * form checkpoints store.
 */
public final class ParamSet {
  private final List<ParamSpec> specs;
  private final List<NDArray> arrays;

  private ParamSet(List<ParamSpec> specs, List<NDArray> arrays) {
    this.specs = List.copyOf(specs);
    this.arrays = Collections.unmodifiableList(arrays);
  }

  /** Creates tensors in {@code manager} holding {@code values} (checked against {@code specs}). */
  public static ParamSet of(NDManager manager, List<ParamSpec> specs, float[][] values, boolean requiresGrad) {
    check(specs, values);
    List<NDArray> arrays = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      NDArray a = manager.create(values[i], new Shape(specs.get(i).shape()));
      if (requiresGrad) {
        a.setRequiresGradient(true);
      }
      arrays.add(a);
    }
    return new ParamSet(specs, arrays);
  }

  /**
   * Float64 tensors holding {@code values} (for finite-difference gradient checks); a
   * {@link Network} computes in the data type of its input, so float64 parameters with a float64
   * input give a float64 forward pass.
   */
  public static ParamSet ofDouble(NDManager manager, List<ParamSpec> specs, double[][] values, boolean requiresGrad) {
    if (values.length != specs.size()) {
      throw new IllegalArgumentException("expected " + specs.size() + " parameter tensors, got " + values.length);
    }
    List<NDArray> arrays = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      if (values[i].length != specs.get(i).size()) {
        throw new IllegalArgumentException("parameter " + specs.get(i) + " needs " + specs.get(i).size()
            + " values, got " + values[i].length);
      }
      NDArray a = manager.create(values[i], new Shape(specs.get(i).shape()));
      if (requiresGrad) {
        a.setRequiresGradient(true);
      }
      arrays.add(a);
    }
    return new ParamSet(specs, arrays);
  }

  /**
   * A view of existing tensors (e.g. weights computed in the graph, such as a frozen base plus a
   * low-rank update) as a parameter set; shapes are checked against {@code specs}.
   */
  public static ParamSet wrap(List<ParamSpec> specs, List<NDArray> arrays) {
    if (arrays.size() != specs.size()) {
      throw new IllegalArgumentException("expected " + specs.size() + " parameter tensors, got " + arrays.size());
    }
    for (int i = 0; i < arrays.size(); i++) {
      if (!arrays.get(i).getShape().equals(new Shape(specs.get(i).shape()))) {
        throw new IllegalArgumentException("parameter " + specs.get(i) + " has shape " + arrays.get(i).getShape());
      }
    }
    return new ParamSet(specs, new ArrayList<>(arrays));
  }

  /** Throws a clear error unless {@code values} matches {@code specs} in count and sizes. */
  public static void check(List<ParamSpec> specs, float[][] values) {
    if (values.length != specs.size()) {
      throw new IllegalArgumentException("expected " + specs.size() + " parameter tensors, got " + values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i].length != specs.get(i).size()) {
        throw new IllegalArgumentException("parameter " + specs.get(i) + " needs " + specs.get(i).size()
            + " values, got " + values[i].length);
      }
    }
  }

  public List<ParamSpec> specs() {
    return specs;
  }

  public List<NDArray> arrays() {
    return arrays;
  }

  public int size() {
    return arrays.size();
  }

  public NDArray get(int i) {
    return arrays.get(i);
  }

  /** Total number of scalar parameters. */
  public long count() {
    long c = 0;
    for (ParamSpec s : specs) {
      c += s.size();
    }
    return c;
  }

  /** Copies every tensor out as flat float arrays. */
  public float[][] toFloats() {
    float[][] out = new float[arrays.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = arrays.get(i).toFloatArray();
    }
    return out;
  }

  /** Closes every tensor. */
  public void close() {
    for (NDArray a : arrays) {
      a.close();
    }
  }
}
