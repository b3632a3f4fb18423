package org.diffusion4j.nn.net;

import java.util.Arrays;

/** Name and shape of one parameter tensor. */
public record ParamSpec(String name, long[] shape) {
  public ParamSpec {
    shape = shape.clone();
  }

  /** Number of elements. */
  public int size() {
    long s = 1;
    for (long k : shape) {
      s *= k;
    }
    return Math.toIntExact(s);
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
