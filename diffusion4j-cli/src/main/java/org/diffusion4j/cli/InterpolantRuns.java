package org.diffusion4j.cli;

import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.random.Noise;

/** Shared pieces of the interpolant commands: end-point data and held-out draws. */
final class InterpolantRuns {
  private InterpolantRuns() {}

  /** Training rows of an end point: a toy set ({@code n} points from {@code seed}) or an NPY/CSV file, unstandardised. */
  static Dataset load(String spec, long seed, int n) throws IOException {
    return Datasets.load("--source", spec, seed, n, false).train();
  }

  /**
   * {@code n} fresh draws of an end point for sampling and evaluation: N(0, I) for gaussian,
   * held-out toy draws, or the first {@code n} rows of a file (all rows if fewer).
   */
  static Batch draws(String spec, int dim, long seed, int n) throws IOException {
    if (spec.equals("gaussian")) {
      return Noise.standardNormal(seed, n, dim);
    }
    if (Datasets.isToy(spec)) {
      if (dim != 2) {
        throw new UsageException("source " + spec + " is a 2-D toy set but the run has dimension " + dim);
      }
      return Toy2d.parse(spec).sample(Seeds.heldOut(seed, 0), n).data();
    }
    Batch all = load(spec, seed, n).data();
    if (all.d() != dim) {
      throw new UsageException("source " + spec + " has " + all.d() + " columns but the run has dimension " + dim);
    }
    int rows = Math.min(n, all.n());
    Batch b = new Batch(rows, all.d());
    System.arraycopy(all.data(), 0, b.data(), 0, rows * all.d());
    return b;
  }

  /** A file end point as an absolute normalised path; gaussian, toy sets and mnist unchanged. */
  static String absoluteSpec(String spec) {
    if (spec == null || !isFile(spec)) {
      return spec;
    }
    return Path.of(spec).toAbsolutePath().normalize().toString();
  }

  /** Whether two end-point specs name the same thing (file paths compared absolute and normalised). */
  static boolean sameEnd(String a, String b) {
    return a.equals(b) || isFile(a) && isFile(b) && absoluteSpec(a).equals(absoluteSpec(b));
  }

  static boolean isFile(String spec) {
    return !spec.equals("gaussian") && !Datasets.isToy(spec) && !spec.equalsIgnoreCase("mnist");
  }

  /**
   * An end point that a run's interpolant.json names, for reading: gaussian, toy sets and mnist as
   * they are; a file only if it lies inside the run directory (relative paths resolve against it).
   * Run contents are not trusted to point anywhere else: such a file must come from the command
   * line ({@code passAs}, e.g. {@code --source FILE}).
   */
  static String trustedEnd(Path runDir, String stored, String passAs) throws IOException {
    if (!isFile(stored)) {
      return stored;
    }
    Path dir = runDir.toAbsolutePath().normalize();
    Path p = dir.resolve(stored).normalize();
    Path real = Files.exists(p) ? p.toRealPath() : p;
    if (!real.startsWith(Files.exists(dir) ? dir.toRealPath() : dir)) {
      throw new UsageException(runDir.resolve(TrainedRun.INTERPOLANT_CONFIG) + " names " + stored + ", outside the run"
          + " directory; run contents are trusted only inside it: pass " + passAs + " FILE to use that file");
    }
    return real.toString();
  }

  static Path requireRun(Path dir) {
    if (!org.diffusion4j.nn.run.TrainedRun.isInterpolantRun(dir)) {
      throw new UsageException("--model " + dir + " is not an interpolant run (no interpolant.json); train one with"
          + " d4j train --objective interpolant");
    }
    return dir;
  }
}
