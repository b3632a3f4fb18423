package org.diffusion4j.bench.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.consistency.ConsistencyFunction;
import org.diffusion4j.consistency.ConsistencySchedule;
import org.diffusion4j.nn.NeuralDenoiser;
import org.diffusion4j.nn.consistency.ConsistencyRun;
import org.diffusion4j.nn.data.Dataset;
import org.diffusion4j.nn.data.Mnist;
import org.diffusion4j.nn.eval.DigitClassifier;
import org.diffusion4j.nn.run.TrainedRun;
import org.diffusion4j.path.GaussianPath;

/**
 * FD of one- and two-step consistency sampling from {@code d4j distill} runs against the teacher's
 * 50-step DDIM, all on class-balanced labels (w = 0) with the in-tree classifier
 * ({@link MnistImageBench#sample}). Also the teacher itself as a one-step "consistency model"
 * (its data prediction in the consistency parameterisation: the CD student at step 0).
 *
 * <p>Usage: {@code ConsistencyBench TEACHER_RUN CLASSIFIER_DIR OUT_DIR [--n N] [--student NAME=RUN]...}
 */
public final class ConsistencyBench {
  private ConsistencyBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: ConsistencyBench TEACHER_RUN CLASSIFIER_DIR OUT_DIR [--n N] [--student NAME=RUN]...");
      System.exit(2);
    }
    Path teacherRun = Path.of(args[0]);
    Path clsDir = Path.of(args[1]);
    Path out = Path.of(args[2]);
    int n = 400;
    List<String[]> students = new ArrayList<>();
    boolean skipTeacher = false;
    for (int i = 3; i < args.length; i += 2) {
      switch (args[i]) {
        case "--n" -> n = Integer.parseInt(args[i + 1]);
        case "--student" -> students.add(args[i + 1].split("=", 2));
        case "--skip-teacher" -> skipTeacher = Boolean.parseBoolean(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Dataset train = Mnist.train();
    Dataset heldOut = Mnist.heldOut();
    List<MnistImageBench.Row> rows = new ArrayList<>();
    try (DigitClassifier clf = DigitClassifier.load(clsDir)) {
      try (NeuralDenoiser teacher = TrainedRun.open(teacherRun).denoiser()) {
        if (!skipTeacher) {
          rows.add(MnistImageBench.sample(teacher, teacher.samplingPath(), "ddim", 50, n, 10, 0, clf, heldOut, train, out,
              "teacher"));
        }
        GaussianPath path = teacher.path();
        ConsistencySchedule s = ConsistencySchedule.defaults().withSigmaData(teacher.config().sigmaData());
        ConsistencyRun asIs = new ConsistencyRun(org.diffusion4j.nn.consistency.DistillConfig
            .defaults(org.diffusion4j.nn.consistency.DistillConfig.Method.CD, 1, 1).withSchedule(s));
        rows.add(MnistImageBench.sample(y -> consistency(asIs, y < 0 ? teacher : teacher.forClass(y), path),
            teacher.dim(), asIs.samplingPath(path), "consistency", 1, n, 10, clf, heldOut, train, out,
            "teacher as CM (step 0)"));
      }
      for (String[] st : students) {
        Path dir = Path.of(st[1]);
        ConsistencyRun cr = ConsistencyRun.open(dir);
        try (NeuralDenoiser student = TrainedRun.open(dir).denoiser()) {
          GaussianPath path = student.path();
          for (int nfe : new int[] {1, 2}) {
            rows.add(MnistImageBench.sample(y -> consistency(cr, y < 0 ? student : student.forClass(y), path),
                student.dim(), cr.samplingPath(path), "consistency", nfe, n, 10, clf, heldOut, train, out, st[0]));
          }
        }
      }
    }
    String table = MnistImageBench.table(rows);
    System.out.print(table);
    Files.writeString(out.resolve("consistency.md"), table);
  }

  private static ConsistencyFunction consistency(ConsistencyRun run, NeuralDenoiser model, GaussianPath path) {
    return run.function(model, path);
  }
}
