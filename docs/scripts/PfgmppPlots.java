import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.diffusion4j.cli.plot.Plot;

/**
 * The robustness figure of docs/pfgmpp.md from PfgmppMnistBench's results.csv: FD against NFE
 * (larger steps to the left; mean over the seeds) and FD against the relative output error alpha
 * (alpha = 0 is the seed-1 row at ALPHA_NFE), one line per D, and the n-sample FD floor as a grey line.
 *
 * <pre>
 *   java -cp "diffusion4j-cli/target/classes:$(cat diffusion4j-cli/target/classpath.txt)" \
 *       docs/scripts/PfgmppPlots.java results.csv ALPHA_NFE docs/images/pfgmpp-robustness.png
 * </pre>
 */
public class PfgmppPlots {
  public static void main(String[] args) throws Exception {
    List<String> lines = Files.readAllLines(Path.of(args[0]));
    int alphaNfe = Integer.parseInt(args[1]);
    List<String> header = List.of(lines.get(0).split(","));
    int cD = header.indexOf("D"), cExp = header.indexOf("experiment"), cNfe = header.indexOf("nfe");
    int cAlpha = header.indexOf("alpha"), cSeed = header.indexOf("seed"), cFd = header.indexOf("fd");
    int cFloor = header.indexOf("fd_floor");
    Map<String, TreeMap<Double, List<Double>>> byNfe = new LinkedHashMap<>();
    Map<String, TreeMap<Double, Double>> byAlpha = new LinkedHashMap<>();
    double floor = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      String d = "D = " + f[cD];
      double fd = Double.parseDouble(f[cFd]);
      floor = Double.parseDouble(f[cFloor]);
      if (f[cExp].equals("nfe")) {
        double nfe = Double.parseDouble(f[cNfe]);
        byNfe.computeIfAbsent(d, k -> new TreeMap<>()).computeIfAbsent(nfe, k -> new ArrayList<>()).add(fd);
        if ((int) nfe == alphaNfe && f[cSeed].equals("1")) {
          byAlpha.computeIfAbsent(d, k -> new TreeMap<>()).put(0.0, fd);
        }
      } else {
        byAlpha.computeIfAbsent(d, k -> new TreeMap<>()).put(Double.parseDouble(f[cAlpha]), fd);
      }
    }
    Plot steps = Plot.of("FD vs NFE (Heun; fewer NFE = larger steps)").xLabel("NFE").yLabel("FD").logX().logY();
    Plot noise = Plot.of("FD vs output error alpha (Heun, NFE " + alphaNfe + ")").xLabel("alpha").yLabel("FD");
    int i = 0;
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (var e : byNfe.entrySet()) {
      double[] x = e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray();
      double[] y = e.getValue().values().stream().mapToDouble(v -> v.stream().mapToDouble(Double::doubleValue)
          .average().orElseThrow()).toArray();
      steps.line(x, y, Plot.color(i), e.getKey(), true);
      lo = Math.min(lo, x[0]);
      hi = Math.max(hi, x[x.length - 1]);
      TreeMap<Double, Double> a = byAlpha.get(e.getKey());
      if (a != null && a.size() > 1) {
        noise.line(a.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
            a.values().stream().mapToDouble(Double::doubleValue).toArray(), Plot.color(i), e.getKey(), true);
      }
      i++;
    }
    steps.line(new double[] {lo, hi}, new double[] {floor, floor}, Plot.color(9), "FD floor", false);
    Plot.figure(Path.of(args[2]), 2, 560, 420, steps, noise);
  }
}
