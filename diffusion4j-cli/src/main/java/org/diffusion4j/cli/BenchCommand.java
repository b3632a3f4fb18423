package org.diffusion4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code d4j bench}: accuracy benchmarks (speed benchmarks live in diffusion4j-bench, JMH). */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Accuracy benchmarks: error vs NFE tables and plots.",
    subcommands = {BenchSamplersCommand.class, BenchRestoreCommand.class})
final class BenchCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing benchmark; see 'd4j bench --help'");
  }
}
