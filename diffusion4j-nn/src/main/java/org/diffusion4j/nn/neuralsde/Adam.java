package org.diffusion4j.nn.neuralsde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.diffusion4j.nn.net.ParamSet;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1; betas 0.9 / 0.999, eps 1e-8) on one parameter set, its
 * moments as tensors beside the weights. {@code step(sm, -1)} ascends (the SDE-GAN generator).
 * Public for the other small hand-written trainers (nn.pde).
 */
public final class Adam {
  private final ParamSet params;
  private final NDArray[] m;
  private final NDArray[] v;
  private double lr;
  private long t;

  /** Zero moments for {@code params}, created in {@code manager}. */
  public Adam(NDManager manager, ParamSet params, double lr) {
    this.params = params;
    this.lr = lr;
    m = new NDArray[params.size()];
    v = new NDArray[params.size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = manager.zeros(params.get(i).getShape(), params.get(i).getDataType());
      v[i] = manager.zeros(params.get(i).getShape(), params.get(i).getDataType());
    }
  }

  /** One update from the accumulated gradients times {@code gradSign} (+1 descends, -1 ascends). */
  public void step(NDManager sm, double gradSign) {
    t++;
    double b1 = 0.9;
    double b2 = 0.999;
    double bc1 = 1 - Math.pow(b1, t);
    double bc2 = 1 - Math.pow(b2, t);
    for (int i = 0; i < m.length; i++) {
      NDArray p = params.get(i);
      NDArray g = p.getGradient();
      g.attach(sm);
      m[i].muli((float) b1).addi(g.mul((float) ((1 - b1) * gradSign)));
      v[i].muli((float) b2).addi(g.square().muli((float) (1 - b2)));
      NDArray vHat = v[i].div((float) bc2);
      vHat.attach(sm);
      NDArray update = m[i].div(vHat.sqrt().addi(1e-8f));
      update.attach(sm);
      p.subi(update.muli((float) (lr / bc1)));
    }
  }

  /** Sets the step size of the following updates (a schedule). */
  public void setLearningRate(double rate) {
    lr = rate;
  }

  /** Clears the accumulated gradients of every parameter. */
  public void zeroGrads() {
    for (NDArray p : params.arrays()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
  }
}
