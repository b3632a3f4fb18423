package org.diffusion4j.io;

import java.nio.DoubleBuffer;
import java.util.Arrays;
import org.diffusion4j.array.Batch;

/**
 * An immutable n-dimensional array as read from an array file: a shape, the elements as
 * {@code double} in C (row-major) order, and the name of the element type the file stored
 * (a numpy dtype string such as {@code "<f8"}, {@code "|u1"} or {@code ">i4"}).
 *
 * <p>Every stored type is widened to {@code double}; this is exact for all types except 64-bit
 * integers beyond 2^53, which are rounded to the nearest double. A rank-0 array (shape
 * {@code ()}) holds one scalar. Arrays are copied in and out, so an instance never changes;
 * {@link #buffer()} gives a read-only view without copying.
 */
public final class NdArray {
  private final long[] shape;
  private final double[] data;
  private final String dtype;

  /** An array of float64 ({@code "<f8"}) elements; {@code data} is copied. */
  public NdArray(long[] shape, double[] data) {
    this(shape, data, "<f8");
  }

  /**
   * An array with the given shape, C-order data (copied) and dtype name.
   *
   * @throws IllegalArgumentException if a dimension is negative or the data length is not the
   *     product of the dimensions
   */
  public NdArray(long[] shape, double[] data, String dtype) {
    this(dtype, shape.clone(), data.clone());
  }

  /** Takes ownership of the arrays (no copy). */
  private NdArray(String dtype, long[] shape, double[] data) {
    if (dtype == null || dtype.isEmpty()) {
      throw new IllegalArgumentException("dtype name must not be empty");
    }
    long count = ArrayData.elementCount(shape, "array");
    if (count != data.length) {
      throw new IllegalArgumentException("array data has " + data.length + " elements but shape "
          + ArrayData.shapeString(shape) + " needs " + count);
    }
    this.shape = shape;
    this.data = data;
    this.dtype = dtype;
  }

  /** Wraps arrays that nobody else holds (readers), without copying. */
  static NdArray wrap(long[] shape, double[] data, String dtype) {
    return new NdArray(dtype, shape, data);
  }

  /** A rank-0 float64 array holding {@code value}. */
  public static NdArray scalar(double value) {
    return wrap(new long[0], new double[] {value}, "<f8");
  }

  /** The batch as a float64 array of shape (n, d); the data is copied. */
  public static NdArray of(Batch batch) {
    return wrap(new long[] {batch.n(), batch.d()}, batch.data().clone(), "<f8");
  }

  /** The dimensions (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The number of dimensions (0 for a scalar). */
  public int rank() {
    return shape.length;
  }

  /** The length of one axis. */
  public long dim(int axis) {
    return shape[axis];
  }

  /** The number of elements (1 for a scalar). */
  public int size() {
    return data.length;
  }

  /** The element type name as numpy writes it, e.g. {@code "<f8"}; the type the file stored. */
  public String dtype() {
    return dtype;
  }

  /** The elements in C order (a copy). */
  public double[] data() {
    return data.clone();
  }

  /** The backing array, for this package's writers only (never modified). */
  double[] raw() {
    return data;
  }

  /** A read-only view of the elements in C order, without copying. */
  public DoubleBuffer buffer() {
    return DoubleBuffer.wrap(data).asReadOnlyBuffer();
  }

  /** The element at C-order position {@code i} (0 &lt;= i &lt; size()). */
  public double flat(int i) {
    return data[i];
  }

  /** The element at a multi-index (one index per axis). */
  public double get(long... index) {
    if (index.length != shape.length) {
      throw new IllegalArgumentException("index has " + index.length + " axes but the array has rank " + shape.length);
    }
    long flat = 0;
    for (int a = 0; a < shape.length; a++) {
      if (index[a] < 0 || index[a] >= shape[a]) {
        throw new IndexOutOfBoundsException("index " + index[a] + " out of range for axis " + a + " of length "
            + shape[a]);
      }
      flat = flat * shape[a] + index[a];
    }
    return data[(int) flat];
  }

  /**
   * This array as a batch of states: rank 2 gives (n, d), rank 1 gives (n, 1). The data is
   * copied.
   *
   * @throws IllegalArgumentException for other ranks or zero columns
   */
  public Batch toBatch() {
    return toBatch("array", true);
  }

  /** As {@link #toBatch()}; {@code copy = false} hands over the data (readers that drop this array). */
  Batch toBatch(String name, boolean copy) {
    int n;
    int d;
    if (shape.length == 2) {
      n = (int) shape[0]; // the element count is at most MAX_ELEMENTS, so non-zero dims fit in int
      d = (int) shape[1];
      if (shape[1] == 0) {
        throw new FormatException(name + ": shape " + ArrayData.shapeString(shape)
            + " has no columns; a batch needs shape (n, d) with d >= 1");
      }
      if (shape[0] > ArrayData.MAX_ELEMENTS || shape[1] > ArrayData.MAX_ELEMENTS) {
        throw new FormatException(name + ": shape " + ArrayData.shapeString(shape) + " is too large for a batch");
      }
    } else if (shape.length == 1) {
      n = (int) shape[0];
      d = 1;
    } else {
      throw new FormatException(name + ": shape " + ArrayData.shapeString(shape)
          + " has rank " + shape.length + "; a batch needs rank 2 (n, d) or rank 1 (n,)");
    }
    return new Batch(n, d, copy ? data.clone() : data);
  }

  /** Equal shape, dtype name and bitwise-equal elements. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof NdArray other)) {
      return false;
    }
    if (!Arrays.equals(shape, other.shape) || !dtype.equals(other.dtype) || data.length != other.data.length) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (Double.doubleToRawLongBits(data[i]) != Double.doubleToRawLongBits(other.data[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(shape) + dtype.hashCode()) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("NdArray(").append(dtype).append(", shape ")
        .append(ArrayData.shapeString(shape)).append(", [");
    int show = Math.min(data.length, 6);
    for (int i = 0; i < show; i++) {
      sb.append(i > 0 ? ", " : "").append(data[i]);
    }
    return sb.append(data.length > show ? ", ...])" : "])").toString();
  }
}
