package org.diffusion4j.nn.graph;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.nn.net.Condition;
import org.diffusion4j.nn.net.GraphNet;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.Layers;

/**
 * GDSS's two score functions on {@link GraphNet} (losses.py {@code get_score_fn}): for a VP SDE
 * the network predicts the (negated) scaled score, s = -net(X, A) / std(t); for VE s = net(X, A).
 * The X network reads A as its graph, the A network reads X as node context; both are masked by
 * the node flags.
 */
public final class GdssModel {
  private final GdssConfig config;
  private final GraphNet netX;
  private final GraphNet netAdj;

  public GdssModel(GdssConfig config) {
    this.config = config;
    this.netX = config.netX().build();
    this.netAdj = config.netAdj().build();
  }

  public GdssConfig config() {
    return config;
  }

  public GraphNet netX() {
    return netX;
  }

  public GraphNet netAdj() {
    return netAdj;
  }

  /** Raw outputs {netX(X; A), netA(A; X)}; {@code t} (n, 1) is passed as the networks' c. */
  public NDArray[] outputs(ParamSet px, ParamSet pa, NDArray x, NDArray adj, NDArray flags, NDArray t,
      boolean training) {
    NDArray outX = netX.forward(px, x, t,
        Condition.NONE.withAdjacency(adj).withMask(flags).withTraining(training));
    NDArray outA = netAdj.forward(pa, adj, t,
        Condition.NONE.withContext(x).withMask(flags).withTraining(training));
    return new NDArray[] {outX, outA};
  }

  /** The scores at one time t for the solvers. */
  public GraphScore score(ParamSet px, ParamSet pa) {
    return (x, adj, flags, t) -> {
      long n = x.getShape().get(0);
      NDArray c = x.getManager().full(new Shape(n, 1), (float) t);
      NDArray[] out = outputs(px, pa, x, adj, flags, c, false);
      return new NDArray[] {toScore(out[0], config.sdeX(), t), toScore(out[1], config.sdeAdj(), t)};
    };
  }

  private static NDArray toScore(NDArray out, GdssSde sde, double t) {
    return sde.type() == GdssSde.Type.VP ? out.div(Layers.scalar(out, -sde.std(t))) : out;
  }
}
