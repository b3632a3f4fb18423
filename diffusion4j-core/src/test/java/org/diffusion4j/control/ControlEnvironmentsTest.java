package org.diffusion4j.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlEnvironmentsTest {
  private static final MazeLayout ROOM = MazeLayout.parse("room", "#########", "#OOOOOOO#", "#OOOOOOO#",
      "#OOOOOOO#", "#OOOOOOO#", "#OOOOOOO#", "#OOOOOOO#", "#OOOOOOO#", "#########");

  @Test
  void freeSpaceMotionMatchesTheSemiImplicitEulerClosedForm() {
    PointMaze env = new PointMaze(ROOM);
    double[] v0 = {0.1, -0.2};
    double[] a = {0.3, 0.2};
    env.reset(new double[] {4.5, 4.5, v0[0], v0[1]}, new double[] {1.5, 1.5});
    double dt = 0.1;
    double k = env.params().accel();
    for (int n = 1; n <= 6; n++) {
      env.step(a);
      double[] s = env.state();
      for (int i = 0; i < 2; i++) {
        // v_n = v0 + n k a dt; p_n = p0 + n dt v0 + k a dt^2 n (n + 1) / 2 (velocity updated first)
        double v = v0[i] + n * k * a[i] * dt;
        double p = 4.5 + n * dt * v0[i] + k * a[i] * dt * dt * n * (n + 1) / 2.0;
        assertEquals(v, s[2 + i], 1e-12, "velocity " + i + " at step " + n);
        assertEquals(p, s[i], 1e-12, "position " + i + " at step " + n);
      }
    }
  }

  @Test
  void speedIsCappedAndAWallStopsTheMassOnItsFace() {
    PointMaze env = new PointMaze(ROOM);
    env.reset(new double[] {7.0, 4.5, 0, 0}, new double[] {1.5, 1.5});
    for (int i = 0; i < 20; i++) {
      env.step(new double[] {1, 0});
      assertTrue(Math.hypot(env.state()[2], env.state()[3]) <= env.params().maxSpeed() + 1e-12);
    }
    double[] s = env.state();
    assertEquals(8 - env.params().radius(), s[0], 0.0, "stops exactly on the inflated face of the wall at x = 8");
    assertEquals(0.0, s[2], 0.0, "the blocked velocity component is zeroed");
  }

  @Test
  void randomActionsNeverPenetrateAWall() {
    PointMaze env = new PointMaze(MazeLayout.MEDIUM);
    Rng rng = Rng.of(3);
    int stops = 0;
    for (int e = 0; e < 40; e++) {
      double[][] sg = PointMaze.randomStartGoal(MazeLayout.MEDIUM, rng);
      env.reset(sg[0], sg[1]);
      while (!env.done()) {
        double[] a = {2 * rng.nextDouble() - 1, 2 * rng.nextDouble() - 1};
        env.step(a);
        double[] s = env.state();
        assertFalse(env.insideWall(s[0], s[1]), "inside a wall at " + Arrays.toString(s));
        stops += s[2] == 0 || s[3] == 0 ? 1 : 0;
      }
    }
    assertTrue(stops > 50, "the random walk must hit walls for this test to mean anything, got " + stops);
  }

  @Test
  void breadthFirstPathGoesAroundTheU() {
    List<int[]> p = MazeLayout.UMAZE.shortestPath(new int[] {1, 1}, new int[] {3, 1});
    assertEquals(7, p.size());
    assertArrayEquals(new int[] {2, 3}, p.get(3));
  }

  @Test
  void noiselessExpertsSolveTheirTasks() {
    OfflineDataset maze = OfflineDataset.maze(MazeLayout.UMAZE, 1, 4, 400, 0.0);
    double reached = Arrays.stream(maze.rewards()).sum();
    assertTrue(reached > 100, "the maze expert reaches its goals, reward steps " + reached);
    PointMaze env = new PointMaze(MazeLayout.MEDIUM);
    MazeExpert expert = new MazeExpert(env, 0.0);
    Rng rng = Rng.of(5);
    int ok = 0;
    for (int e = 0; e < 20; e++) {
      double[][] sg = PointMaze.randomStartGoal(MazeLayout.MEDIUM, rng);
      env.reset(sg[0], sg[1]);
      boolean hit = false;
      while (!env.done()) {
        hit |= env.step(expert.act(env.state(), sg[1], rng)) > 0;
      }
      ok += hit ? 1 : 0;
    }
    assertEquals(20, ok, "noiseless maze expert success out of 20");
    OfflineDataset grip = OfflineDataset.grip(2, 50, 0.0);
    assertEquals(50.0, Arrays.stream(grip.rewards()).sum(), "noiseless grip expert succeeds in every episode");
  }

  @Test
  void datasetsAreBitwiseDeterministicForASeed() {
    OfflineDataset a = OfflineDataset.maze(MazeLayout.UMAZE, 7, 2, 200, 0.3);
    OfflineDataset b = OfflineDataset.maze(MazeLayout.UMAZE, 7, 2, 200, 0.3);
    OfflineDataset c = OfflineDataset.maze(MazeLayout.UMAZE, 8, 2, 200, 0.3);
    assertArrayEquals(a.observations(), b.observations());
    assertArrayEquals(a.actions(), b.actions());
    assertArrayEquals(a.goals(), b.goals());
    assertFalse(Arrays.equals(a.observations(), c.observations()));
    OfflineDataset g1 = OfflineDataset.grip(7, 10, 0.2);
    OfflineDataset g2 = OfflineDataset.grip(7, 10, 0.2);
    assertArrayEquals(g1.observations(), g2.observations());
    assertArrayEquals(g1.actions(), g2.actions());
  }

  @Test
  void datasetRoundTripsThroughNpyWithItsSeed(@TempDir Path dir) throws Exception {
    OfflineDataset a = OfflineDataset.grip(11, 5, 0.2);
    a.save(dir);
    OfflineDataset b = OfflineDataset.load(dir);
    assertEquals(11, b.seed());
    assertEquals("grip", b.env());
    assertArrayEquals(a.observations(), b.observations());
    assertArrayEquals(a.actions(), b.actions());
    assertArrayEquals(a.timeouts(), b.timeouts());
    assertEquals(5, b.episodes());
    int[] w = a.windowStarts(4);
    assertTrue(w.length > 0);
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    PointMaze env = new PointMaze(MazeLayout.UMAZE);
    var e1 = assertThrows(IllegalArgumentException.class, () -> env.reset(new double[3], new double[] {1.5, 1.5}));
    assertTrue(e1.getMessage().contains("dimension 4"), e1.getMessage());
    env.reset(new double[] {1.5, 1.5, 0, 0}, new double[] {3.5, 3.5});
    var e2 = assertThrows(IllegalArgumentException.class, () -> env.step(new double[1]));
    assertTrue(e2.getMessage().contains("dimension 2"), e2.getMessage());
    assertThrows(IllegalArgumentException.class, () -> env.step(new double[] {Double.NaN, 0}));
    assertThrows(IllegalArgumentException.class, () -> env.reset(new double[] {0.5, 0.5, 0, 0}, new double[] {1.5, 1.5}));
    var e3 = assertThrows(IllegalArgumentException.class, () -> new GripTask().reset(new double[5]));
    assertTrue(e3.getMessage().contains("dimension 7"), e3.getMessage());
    var e4 = assertThrows(IllegalArgumentException.class, () -> new OfflineDataset("x", 0, 0, 4, 2, 2,
        new double[0], new double[0], new double[0], new double[0], new double[0]));
    assertTrue(e4.getMessage().contains("empty"), e4.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MazeLayout.named("large"));
  }
}
