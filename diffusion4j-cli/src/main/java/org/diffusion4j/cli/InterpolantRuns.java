package org.diffusion4j.cli;

import org.diffusion4j.random.Seeds;
import java.io.IOException;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Datasets;
import org.diffusion4j.nn.data.Toy2d;
import org.diffusion4j.random.Noise;

/** Shared pieces of the interpolant commands: end-point data and held-out draws. */
final class InterpolantRuns {
  private InterpolantRuns() {}

  /** Training rows of an end point: a toy set ({@code n} points from {@code seed}) or an NPY/CSV file, unstandardised. */
  static Dataset load(String spec, long seed, int n) throws IOException {
    return Datasets.load(spec, seed, n, false).train();
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
      return Toy2d.parse(spec).sample(Seeds.heldOut(seed, 0), n).data();
    }
    Batch all = load(spec, seed, n).data();
    int rows = Math.min(n, all.n());
    Batch b = new Batch(rows, all.d());
    System.arraycopy(all.data(), 0, b.data(), 0, rows * all.d());
    return b;
  }

  static Path requireRun(Path dir) {
    if (!org.diffusion4j.nn.run.TrainedRun.isInterpolantRun(dir)) {
      throw new UsageException("--model " + dir + " is not an interpolant run (no interpolant.json); train one with"
          + " d4j train --objective interpolant");
    }
    return dir;
  }
}
