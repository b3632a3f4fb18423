package org.diffusion4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Npy;
import org.diffusion4j.nn.objective.Objective;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;
import org.diffusion4j.path.EdmPath;
import org.diffusion4j.pfgm.PfgmppKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code d4j train --objective pfgmpp --augmented-dim D}, and {@code d4j sample} from the PFGM++ prior of such a run. */
class PfgmppOptionTest {
  @Test
  void pfgmppRunTrainsSamplesAndValidates(@TempDir Path dir) throws Exception {
    Path runDir = dir.resolve("run");
    TrainCommandTest.Run r = TrainCommandTest.run("train", "--data", "moons", "--out", runDir.toString(), "--objective",
        "pfgmpp", "--augmented-dim", "32", "--width", "16", "--depth", "1", "--batch", "64", "--n-train", "1000",
        "--steps", "20");
    assertEquals(0, r.code(), r.err());
    TrainConfig cfg = Checkpoint.readLatest(runDir).config();
    assertEquals(Objective.PFGMPP, cfg.objective());
    assertEquals(32.0, cfg.augmentedDim());
    assertEquals("edm", cfg.path());
    // The sampler starts from the run's PFGM++ prior: r_max = sigma_max sqrt(D) times sqrt(Beta'(N/2, D/2)).
    ModelSpecs.ResolvedModel m = ModelSpecs.resolve(runDir.toString(), new EdmPath(), null);
    Batch prior = m.prior().draw(7, 50, EdmPath.DEFAULT_SIGMA_MAX);
    assertTrue(m.description().contains("trained pfgmpp D=32 "), m.description());
    assertArrayEquals(new PfgmppKernel(2, 32).perturbations(7, 50, EdmPath.DEFAULT_SIGMA_MAX).data(), prior.data());
    Path samples = dir.resolve("s.npy");
    TrainCommandTest.Run s = TrainCommandTest.run("sample", "--model", runDir.toString(), "--solver", "heun", "--steps",
        "6", "--n", "200", "--out", samples.toString());
    assertEquals(0, s.code(), s.err());
    Batch x = Npy.readBatch(samples);
    assertEquals(200, x.n());
    assertEquals(-1, x.firstNonFinite());

    TrainCommandTest.Run inf = TrainCommandTest.run("train", "--data", "moons", "--out", dir.resolve("inf").toString(),
        "--objective", "pfgmpp", "--augmented-dim", "inf", "--width", "16", "--depth", "1", "--batch", "64",
        "--n-train", "1000", "--steps", "2");
    assertEquals(0, inf.code(), inf.err());
    assertEquals(0.0, Checkpoint.readLatest(dir.resolve("inf")).config().augmentedDim());

    TrainCommandTest.Run wrongObjective = TrainCommandTest.run("train", "--data", "moons", "--out",
        dir.resolve("e").toString(), "--objective", "edm", "--augmented-dim", "64", "--steps", "2");
    assertEquals(2, wrongObjective.code());
    assertTrue(wrongObjective.err().contains("--augmented-dim applies to --objective pfgmpp"), wrongObjective.err());
    TrainCommandTest.Run bad = TrainCommandTest.run("train", "--data", "moons", "--out", dir.resolve("b").toString(),
        "--objective", "pfgmpp", "--augmented-dim", "0.5", "--steps", "2");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--augmented-dim must be a number >= 1 or inf, got 0.5"), bad.err());
  }
}
