package org.diffusion4j.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code d4j} command. The only place in diffusion4j that prints to a terminal or calls
 * {@link System#exit}. Exit codes: 0 success, 1 runtime failure, 2 bad usage; every error is
 * one line on stderr (the stack trace only with {@code --debug}).
 */
@Command(
    name = "d4j",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "diffusion4j: diffusion models, flow matching and SDE solvers for the JVM.",
    subcommands = {
      InfoCommand.class,
      SolversCommand.class,
      SampleCommand.class,
      BenchCommand.class,
      SdeCommand.class,
      LikelihoodCommand.class,
      EmsCommand.class,
      SearchScheduleCommand.class,
      TrainCommand.class,
      ClassifierCommand.class,
      DemoCommand.class,
      ReflowCommand.class,
      GraphsCommand.class
    })
public final class D4j implements Runnable {
  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces for errors.")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing command; see 'd4j --help'");
  }

  public static void main(String[] args) {
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line and returns its exit code (for tests: never exits the JVM). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    D4j root = new D4j();
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("d4j: " + ex.getMessage());
      if (root.debug) {
        ex.printStackTrace(err);
      }
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      int code = ExitCodes.of(ex);
      err.println("d4j: " + ExitCodes.message(ex));
      if (root.debug || Boolean.getBoolean("d4j.debug")) {
        ex.printStackTrace(err);
      }
      return code;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }
}
