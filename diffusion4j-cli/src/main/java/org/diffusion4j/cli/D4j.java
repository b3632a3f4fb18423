package org.diffusion4j.cli;

import java.io.PrintWriter;
import org.diffusion4j.io.ReadLimits;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code d4j} command. The only place in diffusion4j that prints to a terminal or calls
 * {@link System#exit}. Exit codes: 0 success, 1 runtime failure, 2 bad usage; every error is
 * one line on stderr (the stack trace only with {@code --debug}), an out-of-memory error included
 * (exit 1). Before a command runs, {@link CliChecks} checks its numbers and outputs.
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
      ForecastCommand.class,
      GraphsCommand.class,
      DistillCommand.class,
      CertifyCommand.class,
      PlanCommand.class,
      PolicyCommand.class,
      TrajectoriesCommand.class,
      QuantizeCommand.class,
      FinetuneCommand.class,
      BlendCommand.class,
      MrRestoreCommand.class,
      RestoreCommand.class,
      AmbientCommand.class,
      PdeCommand.class
    })
public final class D4j implements Runnable {
  @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
      description = "Print stack traces for errors.")
  boolean debug;

  @Option(names = "--threads", scope = CommandLine.ScopeType.INHERIT, paramLabel = "N",
      description = "Worker threads for parallel Java code (default: one per available core). Results do not depend on it.")
  Integer threads;

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
    cl.setExecutionStrategy(parsed -> {
      try {
        CliChecks.beforeRun(parsed);
      } catch (java.io.IOException | RuntimeException e) {
        throw new CommandLine.ExecutionException(cl, e.getMessage() == null ? e.toString() : e.getMessage(), e);
      }
      return runWithThreads(root, cl, parsed);
    });
    int code;
    try {
      code = cl.execute(args);
    } catch (OutOfMemoryError e) {
      // What was allocated is unreachable now; the message fits in what is left.
      err.println("d4j: out of memory (" + ReadLimits.human(Runtime.getRuntime().maxMemory()) + " heap): the request is"
          + " too large for this JVM; lower --n / --paths / --nfe, or raise -Xmx");
      if (root.debug) {
        e.printStackTrace(err);
      }
      code = ExitCodes.RUNTIME;
    } catch (StackOverflowError e) {
      err.println("d4j: stack overflow (input nested too deeply?)");
      code = ExitCodes.RUNTIME;
    }
    out.flush();
    err.flush();
    return code;
  }

  /** Runs the parsed command on a pool of --threads workers (the library's default pool when absent). */
  private static int runWithThreads(D4j root, CommandLine cl, CommandLine.ParseResult parsed) {
    if (root.threads == null) {
      return new CommandLine.RunLast().execute(parsed);
    }
    if (root.threads < 1 || root.threads > 4096) {
      throw new CommandLine.ParameterException(cl, "--threads must be in [1, 4096], got " + root.threads);
    }
    try {
      return org.diffusion4j.array.Parallel.withThreads(root.threads, () -> new CommandLine.RunLast().execute(parsed));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CommandLine.ExecutionException(cl, "interrupted", e);
    }
  }
}
