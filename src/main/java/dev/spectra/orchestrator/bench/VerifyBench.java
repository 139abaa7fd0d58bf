package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.scaffold.InvalidContractException;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import dev.spectra.orchestrator.verify.ProcessTree;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.SandboxVerifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code bench verify}: how long the sandboxed verify takes against a plain {@code mvn test} on the same generated
 * project, in one run, on this machine. Both use the same local repository, already warm, and Maven runs offline,
 * so neither pays for the network. Two situations are measured, alternating the order of the two tools on each
 * repetition so a drift in machine load does not favour either:
 * <ul>
 *   <li>{@code clean}: {@code target/} deleted first: everything compiles, then every test runs (a fresh build);
 *   <li>{@code unchanged}: nothing changed since the last run: both skip compiling and run every test (the
 *       shape of a fix-loop iteration that only re-runs tests).
 * </ul>
 */
public final class VerifyBench {
  /**
   * @param openapi the contract to scaffold
   * @param repetitions how many times each tool runs in each situation (medians are reported)
   */
  public record Options(Path openapi, int repetitions, ProgressListener progress) {
    public Options {
      if (repetitions < 1) throw new IllegalArgumentException("repetitions must be at least 1, got " + repetitions);
      progress = progress == null ? ProgressListener.NONE : progress;
    }
  }

  /** One timed run. {@code tests} is the number of tests the tool reported as run. */
  public record Sample(String situation, String tool, int repetition, long millis, boolean passed, int tests) {}

  /** Median, minimum and maximum of one tool in one situation, in milliseconds. */
  public record Stats(long median, long min, long max) {
    static Stats of(List<Long> values) {
      List<Long> sorted = values.stream().sorted().toList();
      int n = sorted.size();
      long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      return new Stats(median, sorted.getFirst(), sorted.getLast());
    }
  }

  /** Both tools in one situation; {@code ratio} is verify's median over Maven's. */
  public record Comparison(String situation, Stats sandboxedVerify, Stats mavenTest, double ratio) {}

  /** Everything measured, with what it was measured on. */
  public record Report(String openapi, int testsRun, int repetitions, String sandbox, String mavenCommand,
      String java, int cpus, List<Comparison> comparisons, List<Sample> samples) {}

  /** The measured tools' names, as they appear in samples. */
  public static final String VERIFY = "sandboxed-verify";
  public static final String MAVEN = "mvn-test";

  private static final Pattern SUREFIRE_TESTS = Pattern.compile("<testsuite[^>]*?\\stests=\"(\\d+)\"");

  private final SandboxVerifier verifier;

  /** @param verifier the production verifier; its Maven command and cache are what {@code mvn test} runs with */
  public VerifyBench(SandboxVerifier verifier) {
    this.verifier = verifier;
  }

  public Report run(Options options) throws InvalidContractException, SandboxUnavailableException,
      InterruptedException, IOException {
    List<String> mvn = verifier.mavenCommand().orElseThrow(() -> new IOException(
        "no Maven found to compare with (neither the orchestrator's ./mvnw nor mvn on PATH)"));
    ProgressListener progress = options.progress();
    Path work = Files.createTempDirectory("orchestrator-bench-");
    try {
      Path project = work.resolve("project");
      progress.onProgress("scaffold", "generating the project for " + options.openapi());
      new Scaffolder().scaffold(options.openapi(), null, project);

      progress.onProgress("warm-up", "sandboxed verify (fills the dependency cache on first use)");
      VerifyResult first = verifier.verify(project, quiet(progress));
      if (!first.passed()) {
        throw new IOException("the generated project does not verify, so there is nothing fair to measure: "
            + first.failures() + first.compileErrors());
      }
      List<String> maven = new ArrayList<>(mvn);
      maven.addAll(List.of("-B", "-q", "-Dmaven.repo.local=" + verifier.cacheRoot().resolve("m2"), "test"));
      progress.onProgress("warm-up", "mvn test (downloads Maven's own plugins into the cache on first use)");
      MavenRun warm = maven(maven, project);
      if (warm.code() != 0) throw new IOException("mvn test failed on the generated project:\n" + warm.output());
      List<String> offline = new ArrayList<>(maven);
      offline.add(offline.size() - 1, "-o");

      List<Sample> samples = new ArrayList<>();
      for (String situation : List.of("clean", "unchanged")) {
        if (situation.equals("unchanged")) {
          // Each tool's own up-to-date state (verify's source hashes, Maven's stale-source check) must be there.
          progress.onProgress("measure", "priming the unchanged runs");
          verifier.verify(project, quiet(progress));
          maven(offline, project);
        }
        for (int rep = 1; rep <= options.repetitions(); rep++) {
          boolean verifyFirst = rep % 2 == 1;
          for (int k = 0; k < 2; k++) {
            boolean isVerify = (k == 0) == verifyFirst;
            if (situation.equals("clean")) deleteTree(project.resolve("target"));
            progress.onProgress("measure", situation + " " + (isVerify ? VERIFY : MAVEN) + " " + rep + "/"
                + options.repetitions());
            samples.add(isVerify ? timeVerify(project, situation, rep, progress)
                : timeMaven(offline, project, situation, rep));
          }
        }
      }
      List<Comparison> comparisons = new ArrayList<>();
      for (String situation : List.of("clean", "unchanged")) {
        Stats v = Stats.of(millis(samples, situation, VERIFY));
        Stats m = Stats.of(millis(samples, situation, MAVEN));
        comparisons.add(new Comparison(situation, v, m, m.median() == 0 ? 0 : (double) v.median() / m.median()));
      }
      return new Report(options.openapi().toString(), first.testsRun(), options.repetitions(), first.sandbox(),
          String.join(" ", offline.subList(mvn.size(), offline.size())).replace(verifier.cacheRoot().toString(),
              "<cache>"),
          "Java " + Runtime.version().feature(), Runtime.getRuntime().availableProcessors(), comparisons, samples);
    } finally {
      deleteTree(work);
    }
  }

  private Sample timeVerify(Path project, String situation, int rep, ProgressListener progress)
      throws SandboxUnavailableException, InterruptedException {
    long t0 = System.nanoTime();
    VerifyResult r = verifier.verify(project, quiet(progress));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new Sample(situation, VERIFY, rep, ms, r.passed(), r.testsRun());
  }

  private Sample timeMaven(List<String> cmd, Path project, String situation, int rep)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    MavenRun r = maven(cmd, project);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new Sample(situation, MAVEN, rep, ms, r.code() == 0, surefireTests(project));
  }

  private static VerifyOptions quiet(ProgressListener progress) {
    return new VerifyOptions(VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT, false,
        (step, detail) -> { if (step.equals("cache")) progress.onProgress(step, detail); });
  }

  private record MavenRun(int code, String output) {}

  private MavenRun maven(List<String> cmd, Path project) throws IOException, InterruptedException {
    Path log = Files.createTempFile("orchestrator-bench-mvn-", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      Map<String, String> env = new HashMap<>(verifier.mavenEnvironment());
      pb.environment().putAll(env);
      Process p = pb.start();
      try {
        int code = p.waitFor();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        return new MavenRun(code, out.length() > 4000 ? out.substring(out.length() - 4000) : out);
      } catch (InterruptedException e) {
        ProcessTree.killTree(p);
        throw e;
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static int surefireTests(Path project) throws IOException {
    Path reports = project.resolve("target/surefire-reports");
    if (!Files.isDirectory(reports)) return 0;
    int tests = 0;
    try (Stream<Path> s = Files.list(reports)) {
      for (Path p : s.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
        Matcher m = SUREFIRE_TESTS.matcher(Files.readString(p));
        if (m.find()) tests += Integer.parseInt(m.group(1));
      }
    }
    return tests;
  }

  private static List<Long> millis(List<Sample> samples, String situation, String tool) {
    return samples.stream().filter(s -> s.situation().equals(situation) && s.tool().equals(tool))
        .map(Sample::millis).toList();
  }

  /** Deletes a directory this benchmark made, without following links; a leftover is only a temp directory. */
  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort.
    }
  }
}
