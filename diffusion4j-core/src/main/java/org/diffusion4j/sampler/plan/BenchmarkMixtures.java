package org.diffusion4j.sampler.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.diffusion4j.model.GaussianMixture;

/**
 * The project's benchmark mixtures (bundled under {@code org/diffusion4j/mixtures/}, the ones
 * {@code d4j bench samplers} uses) on which the fast samplers are measured: exact models, so the
 * reference ODE solution is known to any accuracy.
 */
public final class BenchmarkMixtures {
  private BenchmarkMixtures() {}

  /** {@code ring8-2d}: 2-D, eight narrow components on a ring. */
  public static GaussianMixture ring2d() {
    return bundled("ring8-2d");
  }

  /** {@code gmm64-12}: 64-D, twelve components. */
  public static GaussianMixture mixture64d() {
    return bundled("gmm64-12");
  }

  /** A bundled mixture by name. */
  public static GaussianMixture bundled(String name) {
    String res = "/org/diffusion4j/mixtures/" + name + ".json";
    try (InputStream in = GaussianMixture.class.getResourceAsStream(res)) {
      if (in == null) {
        throw new IllegalArgumentException("no bundled mixture '" + name + "'");
      }
      return GaussianMixture.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
