package org.diffusion4j.nn.neuralsde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.diffusion4j.irregular.IrregularBatch;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** The fit entry point learns an easy task, is seeded, and rejects bad input at the boundary. */
class IrregularFitTest {
  /** Rising (label 1) or falling (label 0) noisy lines on 12 times, 30% of the points dropped. */
  static IrregularData lines(int n, long seed) {
    Rng r = Rng.of(seed);
    int length = 12;
    double[] t = new double[length];
    for (int k = 0; k < length; k++) {
      t[k] = k;
    }
    double[] v = new double[n * length];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      double slope = (y[i] == 1 ? 1 : -1) * (0.05 + 0.1 * r.nextDouble());
      double level = r.nextGaussian();
      for (int k = 0; k < length; k++) {
        v[i * length + k] = level + slope * k + 0.05 * r.nextGaussian();
      }
    }
    IrregularBatch b = new IrregularBatch(t, v, n, 1).dropTimePoints(0.3, seed + 1).withTimeChannel();
    return IrregularData.classification(b, y, 2);
  }

  static double accuracy(double[] logits, int[] y) {
    int right = 0;
    for (int i = 0; i < y.length; i++) {
      right += (logits[2 * i + 1] > logits[2 * i] ? 1 : 0) == y[i] ? 1 : 0;
    }
    return right / (double) y.length;
  }

  @Test
  void neuralCdeAndLsdeLearnToSeparateRisingFromFallingLines() {
    IrregularData train = lines(128, 1);
    IrregularData test = lines(128, 2);
    IrregularFit.Options o = new IrregularFit.Options(8, 1, 60, 32, 2e-2, 1, IrregularFit.Interpolation.HERMITE, 3);
    for (IrregularModel m : new IrregularModel[] {IrregularModel.NCDE, IrregularModel.LSDE}) {
      FittedIrregular fit = IrregularFit.fit(m, train, o);
      double acc = accuracy(fit.predict(test.inputs(), 5), test.labels());
      assertTrue(acc >= 0.9, m + " test accuracy " + acc);
      assertEquals(0, fit.skippedSteps());
    }
  }

  @Test
  void sameSeedGivesIdenticalWeightsAndAnotherSeedDoesNot() {
    IrregularData train = lines(32, 1);
    IrregularFit.Options o = new IrregularFit.Options(4, 1, 5, 8, 1e-2, 2, IrregularFit.Interpolation.LINEAR, 7);
    float[][] a = IrregularFit.fit("gsde", train, o).weights();
    float[][] b = IrregularFit.fit("gsde", train, o).weights();
    float[][] c = IrregularFit.fit("gsde", train, o.withSeed(8)).weights();
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
    assertFalse(Arrays.equals(a[0], c[0]));
  }

  @Test
  void savedModelPredictsIdentically(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    IrregularData train = lines(16, 1);
    IrregularFit.Options o = new IrregularFit.Options(4, 2, 3, 8, 1e-2, 1, IrregularFit.Interpolation.HERMITE, 7);
    FittedIrregular fit = IrregularFit.fit("lnsde", train, o);
    fit.save(dir);
    FittedIrregular back = FittedIrregular.load(dir);
    assertEquals(IrregularModel.LNSDE, back.net().kind());
    assertArrayEquals(fit.predict(train.inputs(), 3), back.predict(train.inputs(), 3));
  }

  @Test
  void badInputIsRejected() {
    IrregularBatch b = IrregularBatch.of(new double[] {0, 1, 2}, new double[] {0, 1, 2});
    assertThrows(IllegalArgumentException.class, () -> IrregularData.classification(b, new int[] {0, 1}, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> IrregularData.classification(b, new int[] {2}, 2));
    assertTrue(e.getMessage().contains("label 2"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IrregularData.interpolation(b, new double[2], 1));
    assertTrue(e.getMessage().contains("3 values"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> IrregularFit.fit("lstm", lines(4, 1),
        IrregularFit.Options.defaults()));
    assertTrue(e.getMessage().contains("lsde, lnsde, gsde"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new IrregularFit.Options(8, 1, 10, 8, 2.0, 1, IrregularFit.Interpolation.HERMITE, 0));
    assertTrue(e.getMessage().contains("(0, 1)"), e.getMessage());
  }
}
