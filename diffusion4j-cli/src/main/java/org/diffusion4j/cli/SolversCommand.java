package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.sampler.Samplers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j solvers}: the sampler names, one per line. */
@Command(name = "solvers", mixinStandardHelpOptions = true,
    description = {"List the sampler names accepted by 'd4j sample --solver', one per line.",
        "With -l: a description each; adaptive solvers (which refuse a fixed --nfe) and dpm-solver-v3 (which needs"
            + " --ems) are marked."})
final class SolversCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-l", "--long"}, description = "Also print a one-line description of each.")
  boolean verbose;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    for (String name : Samplers.names()) {
      out.println(verbose ? String.format("%-24s %s%s", name, Samplers.description(name), notes(name)) : name);
    }
    return ExitCodes.OK;
  }

  /**
   * What a user budgeting in NFE must know: an adaptive solver chooses its own steps and refuses
   * --nfe (give --rtol/--atol); dpm-solver-v3 needs statistics from 'd4j ems'.
   */
  static String notes(String name) {
    if (Samplers.needsEms(name)) {
      return " [needs --ems]";
    }
    return Samplers.create(name).adaptive() ? " [adaptive: picks its own steps from --rtol/--atol; refuses --nfe and --steps]"
        : "";
  }
}
