package org.diffusion4j.nn.pde;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.nn.net.Layers;
import org.diffusion4j.nn.net.ParamInit;
import org.diffusion4j.nn.net.ParamSet;
import org.diffusion4j.nn.net.ParamSpec;
import org.diffusion4j.pde.ParametricPde;
import org.diffusion4j.pde.RandomGrid;
import org.diffusion4j.pde.SpectralBasis;

/**
 * The tensors of a random-grid neural process: the grid-invariant encoder, the latent, the
 * spectral decoder and the physics- and data-informed loss. Pure functions of a {@link ParamSet};
 * computed in the data type of the inputs (float32 to train, float64 for inference and gradient
 * checks). See {@link RandomGridNp} for the model and its sources.
 */
final class RandomGridNpNet {
  final RandomGridNpConfig config;
  final ParametricPde family;
  private final List<ParamSpec> specs;
  private final double[] anchors;
  private final double[] coefficientScale;

  RandomGridNpNet(RandomGridNpConfig config) {
    this.config = config;
    this.family = config.problem().family();
    int kh = config.kernelHidden();
    int c = config.kernelChannels();
    int j = config.anchors();
    int h = config.hidden();
    int l = config.latent();
    int m = config.coefficients();
    List<ParamSpec> s = new ArrayList<>();
    s.add(new ParamSpec("kernel.1.weight", new long[] {kh, 1}));
    s.add(new ParamSpec("kernel.1.bias", new long[] {kh}));
    s.add(new ParamSpec("kernel.2.weight", new long[] {c, kh}));
    s.add(new ParamSpec("kernel.2.bias", new long[] {c}));
    s.add(new ParamSpec("encoder.1.weight", new long[] {h, (long) j * c}));
    s.add(new ParamSpec("encoder.1.bias", new long[] {h}));
    s.add(new ParamSpec("encoder.2.weight", new long[] {h, h}));
    s.add(new ParamSpec("encoder.2.bias", new long[] {h}));
    s.add(new ParamSpec("encoder.3.weight", new long[] {2L * l, h}));
    s.add(new ParamSpec("encoder.3.bias", new long[] {2L * l}));
    s.add(new ParamSpec("decoder.1.weight", new long[] {h, l}));
    s.add(new ParamSpec("decoder.1.bias", new long[] {h}));
    s.add(new ParamSpec("decoder.2.weight", new long[] {h, h}));
    s.add(new ParamSpec("decoder.2.bias", new long[] {h}));
    s.add(new ParamSpec("decoder.3.weight", new long[] {m, h}));
    s.add(new ParamSpec("decoder.3.bias", new long[] {m}));
    this.specs = List.copyOf(s);
    this.anchors = RandomGrid.cellCentres(j, family.lower(), family.upper());
    // Sine mode k carries a factor 1/k^2 (Poisson: u'' then sees every mode at the same scale) or
    // 1/k (Burgers, first order in time); Legendre degree q a factor 1/(q+1).
    this.coefficientScale = new double[m];
    double decay = config.problem().isBurgers() ? 1 : 2;
    for (int k = 0; k < config.modes(); k++) {
      for (int q = 0; q < config.timeModes(); q++) {
        coefficientScale[k * config.timeModes() + q] = Math.pow(k + 1, -decay) / (q + 1);
      }
    }
  }

  List<ParamSpec> specs() {
    return specs;
  }

  /** PyTorch's nn.Linear default initialisation, seeded. */
  float[][] initialValues(long seed) {
    ParamInit.Kind[] kinds = new ParamInit.Kind[specs.size()];
    String[] fanInOf = new String[specs.size()];
    for (int i = 0; i < specs.size(); i++) {
      kinds[i] = ParamInit.Kind.FAN_IN;
      String name = specs.get(i).name();
      fanInOf[i] = name.endsWith(".bias") ? name.replace(".bias", ".weight") : null;
    }
    return ParamInit.values(seed, specs, kinds, fanInOf);
  }

  /** A constant tensor of {@code type} holding {@code values}. */
  static NDArray constant(NDManager manager, double[] values, Shape shape, DataType type) {
    if (type == DataType.FLOAT64) {
      return manager.create(values, shape);
    }
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    return manager.create(f, shape);
  }

  /** q(z | f): the mean and standard deviation (B, latent) of the latent given the input function. */
  record Latent(NDArray mean, NDArray std) {}

  /**
   * The grid-invariant encoder. {@code x} (n) grid points, {@code w} (n) their quadrature weights,
   * {@code values} (B, n) the input function on the grid. Channel c at anchor t_j is the quadrature
   * sum_i w_i K_c(t_j - x_i) f(x_i) / amplitude, an estimate of the convolution integral
   * (K_c * f)(t_j) that is invariant to the order of the points and converges as the grid is refined;
   * an MLP maps the J x C readout to the latent's mean and standard deviation 0.001 + 0.999 sigmoid(.).
   */
  Latent encode(ParamSet p, NDArray x, NDArray w, NDArray values) {
    NDManager m = values.getManager();
    DataType type = values.getDataType();
    int n = (int) x.size();
    int j = anchors.length;
    int c = config.kernelChannels();
    double scale = j / (family.upper() - family.lower());
    NDArray t = constant(m, anchors, new Shape(j, 1, 1), type);
    NDArray d = t.sub(x.reshape(1, n, 1)).mul(Layers.scalar(t, scale));
    NDArray hidden = Layers.linear(d, p.get(0), p.get(1)).tanh();
    NDArray kernel = Layers.linear(hidden, p.get(2), p.get(3)).mul(w.reshape(1, n, 1));
    NDArray readout = kernel.transpose(1, 0, 2).reshape(n, (long) j * c);
    NDArray g = values.mul(Layers.scalar(values, 1 / config.problem().amplitude())).dot(readout);
    NDArray e = Layers.silu(Layers.linear(g, p.get(4), p.get(5)));
    e = Layers.silu(Layers.linear(e, p.get(6), p.get(7)));
    NDArray out = Layers.linear(e, p.get(8), p.get(9));
    int l = config.latent();
    NDArray mean = out.get(":, 0:" + l);
    NDArray raw = out.get(":, " + l + ":");
    NDArray std = Layers.sigmoid(raw).mul(Layers.scalar(raw, 0.999)).add(Layers.scalar(raw, 0.001));
    return new Latent(mean, std);
  }

  /** Decoder: z (B, latent) to the solution's basis coefficients (B, modes x timeModes). */
  NDArray coefficients(ParamSet p, NDArray z) {
    NDArray h = Layers.silu(Layers.linear(z, p.get(10), p.get(11)));
    h = Layers.silu(Layers.linear(h, p.get(12), p.get(13)));
    NDArray raw = Layers.linear(h, p.get(14), p.get(15));
    return raw.mul(constant(z.getManager(), coefficientScale, new Shape(1, coefficientScale.length), z.getDataType()));
  }

  /**
   * Basis matrix (points, coefficients) of the solution's derivative: {@code dx} in x (0..2) and
   * {@code dt} in t (0..1); {@code t} is ignored for a stationary problem.
   */
  double[] basis(double[] x, double[] t, int dx, int dt) {
    double[] sine = SpectralBasis.sine(x, config.modes(), family.lower(), family.upper(), dx);
    if (!config.problem().isBurgers()) {
      return sine;
    }
    double[] legendre = SpectralBasis.legendre(t, config.timeModes(), 0, family.endTime(), dt);
    return SpectralBasis.rowProduct(sine, config.modes(), legendre, config.timeModes());
  }

  /** Solution values (B, points) from coefficients (B, M) and a basis matrix (points, M). */
  static NDArray evaluate(NDArray coefficients, NDArray basis) {
    return coefficients.dot(basis.transpose());
  }

  NDArray basisTensor(NDManager m, double[] x, double[] t, int dx, int dt, DataType type) {
    return constant(m, basis(x, t, dx, dt), new Shape(x.length, config.coefficients()), type);
  }

  /**
   * One step's data: the collocation grid (x, its weights, times for Burgers), the input function
   * on it, and reference observations (obsX, obsT, obsY).
   */
  record Step(double[] x, double[] w, double[] t, double[][] values, double[] obsX, double[] obsT, double[][] obsY) {}

  /** The loss terms, each averaged over the batch. */
  record Terms(NDArray loss, NDArray physics, NDArray data, NDArray kl) {}

  /**
   * The negative evidence lower bound per problem, averaged over the batch:
   * E_q[ sum_i w_i r(x_i)^2 / (2 (physicsStd A)^2) + data terms ] + klWeight KL(q(z | f) || N(0, I)),
   * one reparameterised draw z = mean + std * eps ({@code eps} (B, latent)). r is the PDE residual
   * at the collocation points (Poisson -u'' + kappa u^3 - f; Burgers u_t + u u_x - nu u_xx); the
   * data terms are squared errors / (2 dataStd^2) at the reference observations and, for Burgers,
   * at the initial condition on the grid.
   */
  Terms loss(ParamSet p, Step s, NDArray eps) {
    NDManager m = eps.getManager();
    DataType type = eps.getDataType();
    int b = s.values().length;
    int n = s.x().length;
    NDArray x = constant(m, s.x(), new Shape(n), type);
    NDArray w = constant(m, s.w(), new Shape(n), type);
    NDArray values = constant(m, flatten(s.values()), new Shape(b, n), type);
    Latent q = encode(p, x, w, values);
    NDArray z = q.mean().add(q.std().mul(eps));
    NDArray c = coefficients(p, z);
    double amplitude = config.problem().amplitude();
    double residualVar = 2 * Math.pow(config.physicsStd() * amplitude, 2);
    double dataVar = 2 * config.dataStd() * config.dataStd();
    NDArray physics;
    NDArray data = null;
    if (config.problem().isBurgers()) {
      double nu = config.problem().nu();
      NDArray u = evaluate(c, basisTensor(m, s.x(), s.t(), 0, 0, type));
      NDArray ut = evaluate(c, basisTensor(m, s.x(), s.t(), 0, 1, type));
      NDArray ux = evaluate(c, basisTensor(m, s.x(), s.t(), 1, 0, type));
      NDArray uxx = evaluate(c, basisTensor(m, s.x(), s.t(), 2, 0, type));
      NDArray r = ut.add(u.mul(ux)).sub(uxx.mul(Layers.scalar(uxx, nu)));
      NDArray wt = w.mul(Layers.scalar(w, family.endTime() / residualVar));
      physics = r.square().mul(wt).sum(new int[] {1});
      NDArray u0 = evaluate(c, basisTensor(m, s.x(), new double[n], 0, 0, type));
      data = u0.sub(values).square().mul(w).sum(new int[] {1}).mul(Layers.scalar(w, 1 / dataVar));
    } else {
      NDArray u = evaluate(c, basisTensor(m, s.x(), null, 0, 0, type));
      NDArray uxx = evaluate(c, basisTensor(m, s.x(), null, 2, 0, type));
      NDArray r = u.mul(u).mul(u).mul(Layers.scalar(u, config.problem().kappa())).sub(uxx).sub(values);
      physics = r.square().mul(w).sum(new int[] {1}).mul(Layers.scalar(w, 1 / residualVar));
    }
    if (s.obsX() != null && s.obsX().length > 0) {
      int k = s.obsX().length;
      NDArray y = constant(m, flatten(s.obsY()), new Shape(b, k), type);
      NDArray fit = evaluate(c, basisTensor(m, s.obsX(), s.obsT(), 0, 0, type)).sub(y).square().sum(new int[] {1})
          .mul(Layers.scalar(y, 1 / dataVar));
      data = data == null ? fit : data.add(fit);
    }
    NDArray std = q.std();
    NDArray kl = std.square().add(q.mean().square()).sub(Layers.scalar(std, 1)).sub(std.log().mul(Layers.scalar(std, 2)))
        .sum(new int[] {1}).mul(Layers.scalar(std, 0.5));
    NDArray total = physics.add(kl.mul(Layers.scalar(kl, config.klWeight())));
    if (data != null) {
      total = total.add(data);
    }
    NDArray dataMean = data == null ? physics.zerosLike().mean() : data.mean();
    return new Terms(total.mean(), physics.mean(), dataMean, kl.mean());
  }

  static double[] flatten(double[][] rows) {
    int width = rows.length == 0 ? 0 : rows[0].length;
    double[] out = new double[rows.length * width];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * width, width);
    }
    return out;
  }
}
