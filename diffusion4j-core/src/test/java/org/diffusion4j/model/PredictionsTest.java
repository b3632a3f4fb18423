package org.diffusion4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.diffusion4j.array.Batch;
import org.diffusion4j.path.FunctionPath;
import org.diffusion4j.path.GaussianPath;
import org.diffusion4j.path.Paths;
import org.diffusion4j.random.Noise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Exact conversions between prediction kinds, on every path and for every ordered pair of kinds. */
class PredictionsTest {
  static final double[] FRACTIONS = {0.1, 0.3, 0.5, 0.7, 0.9};

  static List<GaussianPath> pathList() {
    return List.of(
        Paths.create("vp-linear", Map.of()),
        Paths.create("vp-cosine", Map.of()),
        Paths.create("discrete", Map.of("schedule", "linear")),
        Paths.create("discrete", Map.of("schedule", "scaled-linear")),
        Paths.create("ve", Map.of()),
        Paths.create("sub-vp", Map.of()),
        Paths.create("edm", Map.of()),
        Paths.create("cond-ot", Map.of()),
        Paths.create("trig", Map.of()),
        FunctionPath.of("ou", t -> Math.exp(-t), t -> Math.sqrt(-Math.expm1(-2 * t)), 0, 3));
  }

  static Stream<GaussianPath> paths() {
    return pathList().stream();
  }

  static double time(GaussianPath p, double fraction) {
    return p.tMin() + fraction * (p.tMax() - p.tMin());
  }

  /** The prediction of {@code kind} for known (x0, eps), written from the definitions in {@link Prediction}. */
  static Batch truth(GaussianPath p, double t, Batch x0, Batch eps, Prediction kind) {
    double a = p.alpha(t);
    double s = p.sigma(t);
    Batch out = x0.zerosLike();
    switch (kind) {
      case EPSILON -> out.setFrom(eps);
      case X0 -> out.setFrom(x0);
      case V -> out.setLinear(a, eps, -s, x0);
      case SCORE -> out.setScaled(-1 / s, eps);
      case VELOCITY -> out.setLinear(p.alphaDot(t), x0, p.sigmaDot(t), eps);
      default -> throw new AssertionError(kind);
    }
    return out;
  }

  static double relError(Batch expected, Batch actual) {
    double scale = 0;
    for (double v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    return expected.maxAbsDistance(actual) / scale;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void everyPairRoundTripsAndMatchesTheDefinitions(GaussianPath p) {
    Batch x0 = Noise.standardNormal(1, 16, 3);
    Batch eps = Noise.standardNormal(2, 16, 3);
    for (double fr : FRACTIONS) {
      double t = time(p, fr);
      Batch x = x0.zerosLike().setLinear(p.alpha(t), x0, p.sigma(t), eps);
      for (Prediction from : Prediction.values()) {
        Batch pred = truth(p, t, x0, eps, from);
        for (Prediction to : Prediction.values()) {
          Batch conv = x.zerosLike();
          Predictions.convert(p, t, x, from, pred, to, conv);
          double e1 = relError(truth(p, t, x0, eps, to), conv);
          assertTrue(e1 <= 1e-11, () -> p.name() + " t=" + t + " " + from + "->" + to + " vs definition: " + e1);
          Batch back = x.zerosLike();
          Predictions.convert(p, t, x, to, conv, from, back);
          double e2 = relError(pred, back);
          assertTrue(e2 <= 1e-12, () -> p.name() + " t=" + t + " " + from + "->" + to + "->" + from + ": " + e2);
        }
      }
    }
  }

  /** A model that returns a fixed prediction. */
  record Fixed(Prediction prediction, Batch value) implements Denoiser {
    @Override
    public int dim() {
      return value.d();
    }

    @Override
    public void predict(Batch x, double t, Batch out) {
      out.setFrom(value);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void asDecoratorEqualsDirectConversion(GaussianPath p) {
    Batch x = Noise.standardNormal(3, 8, 2);
    Batch pred = Noise.standardNormal(4, 8, 2);
    double t = time(p, 0.4);
    for (Prediction from : Prediction.values()) {
      Denoiser model = new Fixed(from, pred);
      for (Prediction to : Prediction.values()) {
        Denoiser view = Predictions.as(model, p, to);
        assertEquals(to, view.prediction());
        assertEquals(2, view.dim());
        Batch viaView = x.zerosLike();
        view.predict(x, t, viaView);
        Batch direct = x.zerosLike();
        Predictions.convert(p, t, x, from, pred, to, direct);
        assertEquals(0, direct.maxAbsDistance(viaView), from + "->" + to);
        if (from == to) {
          assertSame(model, view);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("paths")
  void mixtureDenoiserOfEveryKindEqualsConvertedPosteriorMean(GaussianPath p) {
    GaussianMixture gm = new GaussianMixture(new double[] {0.3, 0.7}, new double[][] {{-1, 0.5, 2}, {1.5, -0.5, 0}},
        new double[][] {{0.2, 0.5, 1}, {0.3, 0.1, 0.4}});
    for (double fr : FRACTIONS) {
      double t = time(p, fr);
      Batch x0 = gm.sample(7, 32);
      Batch x = x0.zerosLike().setLinear(p.alpha(t), x0, p.sigma(t), Noise.standardNormal(8, 32, 3));
      Batch mean = x.zerosLike();
      gm.denoiser(p, Prediction.X0).predict(x, t, mean);
      for (Prediction kind : Prediction.values()) {
        Batch direct = x.zerosLike();
        gm.denoiser(p, kind).predict(x, t, direct);
        Batch converted = x.zerosLike();
        Predictions.convert(p, t, x, Prediction.X0, mean, kind, converted);
        double e = relError(converted, direct);
        assertTrue(e <= 1e-10, () -> p.name() + " t=" + t + " " + kind + ": " + e);
      }
    }
  }

  @Test
  void shapeMismatchIsRejected() {
    GaussianPath p = Paths.create("vp-linear", Map.of());
    Batch x = new Batch(4, 2);
    assertThrows(IllegalArgumentException.class,
        () -> Predictions.convert(p, 0.5, x, Prediction.EPSILON, new Batch(4, 3), Prediction.X0, new Batch(4, 2)));
  }

  @Test
  void predictionNamesParse() {
    for (Prediction k : Prediction.values()) {
      assertEquals(k, Prediction.parse(k.cliName()));
      assertEquals(k, Prediction.parse(k.name()));
    }
    assertEquals(Prediction.EPSILON, Prediction.parse(" Epsilon "));
    String m = assertThrows(IllegalArgumentException.class, () -> Prediction.parse("noiz")).getMessage();
    assertTrue(m.contains("noiz") && m.contains("velocity"), m);
  }
}
