package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.model.Prediction;
import org.diffusion4j.path.Paths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code d4j info}: version, runtime, cores, and what the library offers. */
@Command(name = "info", mixinStandardHelpOptions = true,
    description = "Show version, Java, cores, and the available paths and prediction kinds.")
final class InfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    out.println("diffusion4j " + VersionProvider.version());
    out.println("java        " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    out.println("cores       " + Runtime.getRuntime().availableProcessors());
    out.println("max memory  " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
    out.println("paths       " + String.join(", ", Paths.names()));
    StringBuilder kinds = new StringBuilder();
    for (Prediction p : Prediction.values()) {
      if (kinds.length() > 0) {
        kinds.append(", ");
      }
      kinds.append(p.cliName());
    }
    out.println("predictions " + kinds);
    return ExitCodes.OK;
  }
}
