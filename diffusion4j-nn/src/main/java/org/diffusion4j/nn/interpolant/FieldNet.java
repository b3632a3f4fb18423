package org.diffusion4j.nn.interpolant;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.nn.net.TimeMlp;
import org.diffusion4j.nn.train.Checkpoint;
import org.diffusion4j.nn.train.TrainConfig;

/**
 * One trainable {@link TimeMlp} with its EMA and AdamW moments, as the nn Trainer keeps them,
 * so that its state round-trips through {@link Checkpoint}. The update is AdamW (Loshchilov
 * &amp; Hutter 2019, Algorithm 2, with bias correction) after global-norm clipping, followed
 * by the EMA update with the schedule of {@link TrainConfig#emaDecayAt}.
 */
final class FieldNet implements AutoCloseable {
  final TimeMlp net;
  final ParamSet params;
  final ParamSet ema;
  final ParamSet adamM;
  final ParamSet adamV;

  FieldNet(NDManager manager, TrainConfig config, Checkpoint from) {
    this.net = new TimeMlp(config.network());
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

  /** Squared global gradient norm, with the gradients attached to {@code sm}. */
  double gradNormSquared(NDManager sm, NDArray[] grads) {
    NDArray sq = null;
    for (int i = 0; i < grads.length; i++) {
      grads[i] = params.get(i).getGradient();
      grads[i].attach(sm);
      NDArray s = grads[i].square().sum();
      sq = sq == null ? s : sq.add(s);
    }
    return sq.getFloat();
  }

  /** AdamW step k on the given gradients scaled by {@code clip}, then EMA; temporaries go to {@code sm}. */
  void update(NDManager sm, NDArray[] grads, TrainConfig config, long k, double clip) {
    double lr = config.learningRate(k);
    double b1 = config.beta1();
    double b2 = config.beta2();
    double bc1 = 1 - Math.pow(b1, k + 1);
    double bc2 = 1 - Math.pow(b2, k + 1);
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
      NDArray upd = m.div(denom);
      upd.attach(sm);
      if (config.weightDecay() > 0) {
        p.muli((float) (1 - lr * config.weightDecay()));
      }
      p.subi(upd.muli((float) (lr / bc1)));
    }
    double decay = config.emaDecayAt(k);
    for (int i = 0; i < params.size(); i++) {
      NDArray e = ema.get(i);
      NDArray diff = e.sub(params.get(i));
      diff.attach(sm);
      e.subi(diff.muli((float) (1 - decay)));
    }
  }

  void zeroGrads() {
    for (NDArray p : params.arrays()) {
      JniUtils.zeroGrad((PtNDArray) p);
    }
  }

  @Override
  public void close() {
    params.close();
    ema.close();
    adamM.close();
    adamV.close();
  }
}
