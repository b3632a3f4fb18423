package org.diffusion4j.inverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;

/** Adjoint, SVD and pseudo-inverse identities of every linear operator; VJPs of the non-linear ones. */
class OperatorIdentitiesTest {
  static final ImageShape MNIST = ImageShape.grey(28);
  static final ImageShape RGB = new ImageShape(3, 8, 8);

  static List<LinearOperator> linearOperators() {
    List<LinearOperator> ops = new ArrayList<>();
    for (String task : new String[] {"inpaint-half", "inpaint-box", "inpaint-random", "sr2", "sr4", "deblur",
        "motion-deblur"}) {
      ops.add((LinearOperator) Operators.forTask(task, MNIST, 3));
    }
    ops.add(GroupMean.channelMean(RGB));
    ops.add(GroupMean.averagePool(RGB, 2));
    ops.add(Operators.randomMask(RGB, 0.5, 9));
    ops.add(SeparableBlur.motion(RGB, 3, false));
    ops.add(SeparableBlur.gaussian(MNIST, 1.5)); // exact, without DDRM's truncation
    return ops;
  }

  /**
   * DDRM's truncation: the truncated blur is within 2 zero of the exact one in operator norm
   * (each 1-D factor moves by less than zero, and both have norm <= 1), its 2-D singular values
   * are 0 or at least zero^2, so its pseudo-inverse amplifies no measurement by more than
   * 1 / zero^2, while the exact blur's pseudo-inverse does.
   */
  @Test
  void truncatedBlurIsNearTheExactOneAndItsPseudoInverseIsBounded() {
    double zero = Operators.DDRM_BLUR_ZERO;
    SeparableBlur exact = SeparableBlur.gaussian(MNIST, 1.5);
    SeparableBlur cut = (SeparableBlur) Operators.forTask("deblur", MNIST, 0);
    double[] s = cut.svd().singulars();
    int zeroed = 0;
    for (double v : s) {
      assertTrue(v == 0 || v >= zero * zero * (1 - 1e-12), "singular value " + v);
      zeroed += v == 0 ? 1 : 0;
    }
    assertTrue(zeroed > 0, "the cutoff must remove something for sigma 1.5");
    Rng r = Rng.of(4);
    double worstExact = 0;
    for (int trial = 0; trial < 5; trial++) {
      double[] x = gaussian(r, MNIST.size());
      double[] ax = new double[x.length];
      double[] cx = new double[x.length];
      exact.apply(x, 0, ax, 0);
      cut.apply(x, 0, cx, 0);
      assertTrue(norm(diff(ax, cx)) <= 2 * zero * norm(x), "truncation moved A x too far");
      double[] y = gaussian(r, MNIST.size());
      double[] xc = new double[x.length];
      double[] xe = new double[x.length];
      cut.pseudoInverse(y, 0, xc, 0);
      exact.pseudoInverse(y, 0, xe, 0);
      assertTrue(norm(xc) <= norm(y) / (zero * zero), "truncated pseudo-inverse amplified noise");
      worstExact = Math.max(worstExact, norm(xe) / norm(y));
    }
    assertTrue(worstExact > 1 / (zero * zero), "the exact blur's pseudo-inverse should amplify noise: " + worstExact);
    assertThrows(IllegalArgumentException.class, () -> exact.truncatedBelow(-1));
    assertThrows(IllegalArgumentException.class, () -> exact.truncatedBelow(Double.NaN));
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static double[] diff(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  static double[] gaussian(Rng r, int n) {
    double[] a = new double[n];
    r.fillGaussian(a, 0, n);
    return a;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @Test
  void adjointSatisfiesTheInnerProductIdentityToOneInTenBillion() {
    Rng r = Rng.of(1);
    for (LinearOperator op : linearOperators()) {
      for (int trial = 0; trial < 3; trial++) {
        double[] x = gaussian(r, op.inputDim());
        double[] y = gaussian(r, op.outputDim());
        double[] ax = new double[op.outputDim()];
        double[] aty = new double[op.inputDim()];
        op.apply(x, 0, ax, 0);
        op.adjoint(y, 0, aty, 0);
        assertEquals(dot(ax, y), dot(x, aty), 1e-10, op.name());
      }
    }
  }

  @Test
  void svdReconstructsTheOperatorAndItsFactorsAreOrthogonal() {
    Rng r = Rng.of(2);
    for (LinearOperator op : linearOperators()) {
      Svd svd = op.svd();
      int n = op.inputDim();
      int m = op.outputDim();
      double[] s = svd.singulars();
      assertEquals(m, s.length, op.name());
      double[] x = gaussian(r, n);
      double[] c = new double[n];
      svd.vt(x, 0, c, 0);
      // A x = U Sigma V^T x.
      double[] d = new double[m];
      for (int i = 0; i < m; i++) {
        d[i] = s[i] * c[i];
      }
      double[] usv = new double[m];
      svd.u(d, 0, usv, 0);
      double[] ax = new double[m];
      op.apply(x, 0, ax, 0);
      assertTrue(maxAbsDiff(ax, usv) < 1e-12, op.name() + " A != U S V^T by " + maxAbsDiff(ax, usv));
      // V orthogonal: V V^T x = x and |V^T x| = |x|; U likewise.
      double[] back = new double[n];
      svd.v(c, 0, back, 0);
      assertTrue(maxAbsDiff(x, back) < 1e-12, op.name() + " V V^T != I");
      assertEquals(dot(x, x), dot(c, c), 1e-9 * dot(x, x), op.name());
      double[] y = gaussian(r, m);
      double[] uy = new double[m];
      double[] yy = new double[m];
      svd.ut(y, 0, uy, 0);
      svd.u(uy, 0, yy, 0);
      assertTrue(maxAbsDiff(y, yy) < 1e-12, op.name() + " U U^T != I");
      assertEquals(dot(y, y), dot(uy, uy), 1e-9 * dot(y, y), op.name());
      for (double v : s) {
        assertTrue(v >= 0, op.name() + " negative singular value");
      }
    }
  }

  @Test
  void pseudoInverseSatisfiesThePenroseIdentities() {
    Rng r = Rng.of(3);
    for (LinearOperator op : linearOperators()) {
      int n = op.inputDim();
      int m = op.outputDim();
      double[] x = gaussian(r, n);
      double[] y = gaussian(r, m);
      double[] ax = new double[m];
      double[] pax = new double[n];
      double[] apax = new double[m];
      op.apply(x, 0, ax, 0);
      op.pseudoInverse(ax, 0, pax, 0);
      op.apply(pax, 0, apax, 0);
      // A A+ A = A, up to the singular values below the rcond cutoff (blurs: < 1e-10 max s).
      assertTrue(maxAbsDiff(ax, apax) < 1e-8, op.name() + " A A+ A != A by " + maxAbsDiff(ax, apax));
      double[] py = new double[n];
      double[] apy = new double[m];
      double[] papy = new double[n];
      op.pseudoInverse(y, 0, py, 0);
      op.apply(py, 0, apy, 0);
      op.pseudoInverse(apy, 0, papy, 0);
      double scale = Math.max(1, maxAbsDiff(py, new double[n]));
      assertTrue(maxAbsDiff(py, papy) < 1e-8 * scale, op.name() + " A+ A A+ != A+ by " + maxAbsDiff(py, papy));
    }
  }

  @Test
  void maskAndPoolingPseudoInversesAreTheClosedForms() {
    // Mask: A+ = A^T (zero fill). Pooling: A+ y repeats each mean over its block (A+ = k A^T).
    double[] y14 = gaussian(Rng.of(4), 14 * 14);
    GroupMean pool = GroupMean.averagePool(MNIST, 2);
    double[] up = new double[784];
    pool.pseudoInverse(y14, 0, up, 0);
    for (int i = 0; i < 28; i++) {
      for (int j = 0; j < 28; j++) {
        assertEquals(y14[(i / 2) * 14 + j / 2], up[i * 28 + j], 1e-12);
      }
    }
    PixelMask half = Operators.halfMask(MNIST);
    assertEquals(392, half.outputDim());
    double[] yh = gaussian(Rng.of(5), 392);
    double[] xh = new double[784];
    half.pseudoInverse(yh, 0, xh, 0);
    for (int i = 0; i < 784; i++) {
      assertEquals(i < 392 ? yh[i] : 0, xh[i], 1e-12);
    }
    assertEquals(0.5, pool.svd().singulars()[0], 1e-15);
  }

  @Test
  void blurSingularValuesMatchTheDenseGramMatrixTrace() {
    // sum s^2 = ||A||_F^2, computed independently from A applied to the basis vectors.
    SeparableBlur blur = SeparableBlur.gaussian(ImageShape.grey(10), 1.0);
    double frob = 0;
    double[] e = new double[100];
    double[] col = new double[100];
    for (int i = 0; i < 100; i++) {
      e[i] = 1;
      blur.apply(e, 0, col, 0);
      frob += dot(col, col);
      e[i] = 0;
    }
    double ss = 0;
    for (double s : blur.svd().singulars()) {
      ss += s * s;
    }
    assertEquals(frob, ss, 1e-12 * frob);
  }

  @Test
  void nonLinearVjpsMatchCentralDifferences() {
    Rng r = Rng.of(6);
    ForwardOperator sat = Operators.forTask("saturate", MNIST, 0);
    double[] x = gaussian(r, 784);
    double[] v = gaussian(r, 784);
    double[] g = new double[784];
    sat.vjp(x, 0, v, 0, g, 0);
    double[] dir = gaussian(r, 784);
    double h = 1e-6;
    double[] xp = x.clone();
    double[] xm = x.clone();
    for (int i = 0; i < 784; i++) {
      xp[i] += h * dir[i];
      xm[i] -= h * dir[i];
    }
    double[] yp = new double[784];
    double[] ym = new double[784];
    sat.apply(xp, 0, yp, 0);
    sat.apply(xm, 0, ym, 0);
    double fd = 0;
    for (int i = 0; i < 784; i++) {
      fd += v[i] * (yp[i] - ym[i]) / (2 * h);
    }
    assertEquals(fd, dot(g, dir), 1e-6 * Math.abs(fd));

    ForwardOperator q = Operators.forTask("quantize", MNIST, 0);
    double[] xq = {-1.2, -0.9, -0.2, 0.1, 0.5, 0.95, 1.3};
    Quantization q4 = new Quantization(ImageShape.vector(7), 4);
    double[] yq = new double[7];
    q4.apply(xq, 0, yq, 0);
    double third = 1.0 / 3;
    double[] expected = {-1, -1, -third, third, third, 1, 1};
    for (int i = 0; i < 7; i++) {
      assertEquals(expected[i], yq[i], 1e-15);
    }
    double[] gq = new double[7];
    q4.vjp(xq, 0, new double[] {1, 1, 1, 1, 1, 1, 1}, 0, gq, 0);
    assertEquals(0, gq[0]);
    assertEquals(1, gq[3]);
    assertEquals(0, gq[6]);
    assertEquals("quantize4", q.name());
  }

  @Test
  void bicubicKeepsConstantsAndReproducesARampAwayFromTheBorder() {
    ImageShape low = ImageShape.grey(7);
    Batch c = new Batch(1, 49);
    java.util.Arrays.fill(c.data(), 0.3);
    Batch up = Bicubic.upsample(c, low, 4);
    for (double v : up.data()) {
      assertEquals(0.3, v, 1e-14);
    }
    Batch ramp = new Batch(1, 49);
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        ramp.data()[i * 7 + j] = 0.1 * j - 0.05 * i;
      }
    }
    Batch up2 = Bicubic.upsample(ramp, low, 2);
    // Output pixel (I, J) sits at source coordinate ((I + 0.5) / 2 - 0.5, (J + 0.5) / 2 - 0.5).
    for (int i = 4; i < 10; i++) {
      for (int j = 4; j < 10; j++) {
        double u = (i + 0.5) / 2 - 0.5;
        double v = (j + 0.5) / 2 - 0.5;
        assertEquals(0.1 * v - 0.05 * u, up2.data()[i * 14 + j], 1e-13);
      }
    }
  }

  @Test
  void badInputGivesClearErrors() {
    LinearOperator pool = GroupMean.averagePool(MNIST, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Measurement(pool, new Batch(2, 100), 0.1));
    assertTrue(e.getMessage().contains("196"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Measurement(pool, new Batch(2, 196), -0.1));
    assertTrue(e.getMessage().contains("sigma_y"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> pool.apply(new Batch(1, 100)));
    assertThrows(IllegalArgumentException.class, () -> GroupMean.averagePool(MNIST, 3));
    assertThrows(IllegalArgumentException.class, () -> Operators.forTask("sr3", MNIST, 0));
    assertThrows(IllegalArgumentException.class, () -> Operators.boxMask(MNIST, 20, 20, 10, 10));
    assertThrows(IllegalArgumentException.class, () -> SeparableBlur.gaussian(MNIST, -1));
  }

  @Test
  void observationNoiseIsSeededAndHasTheStatedLevel() {
    ForwardOperator op = Operators.forTask("sr2", MNIST, 0);
    Batch x = new Batch(50, 784);
    Measurement a = Measurement.observe(op, x, 0.1, 7);
    Measurement b = Measurement.observe(op, x, 0.1, 7);
    assertEquals(0, a.y().maxAbsDistance(b.y()));
    double ss = 0;
    for (double v : a.y().data()) {
      ss += v * v;
    }
    double sd = Math.sqrt(ss / a.y().size());
    assertEquals(0.1, sd, 0.1 * 4 / Math.sqrt(2 * a.y().size()));
    double[] res = a.residualNorms(x);
    double rr = 0;
    for (double v : res) {
      rr += v * v;
    }
    assertEquals(ss, rr, 1e-9 * ss); // x = 0: the residuals are the noise itself
  }
}
