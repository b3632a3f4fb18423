package org.diffusion4j.nn.graph.pard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.graph.Graph;
import org.diffusion4j.graph.GraphDatasets;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PardTrainerTest {

  /**
   * The tensor loss equals the bound computed entry by entry in plain Java from the network's own
   * p(x_0 | x_t): KL(q(x_{t-1} | x_t, x_0) || sum_i p(i) q(x_{t-1} | x_t, i)) for t &gt;= 2,
   * -log p(x_0) for t = 1, the prior term, ce_coeff x -log p(x_0); and the head's cross-entropy.
   */
  @Test
  void lossEqualsTheBoundComputedPerPair() {
    PardConfig c = PardNetTest.smallConfig();
    PardModel model = new PardModel(c);
    PardDiffusion d = new PardDiffusion(c.diffusionSteps(), c.edgeMarginal());
    List<PardTrainer.Prepared> data = PardTrainer.prepare(c, GraphDatasets.train("community_small").subList(0, 6));
    PardTrainer.Batch batch = PardTrainer.examples(c, d, data, Rng.of(4));
    try (NDManager manager = DjlRuntime.newManager()) {
      float[][] init = model.net().initialValues();
      double[][] w = new double[init.length][];
      Rng wr = Rng.of(3);
      for (int i = 0; i < init.length; i++) {
        w[i] = new double[init[i].length];
        for (int j = 0; j < w[i].length; j++) {
          w[i][j] = init[i][j] + 0.2 * wr.nextGaussian();
        }
      }
      ParamSet p = ParamSet.ofDouble(manager, model.net().specs(), w, false);
      PardModel.Tensors t = model.tensors(manager, batch.inputs(), DataType.FLOAT64, true);
      double[] l = {0, 0};
      var out = PardTrainer.loss(model, t, batch, manager, DataType.FLOAT64, p);
      l[0] = out[0].getDouble();
      l[1] = out[1].getDouble();
      // per pair in Java
      int n = c.maxNodes();
      double[] logits = model.net().outputs(p, t.x(), t.c(), t.condition()).edgeLogits().toDoubleArray();
      double[] block = model.net().outputs(p, t.x(), t.c(), t.condition()).blockLogits().toDoubleArray();
      int graphs = data.size();
      double expected = 0;
      int pairsSeen = 0;
      for (int i = 0; i < graphs; i++) {
        PardInput in = batch.inputs().get(i);
        int step = in.step();
        for (int[] uv : PardModel.targetPairs(in)) {
          int pos = (i * n + uv[0]) * n + uv[1];
          double a = logits[pos * 2];
          double b = logits[pos * 2 + 1];
          double mx = Math.max(a, b);
          double lz = mx + Math.log(Math.exp(a - mx) + Math.exp(b - mx));
          double[] f = {Math.exp(a - lz), Math.exp(b - lz)};
          int x0 = batch.x0()[pos * 2 + 1] == 1 ? 1 : 0;
          int xt = in.edges()[uv[0] * in.nodes() + uv[1]];
          double ce = -Math.log(f[x0]);
          if (step == 1) {
            expected += ce;
          } else {
            double[] q = d.posterior(xt, x0, step - 1, step);
            double[] pm = d.reverse(f, xt, step - 1, step);
            for (int k = 0; k < 2; k++) {
              if (q[k] > 0) {
                expected += q[k] * (Math.log(q[k]) - Math.log(pm[k]));
              }
            }
          }
          expected += c.ceCoeff() * ce + d.priorKl(x0) / c.diffusionSteps();
          pairsSeen++;
        }
      }
      assertTrue(pairsSeen > 10);
      // The posterior targets travel as float32 arrays: agreement to float32 precision.
      assertEquals(expected / graphs, l[0], 1e-6 * Math.max(1, Math.abs(expected)));
      int k = c.net().blockClasses();
      double blockExpected = 0;
      for (int i = 0; i < graphs; i++) {
        int row = graphs + i;
        double mx = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          mx = Math.max(mx, block[row * k + j]);
        }
        double z = 0;
        for (int j = 0; j < k; j++) {
          z += Math.exp(block[row * k + j] - mx);
        }
        for (int j = 0; j < k; j++) {
          if (batch.blockTarget()[i * k + j] == 1) {
            blockExpected -= block[row * k + j] - mx - Math.log(z);
          }
        }
      }
      assertEquals(blockExpected / graphs, l[1], 1e-9 * Math.max(1, blockExpected));
    }
  }

  @Test
  void runTrainsSavesReloadsAndSamplesDeterministically(@TempDir Path dir) throws Exception {
    List<Graph> train = new ArrayList<>(GraphDatasets.train("community_small").subList(0, 8));
    PardConfig c = PardConfig.fit("community_small", train, 20, 8, 1, 3, 3, 4, 1e-3, 1);
    List<Double> losses = new ArrayList<>();
    PardTrainer.Summary s = PardTrainer.train(c, train, dir, l -> losses.add(l.diffusionLoss() + l.blockLoss()));
    assertEquals(3, s.steps());
    assertEquals(3, losses.size());
    assertTrue(losses.stream().allMatch(Double::isFinite));
    PardRun run = PardRun.open(dir);
    assertEquals(c.toJson(), run.config().toJson());
    List<Graph> a = run.sample(3, 9);
    assertEquals(a, run.sample(3, 9));
    for (Graph g : a) {
      assertTrue(g.nodeCount() <= 20);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PardRun.open(dir.resolve("none")));
    assertTrue(e.getMessage().contains("not a PARD run"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PardTrainer.train(c, List.of(), dir, null));
    List<Graph> big = List.of(GraphDatasets.train("community_small").get(0));
    assertThrows(IllegalArgumentException.class, () -> PardConfig.fit("x", big, 5, 8, 1, 3, 3, 4, 1e-3, 1));
  }
}
