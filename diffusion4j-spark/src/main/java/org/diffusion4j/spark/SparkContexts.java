package org.diffusion4j.spark;

import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** Creates the Spark context of a job, with a clear message for a bad master URL. */
public final class SparkContexts {
  /** Master URLs Spark 3.5 accepts (SparkContext.createTaskScheduler). */
  private static final Pattern MASTER = Pattern.compile(
      "local|local\\[(\\*|[1-9][0-9]*)\\]|local\\[(\\*|[1-9][0-9]*)\\s*,\\s*[1-9][0-9]*\\]"
          + "|local-cluster\\[[0-9]+\\s*,\\s*[0-9]+\\s*,\\s*[0-9]+\\]|spark://.+|yarn|k8s://.+|mesos://.+");

  private SparkContexts() {}

  /**
   * A context on {@code master} (null: whatever spark-submit configured), with the UI off and
   * few shuffle partitions (these jobs shuffle nothing but their small reductions).
   */
  public static JavaSparkContext create(String master, String appName) {
    SparkConf conf = new SparkConf().setAppName(appName)
        .setIfMissing("spark.ui.enabled", "false")
        .setIfMissing("spark.sql.shuffle.partitions", "4")
        .setIfMissing("spark.ui.showConsoleProgress", "false");
    if (master != null) {
      checkMaster(master);
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      throw new IllegalArgumentException("no Spark master: give --master (e.g. local[2]) or run through spark-submit");
    }
    return new JavaSparkContext(conf);
  }

  /** Throws an IllegalArgumentException naming the allowed forms when {@code master} is not a Spark master URL. */
  public static void checkMaster(String master) {
    if (!MASTER.matcher(master.trim()).matches()) {
      throw new IllegalArgumentException("bad Spark master URL '" + master + "': expected local, local[N], local[*], "
          + "local[N,F] (F attempts per task), spark://HOST:PORT, yarn or k8s://URL");
    }
  }
}
