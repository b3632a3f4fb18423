package org.diffusion4j.nn.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.net.Network;

/**
 * One trainable {@link Network} with its optimiser state: weights, EMA weights and the AdamW
 * moments, in the form a {@link Checkpoint} stores. Shared by {@link Trainer} and the
 * interpolant trainer so that both take exactly the same update.
 *
 * <p>One step is: {@link #gradients} (global gradient norm), then, if it is finite,
 * {@link #update}: global-norm clipping to {@link TrainConfig#clipNorm}, AdamW (Loshchilov &amp;
 * Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2, with Adam's bias
 * correction, Kingma &amp; Ba 2015, Algorithm 1) and the EMA update
 * {@code ema <- ema - (1 - decay) (ema - w)} with the schedule of {@link TrainConfig#emaDecayAt};
 * finally {@link #zeroGrads}.
 */
public final class TrainableNet implements AutoCloseable {
  private final Network net;
  private final ParamSet params;
  private final ParamSet ema;
  private final ParamSet adamM;
  private final ParamSet adamV;

  /**
   * Creates the tensors in {@code manager}: a fresh initialisation with zero moments, or the state
   * of {@code from} (null for a fresh one), whose parameter specs must match the network's.
   */
  public TrainableNet(NDManager manager, TrainConfig config, Checkpoint from) {
    this.net = config.network().build();
    List<ParamSpec> specs = net.specs();
    if (from == null) {
      float[][] init = net.initialValues();
      float[][] zeros = new float[init.length][];
      for (int i = 0; i < init.length; i++) {
        zeros[i] = new float[init[i].length];
      }
      params = ParamSet.of(manager, specs, init, true);
      ema = ParamSet.of(manager, specs, init, false);
      adamM = ParamSet.of(manager, specs, zeros, false);
      adamV = ParamSet.of(manager, specs, zeros, false);
    } else {
      from.requireSpecs(specs);
      params = ParamSet.of(manager, specs, from.weights(), true);
      ema = ParamSet.of(manager, specs, from.ema(), false);
      adamM = ParamSet.of(manager, specs, from.adamM(), false);
      adamV = ParamSet.of(manager, specs, from.adamV(), false);
    }
  }

  public Network net() {
    return net;
  }

  /** The trainable weights (the live tensors, for the forward pass). */
  public ParamSet params() {
    return params;
  }

  /** Current weights (copies). */
  public float[][] weights() {
    return params.toFloats();
  }

  /** Current EMA weights (copies). */
  public float[][] emaWeights() {
    return ema.toFloats();
  }

  /**
   * Fills {@code grads} with the weights' gradients, attached to {@code sm}, and returns their
   * global L2 norm (computed in float32, as the tensors are).
   */
  public double gradients(NDManager sm, NDArray[] grads) {
    NDArray sq = null;
    for (int i = 0; i < grads.length; i++) {
      grads[i] = params.get(i).getGradient();
      grads[i].attach(sm);
      NDArray s = grads[i].square().sum();
      sq = sq == null ? s : sq.add(s);
    }
    return Math.sqrt(sq.getFloat());
  }

  /**
   * Step {@code k} (0-based): clips {@code grads} to global norm {@link TrainConfig#clipNorm} given
   * their norm {@code gradNorm}, applies AdamW, then the EMA update; temporaries go to {@code sm}.
   */
  public void update(NDManager sm, NDArray[] grads, TrainConfig config, long k, double gradNorm) {
    double clip = Math.min(1.0, config.clipNorm() / (gradNorm + 1e-6));
    double lr = config.learningRate(k);
    double b1 = config.beta1();
    double b2 = config.beta2();
    double bc1 = 1 - Math.pow(b1, k + 1);
    double bc2 = 1 - Math.pow(b2, k + 1);
    double stepSize = lr / bc1;
    double wd = config.weightDecay();
    for (int i = 0; i < grads.length; i++) {
      NDArray g = clip < 1 ? grads[i].mul((float) clip) : grads[i];
      NDArray m = adamM.get(i);
      NDArray v = adamV.get(i);
      NDArray p = params.get(i);
      m.muli((float) b1).addi(g.mul((float) (1 - b1)));
      v.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
      NDArray denom = v.div((float) bc2);
      denom.attach(sm);
      denom = denom.sqrt().addi((float) config.adamEps());
      NDArray update = m.div(denom);
      update.attach(sm);
      if (wd > 0) {
        p.muli((float) (1 - lr * wd));
      }
      p.subi(update.muli((float) stepSize));
    }
    double decay = config.emaDecayAt(k);
    for (int i = 0; i < params.size(); i++) {
      NDArray e = ema.get(i);
      NDArray diff = e.sub(params.get(i));
      diff.attach(sm);
      e.subi(diff.muli((float) (1 - decay)));
    }
  }

  /** Clears the accumulated gradients. */
  public void zeroGrads() {
    for (NDArray p : params.arrays()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
  }

  /** This net's state with the run's bookkeeping as a checkpoint value ({@code losses} is not copied). */
  public Checkpoint checkpoint(TrainConfig config, long step, long skipped, double[] samplerState, float[] losses) {
    return new Checkpoint(config, step, skipped, samplerState, net.specs(), params.toFloats(), ema.toFloats(),
        adamM.toFloats(), adamV.toFloats(), losses);
  }

  @Override
  public void close() {
    params.close();
    ema.close();
    adamM.close();
    adamV.close();
  }
}
