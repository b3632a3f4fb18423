package org.diffusion4j.nn.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusion4j.array.Batch;
import org.diffusion4j.metrics.NearestNeighbours;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.junit.jupiter.api.Test;

class NearestNeighbourSearchTest {
  @Test
  void agreesWithTheDirectSearchAndGivesZeroForCopies() {
    Dataset train = Mnist.rows(Mnist.train(), 0, 700, "train700");
    Dataset held = Mnist.rows(Mnist.heldOut(), 0, 300, "held300");
    // 300 held-out digits (more than one block of 256) plus 3 copies of training digits.
    Batch q = new Batch(303, 784);
    System.arraycopy(held.data().data(), 0, q.data(), 0, 300 * 784);
    for (int c = 0; c < 3; c++) {
      System.arraycopy(train.data().data(), (100 * c + 5) * 784, q.data(), (300 + c) * 784, 784);
    }
    double[] fast = NearestNeighbourSearch.distances(q, train.data());
    double[] direct = NearestNeighbours.distances(q, train.data());
    for (int i = 0; i < q.n(); i++) {
      assertEquals(direct[i], fast[i], 1e-9 * direct[i], "row " + i);
    }
    for (int c = 0; c < 3; c++) {
      assertEquals(0.0, fast[300 + c], 0.0);
    }
    assertThrows(IllegalArgumentException.class, () -> NearestNeighbourSearch.distances(new Batch(2, 5), train.data()));
  }
}
