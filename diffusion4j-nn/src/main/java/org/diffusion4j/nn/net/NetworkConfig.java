package org.diffusion4j.nn.net;

/**
 * The configuration of a {@link Network}: an immutable record whose components fully determine
 * the architecture and its seeded initialisation. It round-trips to JSON through
 * {@link Networks#toJson} / {@link Networks#fromJson} (one reflective helper,
 * {@link org.diffusion4j.io.JsonRecords}; no network writes JSON by hand), under its registry
 * name {@link #type()}.
 */
public interface NetworkConfig {
  /** The registry name ("time-mlp", "unet2d", ...). */
  String type();

  /**
   * Shape of one sample the network maps, without the batch axis: {d} for vectors, {C, H, W} for
   * images, {L, C} for series, {N, F} for graph node features, {N, 3} for point sets. The output
   * has the same shape.
   */
  long[] sampleShape();

  /** Number of scalars in one sample: the product of {@link #sampleShape()} (the flat data dimension). */
  default int dim() {
    long p = 1;
    for (long s : sampleShape()) {
      p *= s;
    }
    return Math.toIntExact(p);
  }

  /** Number of classes for class conditioning (0 = unconditional); index {@code classes} is the null class. */
  int classes();

  /** Seed of the weight initialisation (and of any fixed random features). */
  long initSeed();

  /** A copy with another initialisation seed. */
  NetworkConfig withInitSeed(long seed);

  /** A copy with another number of classes (0 = unconditional). */
  NetworkConfig withClasses(int classes);

  /** The network this config describes. */
  Network build();
}
