package org.diffusion4j.nn.net;

import java.util.Arrays;

/**
 * Shape of a {@link UNet2d} (the DDPM / ADM image U-Net).
 *
 * @param channels image channels C (input and output)
 * @param height image height H, divisible by 2^(levels - 1)
 * @param width image width W, divisible by 2^(levels - 1)
 * @param baseChannels channels of the first level ("model_channels" in ADM); the time
 *     embedding has 4 x baseChannels features
 * @param channelMult channel multiplier of each level; level l has baseChannels x channelMult[l]
 *     channels and feature maps of size (H / 2^l, W / 2^l)
 * @param numResBlocks residual blocks per level on the way down (one more on the way up)
 * @param attentionResolutions feature-map heights H / 2^l at which self-attention follows every
 *     residual block (the middle block always has one); e.g. {7} for 28 x 28 with three levels.
 *     ADM counts these as downsampling rates 2^l instead; a height names the same level.
 * @param heads attention heads; divides the channels of every level with attention
 * @param dropout dropout rate in [0, 1) inside the residual blocks (training only)
 * @param groups GroupNorm groups; divides baseChannels x channelMult[l] for every level
 * @param classes number of classes for class conditioning (0 = unconditional); index
 *     {@code classes} is the null class of classifier-free guidance
 * @param condChannels extra input channels concatenated to x: the channels of
 *     {@link Condition#observed()} followed by those of {@link Condition#mask()} (0 = none)
 * @param initSeed seed of the weight initialisation
 */
public record UNet2dConfig(int channels, int height, int width, int baseChannels, int[] channelMult, int numResBlocks,
    int[] attentionResolutions, int heads, double dropout, int groups, int classes, int condChannels, long initSeed)
    implements NetworkConfig {

  public UNet2dConfig {
    channelMult = channelMult.clone();
    attentionResolutions = attentionResolutions.clone();
    require(channels >= 1, "unet2d: channels must be >= 1, got " + channels);
    require(baseChannels >= 2 && baseChannels % 2 == 0,
        "unet2d: baseChannels must be even and >= 2 (it is the sinusoidal embedding size), got " + baseChannels);
    require(channelMult.length >= 1 && channelMult.length <= 8,
        "unet2d: channelMult needs 1 to 8 levels, got " + channelMult.length);
    for (int m : channelMult) {
      require(m >= 1, "unet2d: channelMult entries must be >= 1, got " + Arrays.toString(channelMult));
    }
    int factor = 1 << (channelMult.length - 1);
    require(height >= factor && height % factor == 0 && width >= factor && width % factor == 0,
        "unet2d: height and width must be positive multiples of 2^(levels-1) = " + factor + " for "
            + channelMult.length + " levels, got " + height + "x" + width);
    require(numResBlocks >= 1, "unet2d: numResBlocks must be >= 1, got " + numResBlocks);
    require(groups >= 1, "unet2d: groups must be >= 1, got " + groups);
    require(heads >= 1, "unet2d: heads must be >= 1, got " + heads);
    for (int m : channelMult) {
      int ch = baseChannels * m;
      require(ch % groups == 0, "unet2d: level channels " + ch + " (baseChannels " + baseChannels + " x mult " + m
          + ") are not divisible by groups = " + groups);
    }
    int deepest = baseChannels * channelMult[channelMult.length - 1];
    require(deepest % heads == 0, "unet2d: middle-block channels " + deepest + " are not divisible by heads = " + heads);
    for (int r : attentionResolutions) {
      int level = -1;
      for (int l = 0; l < channelMult.length; l++) {
        if (height >> l == r) {
          level = l;
        }
      }
      require(level >= 0, "unet2d: attention resolution " + r + " is not a feature-map height; the levels have "
          + levelHeights(height, channelMult.length));
      int ch = baseChannels * channelMult[level];
      require(ch % heads == 0, "unet2d: channels " + ch + " at attention resolution " + r
          + " are not divisible by heads = " + heads);
    }
    require(dropout >= 0 && dropout < 1, "unet2d: dropout must be in [0, 1), got " + dropout);
    require(classes >= 0, "unet2d: classes must be >= 0, got " + classes);
    require(condChannels >= 0, "unet2d: condChannels must be >= 0, got " + condChannels);
  }

  private static String levelHeights(int height, int levels) {
    int[] h = new int[levels];
    for (int l = 0; l < levels; l++) {
      h[l] = height >> l;
    }
    return Arrays.toString(h);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * A small U-Net for MNIST-sized images: base 24 channels, multipliers {1, 2, 2} (28, 14, 7 for
   * 28 x 28; 24, 48, 48 channels), 2 residual blocks per level, attention at H/4 (7 x 7) with 4
   * heads, 8 GroupNorm groups, dropout 0.1, unconditional. For 1 x 28 x 28 it has
   * {@value #MNIST_PARAMETERS} parameters (ADM's smallest width, base 32, would give 1,742,881).
   */
  public static UNet2dConfig defaults(int channels, int height, int width) {
    return new UNet2dConfig(channels, height, width, 24, new int[] {1, 2, 2}, 2, new int[] {height / 4}, 4, 0.1, 8, 0,
        0, 0);
  }

  /** Parameter count of {@code defaults(1, 28, 28)} (checked by a test). */
  public static final long MNIST_PARAMETERS = 982_681;

  /** Number of resolution levels. */
  public int levels() {
    return channelMult.length;
  }

  @Override
  public int[] channelMult() {
    return channelMult.clone();
  }

  @Override
  public int[] attentionResolutions() {
    return attentionResolutions.clone();
  }

  /** True when self-attention follows the residual blocks at feature-map height {@code h}. */
  public boolean attentionAt(int h) {
    for (int r : attentionResolutions) {
      if (r == h) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String type() {
    return "unet2d";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {channels, height, width};
  }

  @Override
  public UNet2dConfig withInitSeed(long s) {
    return new UNet2dConfig(channels, height, width, baseChannels, channelMult, numResBlocks, attentionResolutions, heads,
        dropout, groups, classes, condChannels, s);
  }

  @Override
  public UNet2dConfig withClasses(int c) {
    return new UNet2dConfig(channels, height, width, baseChannels, channelMult, numResBlocks, attentionResolutions, heads,
        dropout, groups, c, condChannels, initSeed);
  }

  public UNet2dConfig withDropout(double d) {
    return new UNet2dConfig(channels, height, width, baseChannels, channelMult, numResBlocks, attentionResolutions, heads,
        d, groups, classes, condChannels, initSeed);
  }

  public UNet2dConfig withCondChannels(int k) {
    return new UNet2dConfig(channels, height, width, baseChannels, channelMult, numResBlocks, attentionResolutions, heads,
        dropout, groups, classes, k, initSeed);
  }

  @Override
  public UNet2d build() {
    return new UNet2d(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UNet2dConfig u && channels == u.channels && height == u.height && width == u.width
        && baseChannels == u.baseChannels && Arrays.equals(channelMult, u.channelMult) && numResBlocks == u.numResBlocks
        && Arrays.equals(attentionResolutions, u.attentionResolutions) && heads == u.heads
        && Double.compare(dropout, u.dropout) == 0 && groups == u.groups && classes == u.classes
        && condChannels == u.condChannels && initSeed == u.initSeed;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new long[] {channels, height, width, baseChannels, Arrays.hashCode(channelMult), numResBlocks,
        Arrays.hashCode(attentionResolutions), heads, Double.hashCode(dropout), groups, classes, condChannels, initSeed});
  }

  @Override
  public String toString() {
    return "UNet2dConfig[" + channels + "x" + height + "x" + width + ", base " + baseChannels + ", mult "
        + Arrays.toString(channelMult) + ", " + numResBlocks + " res blocks, attention at "
        + Arrays.toString(attentionResolutions) + ", " + heads + " heads, dropout " + dropout + ", " + groups
        + " groups, classes " + classes + ", cond channels " + condChannels + ", seed " + initSeed + "]";
  }
}
