package org.diffusion4j.cli;

import org.diffusion4j.nn.run.RunGuards;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.diffusion4j.compress.CalibrationTimes;
import org.diffusion4j.compress.UniformQuantizer.RangeMethod;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.nn.compress.PostTrainingQuantizer;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.nn.train.Checkpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code d4j quantize}: post-training quantisation after PTQ4DM ({@link PostTrainingQuantizer}) of a
 * trained run into a new run directory that {@code d4j sample} loads like any other.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Post-training quantisation (PTQ4DM) of a trained run: fake-quantised weights and calibrated",
        "activations, simulated in float32 through the same DJL graph. Writes a run directory OUT",
        "(sample it with d4j sample --model OUT) and OUT/quantization.json."})
final class QuantizeCommand implements Callable<Integer> {
  static final String REPORT = "quantization.json";

  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "RUN", description = "Trained diffusion / flow run.")
  Path model;

  @Option(names = "--out", required = true, paramLabel = "RUN2", description = "New run directory.")
  Path out;

  @Option(names = "--weights-bits", defaultValue = "8", paramLabel = "B",
      description = "Weight bits: 8, 4 (2-16) or 32 to keep float weights (default: ${DEFAULT-VALUE}).")
  int weightBits;

  @Option(names = "--activation-bits", defaultValue = "8", paramLabel = "B|none",
      description = "Activation bits (2-16) or none for float activations (default: ${DEFAULT-VALUE}).")
  String activationBits;

  @Option(names = "--granularity", defaultValue = "channel", paramLabel = "channel|tensor",
      description = "One weight quantiser per output channel or per tensor (default: ${DEFAULT-VALUE}).")
  String granularity;

  @Option(names = "--calibration", defaultValue = "ptq4dm", paramLabel = "ptq4dm|uniform|last",
      description = "Calibration time steps: PTQ4DM's normal around the middle of the chain, uniform, or the last"
          + " step (default: ${DEFAULT-VALUE}).")
  String calibration;

  @Option(names = "--range", defaultValue = "mse", paramLabel = "mse|minmax",
      description = "Quantiser ranges: PTQ4DM's p = 2.4 error search or min-max (default: ${DEFAULT-VALUE}).")
  String range;

  @Option(names = "--calibration-samples", defaultValue = "128", paramLabel = "N",
      description = "Calibration set size (default: ${DEFAULT-VALUE}).")
  int calibrationSamples;

  @Option(names = "--chain-steps", defaultValue = "20", paramLabel = "K",
      description = "Steps of the DDIM chain the calibration set is drawn from (default: ${DEFAULT-VALUE}).")
  int chainSteps;

  @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws IOException {
    int aBits;
    if (activationBits.equalsIgnoreCase("none")) {
      aBits = 0;
    } else {
      try {
        aBits = Integer.parseInt(activationBits);
      } catch (NumberFormatException e) {
        throw new UsageException("--activation-bits must be a number of bits (2-16) or none, got " + activationBits);
      }
    }
    boolean perChannel = switch (granularity.toLowerCase(Locale.ROOT)) {
      case "channel" -> true;
      case "tensor" -> false;
      default -> throw new UsageException("--granularity must be channel or tensor, got " + granularity);
    };
    RangeMethod method = RangeMethod.parse(range);
    PostTrainingQuantizer.Options options = new PostTrainingQuantizer.Options(weightBits, aBits, perChannel,
        CalibrationTimes.parse(calibration), method, method, calibrationSamples, chainSteps, seed);
    CliChecks.requireRunDirectory(model, "--model");
    TrainedRun run = TrainedRun.open(model);
    if (run.kind() == TrainedRun.Kind.INTERPOLANT) {
      throw new UsageException("--model " + model + " is an interpolant run; quantize takes diffusion and flow runs");
    }
    if (TrainedRun.isRun(out)) {
      throw new UsageException("--out " + out + " already holds a run; choose another directory");
    }
    try (RunGuards.Lock lock = RunGuards.lock(out, "--out")) { // one writer per run directory
      PostTrainingQuantizer.Result r = PostTrainingQuantizer.quantize(Checkpoint.readLatest(model), options);
      Files.createDirectories(out);
      Path standardization = model.resolve(TrainedRun.STANDARDIZATION);
      if (Files.isRegularFile(standardization)) {
        AtomicFiles.writeString(out.resolve(TrainedRun.STANDARDIZATION), Files.readString(standardization));
      }
      r.checkpoint().write(out, 1, Checkpoint.WriteHook.NONE);
      AtomicFiles.writeString(out.resolve(REPORT), JsonRecords.toJson(r.report()) + "\n");
      PostTrainingQuantizer.Report rep = r.report();
      PrintWriter o = spec.commandLine().getOut();
      o.printf(Locale.ROOT, "W%dA%d (%s, %s ranges, calibration %s): %d of %d parameters quantised;"
              + " %.2f MB -> %.2f MB (%.3fx); %d activation quantisers%n",
          weightBits, aBits == 0 ? 32 : aBits, perChannel ? "per channel" : "per tensor", rep.weightRange(),
          rep.calibration(), rep.quantizedParameters(), rep.parameters(), rep.floatBytes() / 1e6,
          rep.quantizedBytes() / 1e6, rep.sizeRatio(), rep.activationLayers());
      o.println("simulated (fake) quantisation: float32 arithmetic through the same graph; wrote " + out);
    }
    return ExitCodes.OK;
  }
}
