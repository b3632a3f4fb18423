package org.diffusion4j.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Starts the DJL PyTorch engine once per JVM, offline and with explicit thread counts.
 *
 * <p>Intra-op threads default to 1 (system property {@code ai.djl.pytorch.num_threads} overrides,
 * e.g. {@code D4J_JAVA_OPTS=-Dai.djl.pytorch.num_threads=4 ./d4j train ...}); inter-op threads to
 * 1, since diffusion4j runs one graph at a time. One intra-op thread is the robust default for
 * the MLPs trained here: on an idle 2-core machine two threads trained the 8-Gaussians model
 * about as fast (200 steps in 4.0 s vs 4.2 s), but with two other busy processes on the machine
 * two threads took 60.4 s against 6.8 s for one, because OpenMP barriers stall whenever a worker
 * is descheduled. Results are bitwise reproducible for a fixed thread count. The native library comes from the {@code pytorch-native-cpu} jar on the
 * class path and is unpacked once (about 430 MB) into {@code DJL_CACHE_DIR} (default
 * {@code ~/.djl.ai}); nothing is downloaded.
 */
public final class DjlRuntime {
  private static volatile Engine engine;

  private DjlRuntime() {}

  /** The PyTorch engine, started on first use. Fails with a clear message if the native library is missing. */
  public static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (DjlRuntime.class) {
        e = engine;
        if (e == null) {
          e = start();
          engine = e;
        }
      }
    }
    return e;
  }

  /** A new root manager on the CPU; close it when done. */
  public static NDManager newManager() {
    return engine().newBaseManager();
  }

  private static Engine start() {
    setDefault("ai.djl.offline", "true");
    setDefault("ai.djl.pytorch.num_threads", "1");
    setDefault("ai.djl.pytorch.num_interop_threads", "1");
    // The TorchScript graph optimiser only matters for traced models; we run eager ops.
    setDefault("ai.djl.pytorch.graph_optimizer", "false");
    try {
      return Engine.getEngine("PyTorch");
    } catch (RuntimeException | LinkageError ex) {
      throw new IllegalStateException("cannot start the PyTorch engine: the native library "
          + "(ai.djl.pytorch:pytorch-native-cpu, classifier linux-x86_64, with pytorch-jni) is missing from the "
          + "class path or could not be unpacked into DJL_CACHE_DIR (" + cacheDir() + "): " + rootMessage(ex), ex);
    }
  }

  private static String cacheDir() {
    String env = System.getenv("DJL_CACHE_DIR");
    return env != null ? env : System.getProperty("user.home") + "/.djl.ai";
  }

  private static String rootMessage(Throwable t) {
    Throwable r = t;
    while (r.getCause() != null && r.getCause() != r) {
      r = r.getCause();
    }
    return r.getClass().getSimpleName() + ": " + r.getMessage();
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
