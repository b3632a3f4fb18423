package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code d4j pde}: parametric PDEs (the random-grid neural process of issue 21). */
@Command(name = "pde", mixinStandardHelpOptions = true, subcommands = {PdeNpTrainCommand.class, PdeNpPredictCommand.class},
    description = "Parametric PDEs: train a random-grid neural process (np-train) and predict with bands (np-predict).")
final class PdeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new UsageException("missing subcommand: np-train or np-predict (see 'd4j pde --help')");
  }
}
