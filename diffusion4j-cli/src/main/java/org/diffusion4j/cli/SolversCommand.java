package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.sampler.Samplers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code d4j solvers}: the sampler names, one per line. */
@Command(name = "solvers", mixinStandardHelpOptions = true,
    description = "List the sampler names accepted by 'd4j sample --solver', one per line.")
final class SolversCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-l", "--long"}, description = "Also print a one-line description of each.")
  boolean verbose;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    for (String name : Samplers.names()) {
      out.println(verbose ? String.format("%-24s %s", name, Samplers.description(name)) : name);
    }
    return ExitCodes.OK;
  }
}
