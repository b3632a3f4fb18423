package org.diffusion4j.control;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.Json;
import org.diffusion4j.io.JsonRecords;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.random.Rng;

/**
 * Offline transitions (D4RL's layout): N rows of observation, action, reward, goal and a
 * {@code timeouts} flag (1 on the last step of an episode), flattened row-major, plus the
 * environment name, the generation seed and the expert's noise level. Saved as one NPY file per
 * array and {@value #META_FILE}.
 */
public record OfflineDataset(String env, long seed, double noise, int stateDim, int actionDim, int goalDim,
    double[] observations, double[] actions, double[] rewards, double[] goals, double[] timeouts) {
  public static final String META_FILE = "dataset.json";

  /** The metadata file's content. */
  public record Meta(String env, long seed, double noise, int transitions, int episodes) {}

  public OfflineDataset {
    if (rewards == null || rewards.length == 0) {
      throw new IllegalArgumentException("offline dataset is empty: it needs at least 1 transition");
    }
    int n = rewards.length;
    if (stateDim < 1 || actionDim < 1 || goalDim < 0) {
      throw new IllegalArgumentException("need state and action dimensions >= 1 and goal dimension >= 0, got "
          + stateDim + ", " + actionDim + ", " + goalDim);
    }
    check(observations, (long) n * stateDim, "observations");
    check(actions, (long) n * actionDim, "actions");
    check(goals, (long) n * goalDim, "goals");
    check(timeouts, n, "timeouts");
    if (timeouts[n - 1] != 1) {
      throw new IllegalArgumentException("the last transition must end an episode (timeouts[" + (n - 1) + "] = 1)");
    }
  }

  private static void check(double[] a, long expected, String name) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + " must hold " + expected + " values, got "
          + (a == null ? "null" : a.length));
    }
  }

  public int size() {
    return rewards.length;
  }

  public int episodes() {
    int e = 0;
    for (double v : timeouts) {
      e += v == 1 ? 1 : 0;
    }
    return e;
  }

  /**
   * Start rows of every window of {@code horizon} consecutive transitions that lies within one
   * episode, in increasing order.
   */
  public int[] windowStarts(int horizon) {
    if (horizon < 1) {
      throw new IllegalArgumentException("window horizon must be >= 1, got " + horizon);
    }
    List<Integer> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < size(); i++) {
      if (timeouts[i] == 1) {
        for (int s = start; s + horizon <= i + 1; s++) {
          out.add(s);
        }
        start = i + 1;
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no episode is at least " + horizon + " steps long");
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * A maze dataset in the manner of D4RL's maze2d: each episode starts in a random open cell and
   * runs {@code steps} steps of the {@link MazeExpert} (noise {@code sigma}); whenever the mass is
   * within 0.3 of its goal a new random goal cell is drawn. Episode e draws from stream e of the
   * seed.
   */
  public static OfflineDataset maze(MazeLayout layout, long seed, int episodes, int steps, double sigma) {
    requireCounts(episodes, steps);
    PointMaze env = new PointMaze(layout, new PointMaze.Params(0.1, 4.0, 2.0, 0.1, 0.5, steps));
    MazeExpert expert = new MazeExpert(env, sigma);
    int n = episodes * steps;
    double[] obs = new double[n * 4];
    double[] act = new double[n * 2];
    double[] rew = new double[n];
    double[] goals = new double[n * 2];
    double[] timeouts = new double[n];
    int row = 0;
    for (int e = 0; e < episodes; e++) {
      Rng rng = Rng.of(seed).stream(e);
      double[][] sg = PointMaze.randomStartGoal(layout, rng);
      env.reset(sg[0], sg[1]);
      double[] goal = sg[1];
      for (int k = 0; k < steps; k++, row++) {
        double[] s = env.state();
        if (Math.hypot(s[0] - goal[0], s[1] - goal[1]) < 0.3) {
          goal = PointMaze.randomStartGoal(layout, rng)[1];
        }
        double[] a = expert.act(s, goal, rng);
        System.arraycopy(s, 0, obs, row * 4, 4);
        System.arraycopy(a, 0, act, row * 2, 2);
        System.arraycopy(goal, 0, goals, row * 2, 2);
        env.step(a);
        rew[row] = env.reward(env.state(), goal);
      }
      timeouts[row - 1] = 1;
    }
    return new OfflineDataset("maze2d-" + layout.name(), seed, sigma, 4, 2, 2, obs, act, rew, goals, timeouts);
  }

  /** A grip dataset: {@code episodes} episodes of the {@link GripExpert} (noise {@code sigma}); episode e uses stream e. */
  public static OfflineDataset grip(long seed, int episodes, double sigma) {
    requireCounts(episodes, 1);
    GripExpert expert = new GripExpert(sigma);
    GripTask task = new GripTask();
    List<double[]> rows = new ArrayList<>();
    for (int e = 0; e < episodes; e++) {
      Rng rng = Rng.of(seed).stream(e);
      task.reset(GripTask.randomStart(rng));
      while (!task.done()) {
        double[] s = task.state();
        double[] a = expert.act(s, rng);
        double r = task.step(a);
        double[] rowData = new double[GripTask.STATE_DIM + GripTask.ACTION_DIM + 2];
        System.arraycopy(s, 0, rowData, 0, GripTask.STATE_DIM);
        System.arraycopy(a, 0, rowData, GripTask.STATE_DIM, GripTask.ACTION_DIM);
        rowData[rowData.length - 2] = r;
        rowData[rowData.length - 1] = task.done() ? 1 : 0;
        rows.add(rowData);
      }
    }
    int n = rows.size();
    double[] obs = new double[n * GripTask.STATE_DIM];
    double[] act = new double[n * GripTask.ACTION_DIM];
    double[] rew = new double[n];
    double[] timeouts = new double[n];
    for (int i = 0; i < n; i++) {
      double[] r = rows.get(i);
      System.arraycopy(r, 0, obs, i * GripTask.STATE_DIM, GripTask.STATE_DIM);
      System.arraycopy(r, GripTask.STATE_DIM, act, i * GripTask.ACTION_DIM, GripTask.ACTION_DIM);
      rew[i] = r[r.length - 2];
      timeouts[i] = r[r.length - 1];
    }
    return new OfflineDataset("grip", seed, sigma, GripTask.STATE_DIM, GripTask.ACTION_DIM, 0, obs, act, rew,
        new double[0], timeouts);
  }

  private static void requireCounts(int episodes, int steps) {
    if (episodes < 1 || steps < 1) {
      throw new IllegalArgumentException("dataset needs episodes >= 1 and steps >= 1, got " + episodes + ", " + steps);
    }
  }

  /** Writes the arrays as NPY (float64) and the metadata to {@code dir}. */
  public void save(Path dir) throws IOException {
    Files.createDirectories(dir);
    int n = size();
    Npy.write(dir.resolve("observations.npy"), new long[] {n, stateDim}, observations);
    Npy.write(dir.resolve("actions.npy"), new long[] {n, actionDim}, actions);
    Npy.write(dir.resolve("rewards.npy"), new long[] {n}, rewards);
    Npy.write(dir.resolve("goals.npy"), new long[] {n, goalDim}, goals);
    Npy.write(dir.resolve("timeouts.npy"), new long[] {n}, timeouts);
    AtomicFiles.writeString(dir.resolve(META_FILE),
        JsonRecords.toJson(new Meta(env, seed, noise, n, episodes())) + "\n");
  }

  /** Reads a dataset written by {@link #save}. */
  public static OfflineDataset load(Path dir) throws IOException {
    Path metaFile = dir.resolve(META_FILE);
    if (!Files.exists(metaFile)) {
      throw new IllegalArgumentException(dir + " is not an offline dataset: no " + META_FILE);
    }
    Meta meta = JsonRecords.fromJson(Meta.class, (Map<?, ?>) Json.parse(Files.readString(metaFile)), metaFile.toString());
    NdArray obs = Npy.read(dir.resolve("observations.npy"));
    NdArray act = Npy.read(dir.resolve("actions.npy"));
    NdArray goals = Npy.read(dir.resolve("goals.npy"));
    if (obs.rank() != 2 || act.rank() != 2 || goals.rank() != 2) {
      throw new IllegalArgumentException("observations, actions and goals must be 2-D arrays in " + dir);
    }
    return new OfflineDataset(meta.env(), meta.seed(), meta.noise(), (int) obs.dim(1), (int) act.dim(1),
        (int) goals.dim(1), obs.data(), act.data(), Npy.read(dir.resolve("rewards.npy")).data(), goals.data(),
        Npy.read(dir.resolve("timeouts.npy")).data());
  }
}
