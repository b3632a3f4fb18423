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
   * A small trained model's directory: writes {@code dir/weightsFile} (the tensors) and then
   * {@code dir/configFile} (the config record as JSON), each atomically, so a present config file
   * means the weights beside it are complete.
   */
  public static void writeModel(Path dir, String weightsFile, List<ParamSpec> specs, float[][] values,
      String configFile, Record config) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    write(dir.resolve(weightsFile), specs, values);
    org.diffusion4j.io.AtomicFiles.writeString(dir.resolve(configFile), org.diffusion4j.io.JsonRecords.toJson(config) + "\n");
  }

  /**
   * The config record {@link #writeModel} wrote to {@code dir/configFile}.
   *
   * @throws FormatException if the file is not a JSON object of {@code type} ({@code context} names it in messages)
   */
  public static <R extends Record> R readModelConfig(Path dir, String configFile, Class<R> type, String context)
      throws IOException {
    Path file = dir.resolve(configFile);
    if (!(org.diffusion4j.io.Json.parse(java.nio.file.Files.readString(file)) instanceof Map<?, ?> json)) {
      throw new FormatException(file + ": expected a JSON object");
    }
    return org.diffusion4j.io.JsonRecords.fromJson(type, json, context);
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
