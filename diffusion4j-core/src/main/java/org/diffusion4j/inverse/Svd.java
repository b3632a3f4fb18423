package org.diffusion4j.inverse;

/**
 * An exact singular value decomposition A = U Sigma V^T of an m x n linear operator (m &lt;= n),
 * kept in the structured form that the operator allows (permutations, Householder blocks,
 * Kronecker products of small factors) so that no dense n x n matrix is ever formed. This is the
 * interface of DDRM's {@code H_functions} (bahjat-kawar/ddrm, functions/svd_replacement.py):
 * V^T, V, U^T, U and the singular values.
 *
 * <p>Spectral coordinate i &lt; m of V^T x pairs with output coordinate i of U^T y and singular
 * value {@code singulars()[i]} (which may be 0); coordinates m..n-1 of V^T x are in the null space
 * (singular value 0). V and U are orthogonal.
 */
public interface Svd {
  /** n: the input dimension (length of V^T x). */
  int inputDim();

  /** m: the output dimension (length of U^T y). */
  int outputDim();

  /** The m singular values paired with the first m spectral coordinates (a copy). */
  double[] singulars();

  /** c = V^T x (n values). */
  void vt(double[] x, int xOff, double[] c, int cOff);

  /** x = V c (n values). */
  void v(double[] c, int cOff, double[] x, int xOff);

  /** d = U^T y (m values). */
  void ut(double[] y, int yOff, double[] d, int dOff);

  /** y = U d (m values). */
  void u(double[] d, int dOff, double[] y, int yOff);
}
