package org.diffusion4j.nn.eval;

import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.FrechetDistance;
import org.diffusion4j.metrics.InceptionScore;
import org.diffusion4j.metrics.NearestNeighbours;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.random.Rng;

/**
 * Evaluation of generated digits against the held-out MNIST split with a {@link DigitClassifier}.
 *
 * <ul>
 *   <li>FD: the Fréchet distance ({@link FrechetDistance}; Heusel et al. 2017, Eq. 6) between the
 *       classifier's penultimate features of the samples and of the held-out digits; the floor is
 *       the same distance for the same number of randomly chosen training digits, i.e. what a
 *       perfect generator would score at this sample size.
 *   <li>IS: the Inception-score analogue ({@link InceptionScore}; Salimans et al. 2016, Sec. 4)
 *       from the classifier's probabilities, beside the IS of the held-out digits.
 *   <li>Class accuracy: the fraction of samples classified as the class they were generated for
 *       (class-conditional models only).
 *   <li>Memorisation: nearest-neighbour L2 distances in pixel space ({@link NearestNeighbourSearch})
 *       from each sample and each held-out digit to the training digits; the medians, and the fraction of samples closer to
 *       a training digit than the 1st percentile of the held-out distances (about 0.01 for a model
 *       that does not copy, much more for one that does).
 * </ul>
 *
 * Samples are clipped to [-1, 1] first.
 *
 * @param samples number of samples evaluated
 * @param fd Fréchet distance of the samples' features to the held-out digits' features
 * @param fdFloor Fréchet distance of as many random training digits to the held-out digits
 * @param inceptionScore IS analogue of the samples
 * @param heldOutInceptionScore IS analogue of the held-out digits
 * @param classAccuracy fraction classified as intended, or NaN without intended labels
 * @param medianNnSamples median distance from a sample to its nearest training digit
 * @param medianNnHeldOut median distance from a held-out digit to its nearest training digit
 * @param nnThreshold 1st percentile of the held-out nearest-neighbour distances
 * @param fractionCloserThanThreshold fraction of samples whose nearest-neighbour distance is below it
 */
public record ImageEvaluation(int samples, double fd, double fdFloor, double inceptionScore,
    double heldOutInceptionScore, double classAccuracy, double medianNnSamples, double medianNnHeldOut,
    double nnThreshold, double fractionCloserThanThreshold) {

  /** Quantile of the held-out nearest-neighbour distances used as the memorisation threshold. */
  public static final double NN_QUANTILE = 0.01;

  /**
   * Evaluates {@code samples} (n, 784).
   *
   * @param intendedLabels the class each sample was generated for (length n), or null
   * @param heldOut the held-out digits (reference for FD and IS; never trained on)
   * @param train the classifier's and the generator's training digits (floor and memorisation)
   * @param seed chooses the training digits of the floor
   * @throws IllegalArgumentException if a set is not (m, 784), has fewer than 2 rows, or the
   *     labels do not match the samples
   */
  public static ImageEvaluation of(Batch samples, int[] intendedLabels, DigitClassifier classifier, Dataset heldOut,
      Dataset train, long seed) {
    if (samples.d() != Mnist.PIXELS) {
      throw new IllegalArgumentException("samples have " + samples.d() + " values per row; 28 x 28 digits need "
          + Mnist.PIXELS);
    }
    if (samples.n() < 2) {
      throw new IllegalArgumentException("need at least 2 samples for a covariance, got " + samples.n());
    }
    int bad = samples.firstNonFinite();
    if (bad >= 0) {
      throw new IllegalArgumentException("sample row " + bad / samples.d() + " has a non-finite value at column "
          + bad % samples.d());
    }
    if (intendedLabels != null && intendedLabels.length != samples.n()) {
      throw new IllegalArgumentException(samples.n() + " samples but " + intendedLabels.length + " intended labels");
    }
    for (Dataset d : new Dataset[] {heldOut, train}) {
      if (d.dim() != Mnist.PIXELS || d.n() < 2) {
        throw new IllegalArgumentException("data set " + d.name() + " has shape (" + d.n() + ", " + d.dim()
            + "); expected at least 2 digits of " + Mnist.PIXELS + " values");
      }
    }
    Batch x = clipped(samples);
    Batch sampleFeatures = classifier.features(x);
    Batch heldOutFeatures = classifier.features(heldOut.data());
    FrechetDistance frechet = new FrechetDistance();
    double fd = frechet.between(sampleFeatures, heldOutFeatures);
    Batch floorDigits = randomRows(train.data(), Math.min(samples.n(), train.n()), seed);
    double floor = frechet.between(classifier.features(floorDigits), heldOutFeatures);

    double is = InceptionScore.of(classifier.probabilities(x));
    double isHeldOut = InceptionScore.of(classifier.probabilities(heldOut.data()));
    double acc = intendedLabels == null ? Double.NaN : classifier.accuracy(x, intendedLabels);

    double[] nnSamples = NearestNeighbourSearch.distances(x, train.data());
    double[] nnHeldOut = NearestNeighbourSearch.distances(heldOut.data(), train.data());
    double threshold = NearestNeighbours.quantile(nnHeldOut, NN_QUANTILE);
    return new ImageEvaluation(samples.n(), fd, floor, is, isHeldOut, acc, NearestNeighbours.quantile(nnSamples, 0.5),
        NearestNeighbours.quantile(nnHeldOut, 0.5), threshold, NearestNeighbours.fractionBelow(nnSamples, threshold));
  }

  /** A printable table: each metric with its reference value. */
  public String toTable() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-36s %12s %12s%n", "metric (" + samples + " samples)", "samples", "reference"));
    sb.append(String.format("%-36s %12.4f %12.4f  (floor: %d training digits)%n", "FD vs held-out (features)", fd, fdFloor,
        samples));
    sb.append(String.format("%-36s %12.4f %12.4f  (held-out digits)%n", "Inception score (classifier)", inceptionScore,
        heldOutInceptionScore));
    if (!Double.isNaN(classAccuracy)) {
      sb.append(String.format("%-36s %12.4f%n", "class accuracy (intended labels)", classAccuracy));
    }
    sb.append(String.format("%-36s %12.4f %12.4f  (held-out digits)%n", "median NN distance to training", medianNnSamples,
        medianNnHeldOut));
    sb.append(String.format("%-36s %12.4f %12.4f  (expected without copying)%n",
        "fraction NN < " + String.format("%.3f", nnThreshold) + " (held-out 1%)", fractionCloserThanThreshold,
        NN_QUANTILE));
    return sb.toString();
  }

  private static Batch clipped(Batch x) {
    Batch c = x.copy();
    double[] v = c.data();
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(-1, Math.min(1, v[i]));
    }
    return c;
  }

  /** {@code k} distinct rows of {@code x}, chosen by a seeded partial Fisher-Yates shuffle. */
  private static Batch randomRows(Batch x, int k, long seed) {
    int n = x.n();
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    Rng r = Rng.of(seed);
    Batch out = new Batch(k, x.d());
    for (int i = 0; i < k; i++) {
      int j = i + r.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      System.arraycopy(x.data(), idx[i] * x.d(), out.data(), i * x.d(), x.d());
    }
    return out;
  }
}
