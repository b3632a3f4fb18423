package org.diffusion4j.nn.sde;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.diffusion4j.io.Json;
import org.diffusion4j.nn.neuralsde.IrregularFitModel;
import org.diffusion4j.nn.neuralsde.IrregularModel;
import org.diffusion4j.nn.neuralsde.SdeGanFitModel;

/**
 * The models of {@code d4j sde fit/sample}, by name. Add a model with one line in the static
 * block (name -> factory).
 */
public final class SdeFitModels {
  /** The file in a run directory that names its model ({@code "model": NAME}) and holds its parameters. */
  public static final String RUN_FILE = "sde-model.json";
  private static final Map<String, Supplier<SdeFitModel>> MODELS = new LinkedHashMap<>();

  static {
    MODELS.put("latent", () -> new LatentFitModel(false));
    MODELS.put("fbm-latent", () -> new LatentFitModel(true));
    MODELS.put("lsde", () -> new IrregularFitModel(IrregularModel.LSDE));
    MODELS.put("lnsde", () -> new IrregularFitModel(IrregularModel.LNSDE));
    MODELS.put("gsde", () -> new IrregularFitModel(IrregularModel.GSDE));
    MODELS.put("nsde", () -> new IrregularFitModel(IrregularModel.NSDE));
    MODELS.put("ncde", () -> new IrregularFitModel(IrregularModel.NCDE));
    MODELS.put("sde-gan", SdeGanFitModel::new);
  }

  private SdeFitModels() {}

  public static List<String> names() {
    return new ArrayList<>(MODELS.keySet());
  }

  /** The model named {@code name}; an unknown name is an IllegalArgumentException listing the known ones. */
  public static SdeFitModel create(String name) {
    Supplier<SdeFitModel> f = MODELS.get(name);
    if (f == null) {
      throw new IllegalArgumentException("unknown SDE fit model '" + name + "'; known: " + String.join(", ", names()));
    }
    return f.get();
  }

  /** The model that wrote {@code runDir}, from the {@code model} field of its {@link #RUN_FILE}. */
  public static SdeFitModel forRun(Path runDir) throws IOException {
    Path file = runDir.resolve(RUN_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(runDir + " is not an SDE fit run (no " + RUN_FILE + ")");
    }
    Object json = Json.parse(Files.readString(file));
    if (!(json instanceof Map<?, ?> m) || !(m.get("model") instanceof String name)) {
      throw new IllegalArgumentException(file + " has no \"model\" name");
    }
    return create(name);
  }
}
