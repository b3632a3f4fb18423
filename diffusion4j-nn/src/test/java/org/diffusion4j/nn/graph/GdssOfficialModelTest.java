package org.diffusion4j.nn.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npz;
import org.diffusion4j.nn.DjlRuntime;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.GraphNet;
import org.diffusion4j.nn.net.GraphNetConfig;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.junit.jupiter.api.Test;

/**
 * GraphNet with GDSS's own weights computes what GDSS's code computes. Fixture gdss-tiny.npz:
 * a small ScoreNetworkX (F 5, depth 2, nhid 8) and ScoreNetworkA (N 7, 3 layers, nhid 8, adim 8,
 * 2 heads, c 2/3/2) built by harryjo97/GDSS models/*.py under torch.manual_seed(0) (biases
 * perturbed so that they matter), their weights renamed as docs/scripts/gdss_checkpoint_to_npz.py
 * does, two padded inputs (one graph with 2 padding nodes) and GDSS's outputs.
 */
class GdssOfficialModelTest {

  @Test
  void graphNetWithGdssWeightsReproducesGdssOutputs() throws Exception {
    Map<String, NdArray> f = Npz.read(Path.of(getClass().getResource("gdss-tiny.npz").toURI()));
    GraphNetConfig cx = new GraphNetConfig(GraphNetConfig.Target.NODES, GraphNetConfig.Layer.GCN, 7, 5, 2, 8, 8, 2, 2,
        2, 3, 2, 0, 0, 0, 0);
    GraphNetConfig ca = new GraphNetConfig(GraphNetConfig.Target.ADJACENCY, GraphNetConfig.Layer.GMH, 7, 5, 3, 8, 8, 2,
        2, 2, 3, 2, 0, 0, 0, 0);
    try (NDManager m = DjlRuntime.newManager()) {
      NDArray x = array(m, f.get("input.x"));
      NDArray adj = array(m, f.get("input.adj"));
      NDArray flags = array(m, f.get("input.flags"));
      NDArray c = m.zeros(new Shape(2, 1));
      GraphNet nx = cx.build();
      GraphNet na = ca.build();
      NDArray ox = nx.forward(params(m, nx.specs(), f, "x/"), x, c,
          Condition.NONE.withAdjacency(adj).withMask(flags));
      NDArray oa = na.forward(params(m, na.specs(), f, "adj/"), adj, c,
          Condition.NONE.withContext(x).withMask(flags));
      compare(f.get("output.x"), ox.toFloatArray(), "ScoreNetworkX");
      compare(f.get("output.adj"), oa.toFloatArray(), "ScoreNetworkA");
    }
  }

  private static void compare(NdArray want, float[] got, String what) {
    assertEquals(want.size(), got.length);
    for (int i = 0; i < got.length; i++) {
      assertEquals(want.flat(i), got[i], 2e-6, what + " entry " + i);
    }
  }

  private static NDArray array(NDManager m, NdArray a) {
    double[] d = a.data();
    float[] v = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      v[i] = (float) d[i];
    }
    return m.create(v, new Shape(a.shape()));
  }

  private static ParamSet params(NDManager m, List<ParamSpec> specs, Map<String, NdArray> f, String prefix) {
    float[][] values = new float[specs.size()][];
    Map<String, NdArray> byName = new HashMap<>();
    f.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        byName.put(k.substring(prefix.length()), v);
      }
    });
    assertEquals(specs.size(), byName.size(), "parameter count");
    for (int i = 0; i < specs.size(); i++) {
      NdArray a = byName.get(specs.get(i).name());
      assertEquals(java.util.Arrays.toString(specs.get(i).shape()), java.util.Arrays.toString(a.shape()),
          specs.get(i).name());
      double[] d = a.data();
      values[i] = new float[d.length];
      for (int k = 0; k < d.length; k++) {
        values[i][k] = (float) d[k];
      }
    }
    return ParamSet.of(m, specs, values, false);
  }
}
