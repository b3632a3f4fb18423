package org.diffusion4j.nn.net;

import java.util.Locale;

/**
 * Shape of a {@link SequenceNet}, the denoiser for series x of shape (n, L, C).
 *
 * <p>Conditioning contract: when {@code condChannels} &gt; 0 (it must then equal 2 C) the
 * {@link Condition} must carry {@code observed} (n, L, C), the observed values (zero where not
 * observed), and {@code mask} (n, L, C), 1 where a value is observed; both are concatenated to x
 * along the channel axis, as TSDiff's observation-conditioned model does. When {@code classes}
 * &gt; 0 it must carry {@code classOneHot} (n, classes + 1), the last column being the null class.
 *
 * @param length series length L
 * @param channels channels C per time step
 * @param backbone the sequence-mixing architecture
 * @param width residual channels / model width W (even; divisible by {@code heads} for the
 *     transformer; even for S4, whose channels split between S4D-Inv and S4D-Lin initialisations)
 * @param depth number of residual layers or blocks
 * @param heads attention heads (transformer only; must be 1 or more for every backbone)
 * @param stateSize S4 state size N (even): N/2 complex conjugate pairs per channel (S4 only)
 * @param causal true for a causal network: output at position l depends on inputs at positions
 *     &lt;= l only (one-sided S4 kernel, left-padded dilated convolutions, causal attention);
 *     false for the bidirectional default of TSDiff
 * @param dropout dropout rate in [0, 1) applied in training steps
 * @param classes number of classes for class conditioning (0 = unconditional)
 * @param condChannels 0, or 2 C to concatenate {@code observed} and {@code mask} to the input
 * @param initSeed seed of the weight initialisation
 */
public record SequenceNetConfig(int length, int channels, Backbone backbone, int width, int depth, int heads,
    int stateSize, boolean causal, double dropout, int classes, int condChannels, long initSeed)
    implements NetworkConfig {

  /** The sequence-mixing architecture of a {@link SequenceNet}. */
  public enum Backbone {
    /** DiffWave's residual stack of gated dilated convolutions (Kong et al. 2021). */
    DILATED_CONV("dilated-conv"),
    /** A pre-norm transformer encoder (Vaswani et al. 2017; pre-norm as Xiong et al. 2020). */
    TRANSFORMER("transformer"),
    /** TSDiff's S4 residual blocks (Kollovieh et al. 2023) with S4D diagonal state-space layers (Gu et al. 2022). */
    S4("s4");

    private final String cliName;

    Backbone(String cliName) {
      this.cliName = cliName;
    }

    public String cliName() {
      return cliName;
    }

    public static Backbone parse(String s) {
      String k = s.trim().toLowerCase(Locale.ROOT);
      for (Backbone b : values()) {
        if (b.cliName.equals(k)) {
          return b;
        }
      }
      throw new IllegalArgumentException("unknown sequence backbone '" + s + "'; expected dilated-conv, transformer or s4");
    }
  }

  public SequenceNetConfig {
    if (backbone == null) {
      throw new IllegalArgumentException("sequence net needs a backbone: dilated-conv, transformer or s4");
    }
    require(length >= 1, "sequence length must be >= 1, got " + length);
    require(channels >= 1, "sequence channels must be >= 1, got " + channels);
    require(width >= 2 && width % 2 == 0, "sequence net width must be even and >= 2, got " + width);
    require(depth >= 1, "sequence net depth must be >= 1, got " + depth);
    require(heads >= 1, "sequence net heads must be >= 1, got " + heads);
    require(backbone != Backbone.TRANSFORMER || width % heads == 0,
        "transformer width " + width + " must be divisible by heads " + heads);
    require(stateSize >= 2 && stateSize % 2 == 0, "S4 state size must be even and >= 2, got " + stateSize);
    require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
    require(classes >= 0, "classes must be >= 0, got " + classes);
    require(condChannels == 0 || condChannels == 2 * channels,
        "cond-channels must be 0 or 2 * channels = " + 2 * channels + " (observed and mask), got " + condChannels);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Width 64, depth 4, 4 heads, state size 64, bidirectional, no dropout, unconditional, seed 0. */
  public static SequenceNetConfig defaults(int length, int channels, Backbone backbone) {
    return new SequenceNetConfig(length, channels, backbone, 64, 4, 4, 64, false, 0, 0, 0, 0);
  }

  public SequenceNetConfig withWidth(int w) {
    return new SequenceNetConfig(length, channels, backbone, w, depth, heads, stateSize, causal, dropout, classes,
        condChannels, initSeed);
  }

  public SequenceNetConfig withDepth(int d) {
    return new SequenceNetConfig(length, channels, backbone, width, d, heads, stateSize, causal, dropout, classes,
        condChannels, initSeed);
  }

  public SequenceNetConfig withHeads(int h) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, h, stateSize, causal, dropout, classes,
        condChannels, initSeed);
  }

  public SequenceNetConfig withStateSize(int n) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, n, causal, dropout, classes,
        condChannels, initSeed);
  }

  public SequenceNetConfig withCausal(boolean c) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, stateSize, c, dropout, classes,
        condChannels, initSeed);
  }

  public SequenceNetConfig withDropout(double p) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, stateSize, causal, p, classes,
        condChannels, initSeed);
  }

  /** A copy that concatenates {@code observed} and {@code mask} (2 C channels) to the input, or not. */
  public SequenceNetConfig withObservedCondition(boolean on) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, stateSize, causal, dropout, classes,
        on ? 2 * channels : 0, initSeed);
  }

  @Override
  public SequenceNetConfig withClasses(int c) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, stateSize, causal, dropout, c,
        condChannels, initSeed);
  }

  @Override
  public SequenceNetConfig withInitSeed(long s) {
    return new SequenceNetConfig(length, channels, backbone, width, depth, heads, stateSize, causal, dropout, classes,
        condChannels, s);
  }

  @Override
  public String type() {
    return "sequence";
  }

  @Override
  public long[] sampleShape() {
    return new long[] {length, channels};
  }

  @Override
  public SequenceNet build() {
    return new SequenceNet(this);
  }
}
