package org.diffusion4j.nn.net;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Float64 gradient checks of the control networks (GRU proposal, BC MLP) against central differences. */
class ControlNetsTest {
  @Test
  void gruGradientsMatchFiniteDifferences() {
    GruNet net = new GruConfig(3, 2, 3, 4, 0, 5).build();
    double[][] w = NetChecks.perturbed(net, 1, 0.1);
    double[] u = NetChecks.gaussian(Rng.of(2), 2 * 3 * 3, 1);
    NetChecks.gradientCheck(net.specs(), w, u, new Shape(2, 3, 3),
        (m, p, xa) -> net.forward(p, m.zeros(new Shape(2, 3, 2), DataType.FLOAT64), m.zeros(new Shape(2, 1),
            DataType.FLOAT64), Condition.NONE.withContext(xa)), new int[] {0, 2, 3, 4}, 7);
  }

  @Test
  void classConditionalGruGradientsMatchFiniteDifferences() {
    GruNet net = new GruConfig(3, 2, 3, 4, 2, 6).build();
    double[][] w = NetChecks.perturbed(net, 3, 0.1);
    double[] u = NetChecks.gaussian(Rng.of(4), 2 * 3 * 3, 1);
    double[] oneHot = {0, 1, 0, 0, 0, 1};
    NetChecks.gradientCheck(net.specs(), w, u, new Shape(2, 3, 3),
        (m, p, xa) -> net.forward(p, m.zeros(new Shape(2, 3, 2), DataType.FLOAT64), m.zeros(new Shape(2, 1),
            DataType.FLOAT64), Condition.NONE.withContext(xa).withClassOneHot(m.create(oneHot, new Shape(2, 3)))),
        new int[] {0, 2}, 9);
  }

  @Test
  void controlMlpGradientsMatchFiniteDifferences() {
    ControlMlp net = new ControlMlpConfig(6, 2, 8, 2, 0, 3).build();
    double[][] w = NetChecks.perturbed(net, 4, 0.1);
    double[] u = NetChecks.gaussian(Rng.of(5), 3 * 6, 1);
    NetChecks.gradientCheck(net.specs(), w, u, new Shape(3, 6),
        (m, p, xa) -> net.forward(p, m.zeros(new Shape(3, 2), DataType.FLOAT64), m.zeros(new Shape(3, 1),
            DataType.FLOAT64), Condition.NONE.withContext(xa)), new int[] {0, 1, 4}, 8);
  }
}
