package org.diffusion4j.nn.net;

/**
 * Shape of an {@link Egtn}, GeoTDM's equivariant geometric trajectory network (Han et al. 2024,
 * "Geometric Trajectory Diffusion Models"; official code hanjq17/GeoTDM, models/EGTN.py; n-body
 * defaults in configs/nbody_train_cond.yaml: 6 layers, hidden 128, time embedding 32, 2 prior
 * layers, num_w = future frames).
 *
 * @param particles N nodes per frame
 * @param frames future (denoised) frames F
 * @param condFrames given frames C fed in front of the noisy ones (0 = unconditional)
 * @param features invariant node-feature width (the charges: 1); edge attributes are the
 *     products h_i h_j of these features, as GeoTDM's n-body edge_attr q_i q_j
 * @param hidden hidden width H
 * @param depth number of spatial + temporal layer pairs ({@code n_layers})
 * @param priorDepth layers of the learnable geometric prior ({@code n_layers_ref}); 0 = none
 *     (unconditional, or the centre-of-mass prior); needs condFrames &gt;= 2
 * @param timeEmbedDim width of the diffusion-time and relative-frame sinusoidal embeddings (even)
 * @param classes class conditioning (0 = none), a one-hot invariant input feature next to the time
 *     embedding (as {@link EgnnConfig})
 * @param initSeed seed of the weight initialisation
 */
public record EgtnConfig(int particles, int frames, int condFrames, int features, int hidden, int depth,
    int priorDepth, int timeEmbedDim, int classes, long initSeed) implements NetworkConfig {

  public EgtnConfig {
    if (particles < 2 || frames < 1 || condFrames < 0 || features < 0 || hidden < 1 || depth < 1 || priorDepth < 0
        || timeEmbedDim < 4 || timeEmbedDim % 2 != 0 || classes < 0) {
      throw new IllegalArgumentException("EGTN needs particles >= 2, frames >= 1, cond-frames >= 0, features >= 0,"
          + " hidden >= 1, depth >= 1, prior-depth >= 0 and an even time-embed-dim >= 4; got particles=" + particles
          + ", frames=" + frames + ", cond-frames=" + condFrames + ", features=" + features + ", hidden=" + hidden
          + ", depth=" + depth + ", prior-depth=" + priorDepth + ", time-embed-dim=" + timeEmbedDim + ", classes="
          + classes);
    }
    if (priorDepth > 0 && condFrames < 2) {
      throw new IllegalArgumentException("the learnable prior needs >= 2 conditioning frames, got cond-frames="
          + condFrames);
    }
  }

  /** An unconditional EGTN (hidden 32, 2 layer pairs, embeddings 32) for samples of shape {F, N, 3}. */
  public static EgtnConfig unconditional(long[] shape) {
    if (shape.length != 3 || shape[2] != 3) {
      throw new IllegalArgumentException("the EGTN needs trajectories of shape (frames, particles, 3) per sample, got "
          + java.util.Arrays.toString(shape));
    }
    return new EgtnConfig(Math.toIntExact(shape[1]), Math.toIntExact(shape[0]), 0, 0, 32, 2, 0, 32, 0, 0);
  }

  /** Whether the network carries the learnable geometric prior. */
  public boolean learnsPrior() {
    return priorDepth > 0;
  }

  public EgtnConfig withHidden(int h) {
    return new EgtnConfig(particles, frames, condFrames, features, h, depth, priorDepth, timeEmbedDim, classes,
        initSeed);
  }

  @Override
  public EgtnConfig withInitSeed(long s) {
    return new EgtnConfig(particles, frames, condFrames, features, hidden, depth, priorDepth, timeEmbedDim, classes,
        s);
  }

  @Override
  public EgtnConfig withClasses(int c) {
    return new EgtnConfig(particles, frames, condFrames, features, hidden, depth, priorDepth, timeEmbedDim, c,
        initSeed);
  }

  @Override
  public String type() {
    return "egtn";
  }

  /** {F, N, 3}. */
  @Override
  public long[] sampleShape() {
    return new long[] {frames, particles, 3};
  }

  @Override
  public Egtn build() {
    return new Egtn(this);
  }
}
