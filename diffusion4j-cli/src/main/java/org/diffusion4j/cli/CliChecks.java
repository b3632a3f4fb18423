package org.diffusion4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.OutputTargets;
import org.diffusion4j.io.ReadLimits;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks every command gets before it runs (from {@link D4j}'s execution strategy), so that bad
 * input is reported as bad input (exit 2, one line) before any long work:
 * <ul>
 *   <li>numbers: a floating-point option given as NaN or an infinity is refused (unless its
 *       default is infinite, e.g. {@code --s-tmax});</li>
 *   <li>outputs ({@code --out}, {@code --plot}, {@code --png}): the {@link OutputTargets} policy
 *       (not a directory, writable location), a run directory ({@code --out DIR}) that is not a
 *       file, and no output that is one of the command's inputs or another output;</li>
 *   <li>{@code --order} below 1 (the solvers' default order is chosen by omitting it).</li>
 * </ul>
 * Also the helpers commands call for their own inputs: {@link #requireFinite} and
 * {@link #requireMemory}.
 */
final class CliChecks {
  /** Options that name files or directories the command writes. */
  static final Set<String> OUTPUTS = Set.of("--out", "--plot", "--png");

  private CliChecks() {}

  /** Runs the checks on the subcommand that is about to execute. */
  static void beforeRun(ParseResult root) throws IOException {
    ParseResult pr = root;
    while (pr.subcommand() != null) {
      pr = pr.subcommand();
    }
    List<OptionSpec> given = pr.matchedOptions();
    for (OptionSpec o : given) {
      checkNumbers(o);
    }
    OptionSpec order = pr.matchedOption("--order");
    if (order != null && order.userObject() instanceof java.lang.reflect.Field f && f.getDeclaringClass() == SolverOptions.class
        && order.getValue() instanceof Integer k && k < 1) { // the sampler's order, not another command's --order
      throw new UsageException("--order must be 1, 2 or 3, got " + k + " (omit it for the solver's own order)");
    }
    List<String[]> outputs = new ArrayList<>(); // {flag, path}
    for (OptionSpec o : given) {
      if (OUTPUTS.contains(o.longestName()) && o.getValue() instanceof Path p) {
        boolean dir = isDirectoryOption(o);
        if (dir) {
          requireRunDirectory(p, o.longestName());
        } else {
          OutputTargets.requireWritable(p, o.longestName());
        }
        for (String[] other : outputs) {
          OutputTargets.requireDistinct(p, o.longestName(), Path.of(other[1]), other[0]);
        }
        outputs.add(new String[] {o.longestName(), p.toString()});
      }
    }
    for (String[] out : outputs) {
      for (OptionSpec o : given) {
        if (OUTPUTS.contains(o.longestName())) {
          continue;
        }
        for (Path in : paths(o.getValue())) {
          OutputTargets.requireDistinct(Path.of(out[1]), out[0], in, o.longestName());
        }
      }
    }
  }

  /** An output option that names a directory: its label says DIR, or its description a directory or folder. */
  static boolean isDirectoryOption(OptionSpec o) {
    String desc = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
    return o.paramLabel().toUpperCase(Locale.ROOT).contains("DIR") || desc.contains("directory") || desc.contains("folder");
  }

  /** A run directory to write: not an existing file, and creatable under a writable ancestor. */
  static void requireRunDirectory(Path dir, String flag) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException(flag + " " + dir + " is a file; give a directory");
    }
    OutputTargets.requireWritableDirectory(dir, flag + " " + dir);
  }

  private static void checkNumbers(OptionSpec o) {
    Object v = o.getValue();
    List<Double> values = new ArrayList<>();
    if (v instanceof Double || v instanceof Float) {
      values.add(((Number) v).doubleValue());
    } else if (v instanceof double[] a) {
      for (double x : a) {
        values.add(x);
      }
    } else if (v instanceof Collection<?> c) {
      for (Object x : c) {
        if (x instanceof Double || x instanceof Float) {
          values.add(((Number) x).doubleValue());
        }
      }
    }
    boolean infiniteDefault = o.defaultValue() != null && o.defaultValue().toLowerCase(Locale.ROOT).contains("inf")
        || o.initialValue() instanceof Double d && Double.isInfinite(d);
    for (double x : values) {
      if (Double.isNaN(x) || Double.isInfinite(x) && !infiniteDefault) {
        throw new UsageException(o.longestName() + " must be a finite number, got " + x);
      }
    }
  }

  /** The existing files an option's value names (a Path, or a String such as a file or gmm:FILE). */
  private static List<Path> paths(Object v) {
    List<Path> out = new ArrayList<>();
    if (v instanceof Path p) {
      out.add(p);
    } else if (v instanceof String s && !s.isEmpty()) {
      try {
        Path p = Path.of(s.startsWith("gmm:") ? s.substring(4) : s);
        if (Files.exists(p)) {
          out.add(p);
        }
      } catch (InvalidPathException e) {
        // not a path
      }
    } else if (v instanceof Collection<?> c) {
      for (Object x : c) {
        out.addAll(paths(x));
      }
    }
    return out;
  }

  /** Refuses a non-finite value read from {@code file} (given as {@code flag}), naming its row and column. */
  static void requireFinite(String flag, Path file, Batch x) {
    int f = x.firstNonFinite();
    if (f >= 0) {
      throw new UsageException(flag + " " + file + ": non-finite value " + x.data()[f] + " at row " + f / x.d()
          + ", column " + f % x.d() + " (0-based)");
    }
  }

  /**
   * Refuses up front a request whose memory need exceeds what the JVM may use.
   *
   * @param what the request, e.g. {@code --n 300000000}
   * @param bytes the estimated need (negative or Long.MAX_VALUE: overflowed)
   */
  static void requireMemory(String what, long bytes) {
    long max = Runtime.getRuntime().maxMemory();
    if (bytes < 0 || bytes > max / 10 * 9) {
      throw new UsageException(what + " needs about " + (bytes < 0 ? "more than 8 EB" : ReadLimits.human(bytes))
          + " of memory; this JVM may use " + ReadLimits.human(max) + " (lower it, or raise -Xmx)");
    }
  }

  /** a * b * c ... saturating at Long.MAX_VALUE (for estimates). */
  static long product(long... factors) {
    long p = 1;
    for (long f : factors) {
      if (f < 0) {
        return Long.MAX_VALUE;
      }
      if (f != 0 && p > Long.MAX_VALUE / f) {
        return Long.MAX_VALUE;
      }
      p *= f;
    }
    return p;
  }
}
