package org.diffusion4j.sde.grad;

/**
 * A scalar loss of the saved states of a gradient solve. {@code saved} holds paths x saves x d
 * values (row p, save s, component i at {@code (p * saves + s) * d + i}); the loss writes its
 * gradient with respect to every saved value into {@code grad} (same layout, pre-zeroed) and
 * returns its value.
 */
@FunctionalInterface
public interface PathLoss {
  double evaluate(double[] saved, double[] grad);
}
