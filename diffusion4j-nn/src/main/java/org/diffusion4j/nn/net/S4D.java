package org.diffusion4j.nn.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.diffusion4j.random.Rng;

/**
 * The S4D diagonal state-space layer (Gu, Gupta, Goel &amp; Re 2022, "On the Parameterization and
 * Initialization of Diagonal State Space Models", the SSKernelDiag of S4's standalone s4.py as
 * vendored by TSDiff, amazon-science/unconditional-time-series-diffusion,
 * src/uncond_ts_diff/arch/s4.py), as functional ops on parameter arrays.
 *
 * <p>Each of H channels is an independent single-input SSM x'(t) = A x(t) + B u(t),
 * y(t) = 2 Re(C x(t)) + D u(t) with diagonal complex A of N/2 modes (one per conjugate pair, hence
 * the factor 2), discretised by zero-order hold with step dt = exp(log dt):
 * <pre>
 *   dA = exp(dt A),   dB = (exp(dt A) - 1) / A * B,
 *   x_l = dA x_{l-1} + dB u_l,   y_l = 2 Re(C x_l) + D u_l,
 * </pre>
 * which is the convolution y = K * u + D u with kernel K[l] = 2 Re(sum_k C_k dB_k dA_k^l)
 * = 2 Re(sum_k C_k B_k (exp(dt A_k) - 1)/A_k exp(dt A_k l)) (S4D paper, Eq. 5 with ZOH). Only the
 * product C B enters, so B is fixed at its S4D initial value 1 and C carries the product.
 * Re A = -exp(logNegAReal) &lt; 0 keeps the layer stable (s4.py's {@code real_type="exp"}).
 *
 * <p>A bidirectional layer has two kernels K0, K1 (C of shape (2, H, N/2)) and computes, as s4.py
 * with {@code bidirectional=True}, y_t = sum_{s&lt;=t} K0[t-s] u_s + sum_{s&gt;t} K1[s-t-1] u_s + D u_t;
 * a causal layer has K0 only. The convolution is computed as in s4.py by FFT of length 2L
 * (O(L log L) per channel): y = irfft(rfft(u) rfft(k))[0, L) with the two-sided kernel
 * k = [K0, reversed K1].
 */
public final class S4D {
  private S4D() {}

  /**
   * The kernels K (kernels, H, L) of channels with step exp(logDt) (H), A = -exp(logNegAReal)
   * + i aImag (H, N/2) and C = cRe + i cIm (kernels, H, N/2), B = 1.
   */
  public static NDArray kernel(NDArray logDt, NDArray logNegAReal, NDArray aImag, NDArray cRe, NDArray cIm,
      int length) {
    long h = logDt.getShape().get(0);
    NDArray dt = logDt.exp().reshape(h, 1);
    NDArray aRe = logNegAReal.exp().neg();
    NDArray dtRe = aRe.mul(dt);
    NDArray dtIm = aImag.mul(dt);
    NDArray decay = dtRe.exp();
    // dB = (exp(dt A) - 1) / A = num conj(A) / |A|^2.
    NDArray numRe = decay.mul(dtIm.cos()).sub(1);
    NDArray numIm = decay.mul(dtIm.sin());
    NDArray absA2 = aRe.square().add(aImag.square());
    NDArray dbRe = numRe.mul(aRe).add(numIm.mul(aImag)).div(absA2);
    NDArray dbIm = numIm.mul(aRe).sub(numRe.mul(aImag)).div(absA2);
    NDArray coefRe = cRe.mul(dbRe).sub(cIm.mul(dbIm)).expandDims(-1); // (K, H, N/2, 1)
    NDArray coefIm = cRe.mul(dbIm).add(cIm.mul(dbRe)).expandDims(-1);
    NDManager m = logDt.getManager();
    NDArray steps = m.arange(0f, (float) length, 1f).toType(logDt.getDataType(), false).reshape(1, 1, length);
    NDArray mag = dtRe.expandDims(-1).mul(steps).exp(); // |dA^l|, (H, N/2, L)
    NDArray phase = dtIm.expandDims(-1).mul(steps);
    NDArray powRe = mag.mul(phase.cos());
    NDArray powIm = mag.mul(phase.sin());
    return coefRe.mul(powRe).sub(coefIm.mul(powIm)).sum(new int[] {2}).mul(Layers.scalar(coefRe, 2));
  }

  /**
   * y = K * u + D u for u (n, H, L): {@code kernels} (1, H, L) is causal, (2, H, L) bidirectional
   * (see the class comment); D (H). Result (n, H, L).
   */
  public static NDArray convolve(NDArray u, NDArray kernels, NDArray d) {
    long h = kernels.getShape().get(1);
    long l = kernels.getShape().get(2);
    long numKernels = kernels.getShape().get(0);
    if (numKernels != 1 && numKernels != 2) {
      throw new IllegalArgumentException("S4D needs 1 (causal) or 2 (bidirectional) kernels, got " + numKernels);
    }
    if (u.getShape().get(1) != h || u.getShape().get(2) != l) {
      throw new IllegalArgumentException("S4D input " + u.getShape() + " does not match kernels " + kernels.getShape());
    }
    // Two-sided kernel of length 2L as in s4.py: k[j] = K0[j], k[L + j] = K1[L-1-j] (zeros when causal);
    // the circular convolution of length 2L has no wrap-around on the first L outputs.
    NDArray forward = kernels.get(0);
    NDArray backward = numKernels == 2 ? kernels.get(1).flip(1) : u.getManager().zeros(new Shape(h, l), u.getDataType());
    NDArray twoSided = forward.concat(backward, 1);
    NDArray y = u.rfft(2 * l, 2).mul(twoSided.rfft(2 * l, 1)).irfft(2 * l, 2).get(":, :, 0:" + l);
    return y.add(u.mul(d.reshape(1, h, 1)));
  }

  /**
   * S4D initial values of one layer of H channels with N/2 modes (s4.py {@code measure="diag"}):
   * the first half of the channels S4D-Inv, Im A_n = N/pi (N/(2n+1) - 1), the second half
   * S4D-Lin, Im A_n = pi n; Re A = -1/2; log dt ~ U(log 0.001, log 0.1); C ~ complex normal
   * (real and imaginary parts N(0, 1/2), torch.randn for complex); D ~ N(0, 1).
   *
   * @return {logDt (H), logNegAReal (H, N/2), aImag (H, N/2), cRe (K, H, N/2), cIm (K, H, N/2), D (H)}
   */
  public static float[][] initialValues(Rng rng, int h, int stateSize, int kernels) {
    int modes = stateSize / 2;
    float[] logDt = new float[h];
    float[] logNegARe = new float[h * modes];
    float[] aIm = new float[h * modes];
    float[] cRe = new float[kernels * h * modes];
    float[] cIm = new float[kernels * h * modes];
    float[] d = new float[h];
    Rng dtRng = rng.stream(0);
    Rng cRng = rng.stream(1);
    Rng dRng = rng.stream(2);
    double lo = Math.log(0.001);
    double hi = Math.log(0.1);
    for (int c = 0; c < h; c++) {
      logDt[c] = (float) (lo + (hi - lo) * dtRng.nextDouble());
      d[c] = (float) dRng.nextGaussian();
      boolean inverse = c < h / 2;
      for (int k = 0; k < modes; k++) {
        logNegARe[c * modes + k] = (float) Math.log(0.5);
        aIm[c * modes + k] = (float) (inverse ? stateSize / Math.PI * (stateSize / (2.0 * k + 1) - 1) : Math.PI * k);
      }
    }
    double s = Math.sqrt(0.5);
    for (int i = 0; i < cRe.length; i++) {
      cRe[i] = (float) (s * cRng.nextGaussian());
      cIm[i] = (float) (s * cRng.nextGaussian());
    }
    return new float[][] {logDt, logNegARe, aIm, cRe, cIm, d};
  }
}
