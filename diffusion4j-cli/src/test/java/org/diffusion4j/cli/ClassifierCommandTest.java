package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierCommandTest {
  private static TrainCommandTest.Run run(String... args) {
    return TrainCommandTest.run(args);
  }

  @Test
  void trainThenEvaluateHeldOutDigits(@TempDir Path dir) throws Exception {
    Path cls = dir.resolve("cls");
    TrainCommandTest.Run t = run("classifier", "train", "--out", cls.toString(), "--steps", "20", "--seed", "3");
    assertEquals(0, t.code(), t.err());
    assertTrue(t.out().contains("held-out accuracy"), t.out());
    assertTrue(Files.exists(cls.resolve("classifier.json")) && Files.exists(cls.resolve("weights.npz")));
    // An existing classifier is not overwritten.
    TrainCommandTest.Run again = run("classifier", "train", "--out", cls.toString(), "--steps", "20");
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already holds a classifier"), again.err());

    Dataset held = Mnist.rows(Mnist.heldOut(), 0, 200, "heldout200");
    Path samples = dir.resolve("s.npy");
    Npy.write(samples, held.data());
    double[] y = new double[held.n()];
    for (int i = 0; i < y.length; i++) {
      y[i] = held.labels()[i];
    }
    Path labels = dir.resolve("y.npy");
    Npy.write(labels, new long[] {y.length}, y);
    TrainCommandTest.Run e = run("classifier", "evaluate", "--classifier", cls.toString(), "--samples", samples.toString(),
        "--labels", labels.toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("FD vs held-out") && e.out().contains("Inception score") && e.out().contains("class accuracy")
        && e.out().contains("median NN distance"), e.out());
    // Samples of the wrong width: exit 2 naming the shape.
    Path wide = dir.resolve("wide.npy");
    Npy.write(wide, new Batch(5, 100));
    TrainCommandTest.Run bad = run("classifier", "evaluate", "--classifier", cls.toString(), "--samples", wide.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("(5, 100)") && bad.err().contains("784"), bad.err());
  }

  @Test
  void badInputIsExitTwoWithOneLine(@TempDir Path dir) throws Exception {
    Path cls = dir.resolve("cls");
    Path samples = dir.resolve("s.npy");
    Npy.write(samples, new Batch(5, 100));
    TrainCommandTest.Run r = run("classifier", "evaluate", "--classifier", cls.toString(), "--samples", samples.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("not a classifier directory"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    TrainCommandTest.Run steps = run("classifier", "train", "--out", cls.toString(), "--steps", "0");
    assertEquals(2, steps.code());
    assertTrue(steps.err().contains("--steps"), steps.err());
    TrainCommandTest.Run missing = run("classifier");
    assertEquals(2, missing.code());
  }
}
