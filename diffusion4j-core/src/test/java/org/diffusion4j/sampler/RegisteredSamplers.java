package org.diffusion4j.sampler;

import org.diffusion4j.sampler.v3.Ems;

/** Test access to every registered sampler, including those that need more than the model. */
final class RegisteredSamplers {
  private RegisteredSamplers() {}

  /**
   * {@code Samplers.create(name, options)}, supplying statistics l = 1, s = b = 0 on every lambda
   * (DPM-Solver-v3 is then DPM-Solver++ with its corrector) where the sampler needs them.
   */
  static Sampler create(String name, SamplerOptions options, int dim) {
    if (Samplers.needsEms(name) && options.ems() == null) {
      options = options.toBuilder().ems(Ems.degenerate(new double[] {-100, 100}, dim)).build();
    }
    return Samplers.create(name, options);
  }

  static Sampler create(String name, int dim) {
    return create(name, SamplerOptions.defaults(), dim);
  }
}
