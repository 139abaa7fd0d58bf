package dev.spectra.orchestrator.verify.runner;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a generated project and runs its tests in one JVM, then writes a JSON result file. It runs inside the
 * sandbox, launched by the orchestrator with the JDK that runs the orchestrator; it never runs Maven.
 *
 * <p>Its class path is this package's classes (a jar of their own, so nothing of the orchestrator leaks into the
 * project's class path) plus the project's dependency jars, which carry the JUnit Platform launcher. The project's
 * own classes, compiled here, are loaded by a child class loader that becomes the thread's context loader: the JVM
 * class path then holds jars only, which lets the JVM keep a class-data archive of javac, JUnit and the project's
 * libraries between verifies. It depends on the JDK and the JUnit Platform only.
 *
 * <p>Arguments: {@code --project DIR --release N --main-classpath FILE --test-classpath FILE --main-sources REL
 * --main-resources REL --test-sources REL --test-resources REL --result FILE [--run-tests false]}: with
 * {@code --run-tests false} it compiles both source sets and runs no test (a service graded by other means).
 * Progress lines on stderr start
 * with {@value #PROGRESS_PREFIX}. Exit code 0 when a result was written, 3 on bad arguments, 4 when the runner
 * itself failed.
 */
public final class VerifyRunner {
  /** Prefix of the progress lines the host turns into progress events. */
  public static final String PROGRESS_PREFIX = RunnerLaunch.PROGRESS_PREFIX;

  private VerifyRunner() {}

  public static void main(String[] args) {
    RunnerLaunch.runAndHalt("verify runner", args,
        List.of("--project", "--release", "--main-classpath", "--test-classpath", "--result"), VerifyRunner::run);
  }

  private static int run(RunnerLaunch.Args a) throws IOException {
    Path project = Path.of(a.one("--project", null)).toAbsolutePath().normalize();
    int release = Integer.parseInt(a.one("--release", null));
    Path target = project.resolve("target");
    Path classes = target.resolve("classes");
    Path testClasses = target.resolve("test-classes");
    Path state = target.resolve("spectra-verify");
    Files.createDirectories(state);
    Path result = Path.of(a.one("--result", null));
    List<Path> mainCp = Compilation.readClasspathFile(Path.of(a.one("--main-classpath", null)));
    List<Path> testCp = new ArrayList<>();
    testCp.add(classes);
    testCp.addAll(Compilation.readClasspathFile(Path.of(a.one("--test-classpath", null))));

    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> errors = new ArrayList<>();
    StringBuilder log = new StringBuilder();
    Compilation javac = new Compilation(project);

    long t0 = System.nanoTime();
    RunnerLaunch.progress("compile", "compiling main sources");
    Compilation.Outcome main = javac.compile("main", project.resolve(a.one("--main-sources", "src/main/java")),
        project.resolve(a.one("--main-resources", "src/main/resources")), classes, mainCp, release, "", state);
    errors.addAll(main.errors());
    log.append(main.log());
    Compilation.Outcome test = null;
    if (main.ok()) {
      RunnerLaunch.progress("compile", main.skipped() ? "main unchanged; compiling tests" : "compiling tests");
      test = javac.compile("test", project.resolve(a.one("--test-sources", "src/test/java")),
          project.resolve(a.one("--test-resources", "src/test/resources")), testClasses, testCp, release,
          main.hash(), state);
      errors.addAll(test.errors());
      log.append(test.log());
    }
    boolean compiled = main.ok() && test.ok();
    out.put("compiled", compiled);
    out.put("mainCompileSkipped", main.skipped());
    out.put("testCompileSkipped", test != null && test.skipped());
    out.put("compileErrors", errors);
    out.put("compileLog", log.toString());
    out.put("compileMillis", (System.nanoTime() - t0) / 1_000_000);

    if (compiled && "false".equals(a.one("--run-tests", null))) {
      out.put("testsRun", 0);
      out.put("testsPassed", 0);
      out.put("testsFailed", 0);
      out.put("testsSkipped", 0);
      out.put("failures", List.of());
    } else if (compiled) {
      // An interim result: if a test kills this JVM, the host still learns that everything compiled.
      out.put("complete", false);
      write(result, out);
      long t1 = System.nanoTime();
      RunnerLaunch.progress("test", "running tests");
      try {
        out.putAll(runTests(classes, testClasses));
      } catch (Throwable t) {
        // Discovery itself failed (a broken engine, a class that cannot load): one failure that says why.
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        out.put("testsRun", 1);
        out.put("testsPassed", 0);
        out.put("testsFailed", 1);
        out.put("testsSkipped", 0);
        out.put("failures", List.of(Map.of("testClass", "", "testName", "(test discovery)",
            "message", String.valueOf(t), "trace", trace.toString())));
      }
      out.put("testMillis", (System.nanoTime() - t1) / 1_000_000);
    } else {
      out.put("testsRun", 0);
      out.put("testsPassed", 0);
      out.put("testsFailed", 0);
      out.put("testsSkipped", 0);
      out.put("failures", List.of());
    }
    out.put("complete", true);
    write(result, out);
    return 0;
  }

  /** Runs the tests with the compiled classes in a child loader, as Surefire would see them on its class path. */
  private static Map<String, Object> runTests(Path classes, Path testClasses) throws IOException {
    URL[] urls = {testClasses.toUri().toURL(), classes.toUri().toURL()};
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try (URLClassLoader loader = new URLClassLoader("project", urls, VerifyRunner.class.getClassLoader())) {
      // JUnit scans and loads test classes, and libraries such as slf4j find their configuration, through this loader.
      thread.setContextClassLoader(loader);
      return TestRun.run(testClasses);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** Writes the whole file, then moves it into place: the host never reads half a result. */
  private static void write(Path result, Map<String, Object> out) throws IOException {
    Path tmp = result.resolveSibling(result.getFileName() + ".tmp");
    Files.writeString(tmp, JsonOut.write(out), StandardCharsets.UTF_8);
    Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
