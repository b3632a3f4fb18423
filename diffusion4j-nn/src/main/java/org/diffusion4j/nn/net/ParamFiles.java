package org.diffusion4j.nn.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.FormatException;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npz;

/** Network weights as an NPZ file: one float32 array per parameter tensor, named and shaped by its {@link ParamSpec}. */
public final class ParamFiles {
  private ParamFiles() {}

  /** Writes {@code values[i]} as tensor {@code specs.get(i)} (atomically, through {@link Npz#write}). */
  public static void write(Path file, List<ParamSpec> specs, float[][] values) throws IOException {
    Map<String, NdArray> arrays = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      double[] d = new double[values[i].length];
      for (int j = 0; j < d.length; j++) {
        d[j] = values[i][j];
      }
      arrays.put(specs.get(i).name(), new NdArray(specs.get(i).shape(), d));
    }
    Npz.write(file, arrays, "<f4");
  }

  /**
   * Reads the tensors of {@code specs} from {@code file}.
   *
   * @throws FormatException if a tensor is missing or has the wrong shape
   */
  public static float[][] read(Path file, List<ParamSpec> specs) throws IOException {
    Map<String, NdArray> arrays = Npz.read(file);
    float[][] values = new float[specs.size()][];
    for (int i = 0; i < specs.size(); i++) {
      ParamSpec s = specs.get(i);
      NdArray a = arrays.get(s.name());
      if (a == null || !java.util.Arrays.equals(a.shape(), s.shape())) {
        throw new FormatException(file + ": tensor " + s + " is "
            + (a == null ? "missing" : "of shape " + java.util.Arrays.toString(a.shape())));
      }
      double[] d = a.data();
      values[i] = new float[d.length];
      for (int j = 0; j < d.length; j++) {
        values[i][j] = (float) d[j];
      }
    }
    return values;
  }
}
