package org.diffusion4j.forecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuidanceTuningTest {
  private static double[] series(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = 20 + 5 * Math.sin(2 * Math.PI * i / 12) + 0.1 * i;
    }
    return v;
  }

  @Test
  void validationBlockEndsAtTheFirstTestOrigin() {
    RollingOrigin test = new RollingOrigin(200, 12, 5); // origins 140, 152, ..., 188
    RollingOrigin val = GuidanceTuning.validationBlock(test, 3);
    assertEquals(140, test.firstOrigin());
    assertEquals(104, val.origin(0));
    assertEquals(116, val.origin(1));
    assertEquals(128, val.origin(2));
    assertEquals(test.firstOrigin(), val.origin(2) + val.horizon());
    assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.validationBlock(test, 0));
    assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.validationBlock(test, 12));
  }

  /** 8 samples per origin: the truth shifted by |s - 2| (+ 0.3 for MSE), spread 0.05 apart. */
  private static double[][][] offsetTruth(double[] v, GuidanceTuning.Candidate c, double[][] histories) {
    double[][][] f = new double[histories.length][8][12];
    for (int k = 0; k < histories.length; k++) {
      int origin = histories[k].length;
      for (int s = 0; s < 8; s++) {
        for (int h = 0; h < 12; h++) {
          double offset = Math.abs(c.scale() - 2) + (c.loss() == SelfGuidance.Loss.MSE ? 0.3 : 0);
          f[k][s][h] = v[origin + h] + offset + 0.05 * (s - 3.5);
        }
      }
    }
    return f;
  }

  /**
   * A fake forecaster whose samples are the truth (read off the full series) shifted by |s - 2|
   * plus a spread: the lowest validation wQL is at scale 2. It records the histories it is given.
   */
  @Test
  void choosesTheLowestValidationWqlAndNeverSeesTestValues() {
    double[] v = series(200);
    RollingOrigin test = new RollingOrigin(v.length, 12, 5);
    RollingOrigin val = GuidanceTuning.validationBlock(test, 2);
    List<GuidanceTuning.Candidate> candidates = GuidanceTuning.parse("quantile:1, quantile:2,quantile:8,mse:2.5");
    List<Integer> lengths = new ArrayList<>();
    GuidanceTuning.Result r = GuidanceTuning.tune(candidates, val, v, 12, (c, histories) -> {
      for (double[] h : histories) {
        lengths.add(h.length);
      }
      return offsetTruth(v, c, histories);
    });
    assertEquals(1, r.best());
    assertEquals(new GuidanceTuning.Candidate(SelfGuidance.Loss.QUANTILE, 2), r.bestTrial().candidate());
    assertEquals(4, r.trials().size());
    assertEquals(List.of(116, 128, 116, 128, 116, 128, 116, 128), lengths);
    // wQL grows with the offset: scale 1 and mse:2.5 (offset 0.8) both lose to scale 2
    assertTrue(r.trials().get(0).scores().wql() > r.trials().get(1).scores().wql());
    assertTrue(r.trials().get(3).scores().wql() > r.trials().get(1).scores().wql());

    // the test block can be anything: the choice and the scores are unchanged
    double[] poisoned = v.clone();
    for (int i = test.firstOrigin(); i < poisoned.length; i++) {
      poisoned[i] = Double.NaN;
    }
    GuidanceTuning.Result again = GuidanceTuning.tune(candidates, val, poisoned, 12, (c, histories) -> {
      for (double[] h : histories) {
        for (double x : h) {
          assertTrue(Double.isFinite(x));
        }
      }
      return offsetTruth(v, c, histories);
    });
    assertEquals(r.best(), again.best());
    for (int i = 0; i < r.trials().size(); i++) {
      assertEquals(r.trials().get(i).scores(), again.trials().get(i).scores());
    }
  }

  @Test
  void candidatesThatBlowUpOrScoreNaNAreNeverChosen() {
    double[] v = series(120);
    RollingOrigin val = GuidanceTuning.validationBlock(new RollingOrigin(v.length, 6, 2), 2);
    GuidanceTuning.Result r = GuidanceTuning.tune(GuidanceTuning.parse("mse:1,quantile:8,quantile:4"), val, v, 12,
        (c, histories) -> {
          if (c.loss() == SelfGuidance.Loss.MSE) {
            throw new org.diffusion4j.sampler.NonFiniteModelOutputException("model returned NaN at step 17", 17, 0.83);
          }
          double[][][] f = new double[histories.length][4][6];
          for (double[][] o : f) {
            for (double[] p : o) {
              java.util.Arrays.fill(p, c.scale() == 8 ? Double.NaN : 20);
            }
          }
          return f;
        });
    assertEquals(2, r.best());
    assertTrue(r.trials().get(0).failure().contains("NaN at step 17"), r.trials().get(0).failure());
    assertTrue(Double.isNaN(r.trials().get(0).scores().wql()));
    assertTrue(Double.isNaN(r.trials().get(1).scores().wql()));
    assertEquals(null, r.trials().get(2).failure());
  }

  @Test
  void badCandidatesAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.parse("quantile"));
    assertTrue(e.getMessage().contains("loss:scale"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.parse("huber:2"));
    assertTrue(e.getMessage().contains("unknown guidance loss 'huber'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.parse("mse:-1"));
    assertTrue(e.getMessage().contains("got -1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GuidanceTuning.parse("mse:x"));
    assertTrue(e.getMessage().contains("must be a number"), e.getMessage());
  }
}
