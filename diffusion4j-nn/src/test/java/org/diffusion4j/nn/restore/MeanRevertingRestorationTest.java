package org.diffusion4j.nn.restore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.diffusion4j.array.Batch;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeanRevertingRestorationTest {
  /**
   * mu = A^+ A x for 4x average pooling replaces each 4 x 4 block by its mean; two training steps
   * are deterministic; a saved model restores bitwise like the original, for every sampler.
   */
  @Test
  void degradeTrainSaveLoadRoundTrip(@TempDir Path dir) throws Exception {
    Batch clean = Mnist.rows(Mnist.heldOut(), 0, 2, "two").data();
    MeanRevertingRestoration.Config cfg = MeanRevertingRestoration.Config.small("sr4", 3);
    try (MeanRevertingRestoration m = MeanRevertingRestoration.create(cfg);
        MeanRevertingRestoration twin = MeanRevertingRestoration.create(cfg)) {
      Batch mu = m.degrade(clean);
      double block = 0;
      for (int a = 0; a < 4; a++) {
        for (int b = 0; b < 4; b++) {
          block += clean.get(0, (8 + a) * 28 + 12 + b) / 16;
        }
      }
      assertEquals(block, mu.get(0, 9 * 28 + 13), 1e-12);
      m.train(Mnist.train(), 2, 600, ProgressListener.NONE);
      twin.train(Mnist.train(), 2, 600, ProgressListener.NONE);
      assertEquals(2, m.stepsDone());
      for (MeanRevertingRestoration.Sampler s : MeanRevertingRestoration.Sampler.values()) {
        assertArrayEquals(m.restore(mu, s, 3, 5).data(), twin.restore(mu, s, 3, 5).data(), 0.0, s + " deterministic");
      }
      m.save(dir);
      try (MeanRevertingRestoration back = MeanRevertingRestoration.load(dir)) {
        assertEquals(cfg, back.config());
        for (MeanRevertingRestoration.Sampler s : MeanRevertingRestoration.Sampler.values()) {
          Batch x = m.restore(mu, s, 3, 5);
          assertEquals(-1, x.firstNonFinite());
          assertArrayEquals(x.data(), back.restore(mu, s, 3, 5).data(), 0.0, s + " after load");
        }
      }
      assertThrows(IllegalArgumentException.class, () -> m.restore(new Batch(1, 10), MeanRevertingRestoration.Sampler.MRS_SDE, 3, 1));
      assertThrows(IllegalArgumentException.class, () -> MeanRevertingRestoration.linearOperator("saturate"));
      assertTrue(MeanRevertingRestoration.isModel(dir));
    }
  }
}
