package org.diffusion4j.nn.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The random-grid neural process: invariance to the grid's point order, consistency of the encoder
 * as the random grid is refined, float64 gradient checks of the physics- and data-informed loss,
 * determinism, save/load, and bad input.
 */
class RandomGridNpTest {
  private static RandomGridNpConfig tiny(String kind) {
    return RandomGridNpConfig.defaults(kind).withSize(3, 12, 6, kind.equals("burgers") ? 3 : 1).withGrid(10, false);
  }

  @Test
  void predictionsIgnoreTheOrderOfTheGridPoints() {
    RandomGridNp np = RandomGridNp.initial(RandomGridNpConfig.defaults("poisson"));
    ParametricPde family = np.family();
    double[] theta = {1, -0.5, 0.8, 0.3};
    double[] x = RandomGrid.stratified(Rng.of(5), 40, 0, 1);
    double[] f = family.inputFunction(theta, x);
    int[] perm = new int[x.length];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = (i * 17 + 3) % x.length; // 17 and 40 are coprime: a permutation
    }
    double[] xp = new double[x.length];
    double[] fp = new double[x.length];
    for (int i = 0; i < perm.length; i++) {
      xp[i] = x[perm[i]];
      fp[i] = f[perm[i]];
    }
    double[] q = RandomGrid.cellCentres(30, 0, 1);
    RandomGridNp.Prediction a = np.predict(x, f, q, null, 20, 9);
    RandomGridNp.Prediction b = np.predict(xp, fp, q, null, 20, 9);
    double scale = 0;
    for (int j = 0; j < q.length; j++) {
      assertEquals(a.mean()[j], b.mean()[j], 1e-6);
      assertEquals(a.upper()[j], b.upper()[j], 1e-6);
      scale = Math.max(scale, Math.abs(a.mean()[j]));
    }
    assertTrue(scale > 1e-3, "a trivial prediction proves nothing: max |mean| " + scale);
  }

  @Test
  void encoderConvergesAsTheRandomGridIsRefined() {
    RandomGridNp np = RandomGridNp.initial(RandomGridNpConfig.defaults("poisson"));
    double[] theta = {0.7, -1.2, 0.4, 1.1};
    double[] fine = RandomGrid.cellCentres(16384, 0, 1);
    double[] limit = np.latent(fine, new double[][] {np.family().inputFunction(theta, fine)})[0][0];
    int[] sizes = {16, 64, 256, 1024};
    double[] rms = new double[sizes.length];
    for (int s = 0; s < sizes.length; s++) {
      double sq = 0;
      for (int rep = 0; rep < 8; rep++) {
        double[] x = RandomGrid.stratified(Rng.of(21).stream(s, rep), sizes[s], 0, 1);
        double[] mean = np.latent(x, new double[][] {np.family().inputFunction(theta, x)})[0][0];
        for (int l = 0; l < mean.length; l++) {
          sq += (mean[l] - limit[l]) * (mean[l] - limit[l]);
        }
      }
      rms[s] = Math.sqrt(sq / 8);
    }
    for (int s = 1; s < sizes.length; s++) {
      assertTrue(rms[s] < rms[s - 1] / 4, "4x more points must cut the rms latent error by > 4: " + java.util.Arrays.toString(rms));
    }
  }

  @Test
  void poissonLossGradientMatchesFiniteDifferences() {
    gradientCheck("poisson");
  }

  @Test
  void burgersLossGradientMatchesFiniteDifferences() {
    gradientCheck("burgers");
  }

  private static void gradientCheck(String kind) {
    RandomGridNpConfig cfg = tiny(kind).withObservations(3);
    RandomGridNpNet net = new RandomGridNpNet(cfg);
    ParametricPde family = net.family;
    float[][] init = net.initialValues(3);
    double[][] w = new double[init.length][];
    for (int i = 0; i < w.length; i++) {
      w[i] = new double[init[i].length];
      for (int j = 0; j < w[i].length; j++) {
        w[i][j] = init[i][j];
      }
    }
    Rng rng = Rng.of(8);
    int n = 10;
    double[] x = RandomGrid.stratified(rng, n, 0, 1);
    double[] t = family.timeDependent() ? RandomGrid.stratified(rng, n, 0, family.endTime()) : null;
    int b = 2;
    double[][] values = new double[b][];
    double[][] obsY = new double[b][3];
    double[] obsX = {0.2, 0.55, 0.9};
    double[] obsT = family.timeDependent() ? new double[] {0.1, 0.3, 0.5} : null;
    for (int i = 0; i < b; i++) {
      values[i] = family.inputFunction(family.sampleParameters(rng.stream(i)), x);
      for (int k = 0; k < 3; k++) {
        obsY[i][k] = 0.3 * rng.nextGaussian();
      }
    }
    RandomGridNpNet.Step step = new RandomGridNpNet.Step(x, RandomGrid.cellWeights(x, 0, 1), t, values, obsX, obsT, obsY);
    double[] eps = new double[b * cfg.latent()];
    rng.fillGaussian(eps, 0, eps.length);
    int[] checked = {0, 2, 4, 9, 10, 14, 15};
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, true);
      NDArray noise = m.create(eps, new Shape(b, cfg.latent()));
      double[][] grads = new double[checked.length][];
      try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        NDArray loss = net.loss(p, step, noise).loss();
        assertEquals(DataType.FLOAT64, loss.getDataType());
        gc.backward(loss);
      }
      for (int c = 0; c < checked.length; c++) {
        grads[c] = p.get(checked[c]).getGradient().toDoubleArray();
      }
      for (int c = 0; c < checked.length; c++) {
        int tensor = checked[c];
        for (int e = 0; e < Math.min(3, w[tensor].length); e++) {
          int idx = (e * 7) % w[tensor].length;
          double h = 1e-6;
          double keep = w[tensor][idx];
          w[tensor][idx] = keep + h;
          double plus = lossValue(net, w, step, eps, b);
          w[tensor][idx] = keep - h;
          double minus = lossValue(net, w, step, eps, b);
          w[tensor][idx] = keep;
          double fd = (plus - minus) / (2 * h);
          double ad = grads[c][idx];
          assertEquals(fd, ad, 1e-6 * Math.max(1, Math.abs(fd)),
              kind + " " + net.specs().get(tensor) + "[" + idx + "]: autograd " + ad + ", central difference " + fd);
        }
      }
    }
  }

  private static double lossValue(RandomGridNpNet net, double[][] w, RandomGridNpNet.Step step, double[] eps, int b) {
    try (NDManager m = DjlRuntime.newManager()) {
      ParamSet p = ParamSet.ofDouble(m, net.specs(), w, false);
      return net.loss(p, step, m.create(eps, new Shape(b, net.config.latent()))).loss().getDouble();
    }
  }

  @Test
  void trainingIsSeededAndLowersTheLoss(@TempDir Path dir) throws Exception {
    RandomGridNpConfig cfg = tiny("poisson").withIterations(120);
    RandomGridNp a = RandomGridNp.train(cfg, null);
    RandomGridNp b = RandomGridNp.train(cfg, null);
    double[] q = RandomGrid.cellCentres(20, 0, 1);
    double[] x = RandomGrid.cellCentres(32, 0, 1);
    double[] theta = {1, 0, -1, 0.5};
    double[] f = a.family().inputFunction(theta, x);
    assertArrayEquals(a.predict(x, f, q, null, 5, 1).mean(), b.predict(x, f, q, null, 5, 1).mean(), 0.0);
    double trained = a.relativeError(new double[][] {theta}, x, q, null);
    double untrained = RandomGridNp.initial(cfg).relativeError(new double[][] {theta}, x, q, null);
    assertTrue(trained < 0.8 * untrained, "relative error " + untrained + " -> " + trained);
    a.save(dir.resolve("m"));
    RandomGridNp back = RandomGridNp.load(dir.resolve("m"));
    assertEquals(a.config(), back.config());
    assertEquals(a.summary(), back.summary());
    assertArrayEquals(a.predict(x, f, q, null, 5, 1).mean(), back.predict(x, f, q, null, 5, 1).mean(), 0.0);
    assertTrue(Files.isRegularFile(dir.resolve("m").resolve(RandomGridNp.WEIGHTS_FILE)));
  }

  @Test
  void badInputIsRejected() {
    RandomGridNp np = RandomGridNp.initial(tiny("burgers"));
    double[] x = {0.1, 0.5};
    assertThrows(IllegalArgumentException.class, () -> np.predict(x, new double[3], x, x, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> np.predict(x, new double[2], x, null, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> np.predict(x, new double[2], new double[] {1.5}, new double[] {0}, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> np.predict(x, new double[2], x, new double[] {0, 9}, 2, 0));
    assertThrows(IllegalArgumentException.class, () -> np.predict(x, new double[2], x, x, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> np.latent(new double[] {2}, new double[][] {{1}}));
    assertThrows(IllegalArgumentException.class, () -> np.inverse(x, x, new double[1], 0.1, 16, 10, x, x, 0));
    assertThrows(IllegalArgumentException.class, () -> new ProblemSpec("heat", 0, 0, 0, 1, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> RandomGridNpConfig.defaults("poisson").withGrid(1, false));
    assertThrows(IllegalArgumentException.class, () -> RandomGridNpConfig.defaults("poisson").withSize(4, 8, 8, 2));
  }
}
