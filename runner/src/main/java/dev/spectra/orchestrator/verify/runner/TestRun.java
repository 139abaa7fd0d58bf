package dev.spectra.orchestrator.verify.runner;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs every test class under a directory on the JUnit Platform, in this JVM, and counts what happened. */
final class TestRun {
  /**
   * Maven Surefire's default includes ({@code **}{@code /Test*.java}, {@code *Test.java}, {@code *Tests.java},
   * {@code *TestCase.java}) as class-name patterns, so the sandbox runs exactly the tests {@code mvn test} runs.
   */
  static final String[] SUREFIRE_INCLUDES = {
      "^(.+\\.)?Test[^.$]*$", "^(.+\\.)?[^.$]*Test$", "^(.+\\.)?[^.$]*Tests$", "^(.+\\.)?[^.$]*TestCase$"};

  private static final int MAX_TRACE_LINES = 12;

  /** Runs the tests and returns the counts and failures as JSON-ready maps. */
  static Map<String, Object> run(Path testClasses) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClasspathRoots(Set.of(testClasses)))
        .filters(includeClassNamePatterns(SUREFIRE_INCLUDES))
        .build();
    Recorder recorder = new Recorder();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, recorder);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("testsRun", recorder.passed.get() + recorder.failed.get());
    out.put("testsPassed", recorder.passed.get());
    out.put("testsFailed", recorder.failed.get());
    out.put("testsSkipped", recorder.skipped.get());
    out.put("failures", recorder.failures);
    return out;
  }

  /** Counts outcomes; a failing container (say a {@code @BeforeAll}) counts as one failed test, as Surefire does. */
  private static final class Recorder implements TestExecutionListener {
    final AtomicInteger passed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final List<Map<String, Object>> failures = new ArrayList<>();

    @Override public void executionSkipped(TestIdentifier id, String reason) {
      if (id.isTest()) skipped.incrementAndGet();
    }

    @Override public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
      switch (result.getStatus()) {
        case SUCCESSFUL -> { if (id.isTest()) passed.incrementAndGet(); }
        // Aborted means an assumption did not hold: Surefire reports it as skipped.
        case ABORTED -> { if (id.isTest()) skipped.incrementAndGet(); }
        case FAILED -> {
          failed.incrementAndGet();
          failures.add(failure(id, result.getThrowable().orElse(null)));
        }
      }
    }

    private static Map<String, Object> failure(TestIdentifier id, Throwable t) {
      String testClass = "";
      String testName = id.getDisplayName();
      var source = id.getSource().orElse(null);
      if (source instanceof MethodSource m) {
        testClass = m.getClassName();
        testName = m.getMethodName();
      } else if (source instanceof ClassSource c) {
        testClass = c.getClassName();
        testName = "(class " + c.getJavaClass().getSimpleName() + ")";
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("testClass", testClass);
      f.put("testName", testName);
      f.put("message", message(t));
      f.put("trace", trace(t, testClass));
      return f;
    }

    private static String message(Throwable t) {
      if (t == null) return "failed";
      String msg = t.getMessage() == null ? "" : t.getMessage().strip();
      // Assertion messages stand alone; for other exceptions the type is the most useful part.
      if (t instanceof AssertionError) return msg.isEmpty() ? t.getClass().getName() : msg;
      return msg.isEmpty() ? t.getClass().getName() : t.getClass().getName() + ": " + msg;
    }

    /** The frames up to and including the test class's own, without the framework frames below them. */
    private static String trace(Throwable t, String testClass) {
      if (t == null) return "";
      StringBuilder sb = new StringBuilder(t.toString().lines().findFirst().orElse("")).append('\n');
      int lines = 0;
      boolean seenTestClass = false;
      for (StackTraceElement e : t.getStackTrace()) {
        boolean inTest = !testClass.isEmpty() && e.getClassName().startsWith(testClass);
        if (seenTestClass && !inTest) break;
        seenTestClass |= inTest;
        if (++lines > MAX_TRACE_LINES) {
          sb.append("\t...\n");
          break;
        }
        sb.append("\tat ").append(e).append('\n');
      }
      Throwable root = t;
      while (root.getCause() != null && root.getCause() != root) root = root.getCause();
      if (root != t) sb.append("Caused by: ").append(root).append('\n');
      return sb.toString().strip();
    }
  }

  private TestRun() {}
}
