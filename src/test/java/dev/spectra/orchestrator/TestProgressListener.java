package dev.spectra.orchestrator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Appends one line per finished test to {@code target/test-progress.log}: {@code CLASS DONE TOTAL MILLIS}. Surefire
 * keeps the console of its forked JVMs for itself, so {@code ./test} reads this file to say how far a long test
 * class has got. Registered through {@code META-INF/services}; does nothing when {@code target/} is absent.
 */
public final class TestProgressListener implements TestExecutionListener {
  private final Path file = Path.of("target", "test-progress.log");
  private final Map<String, Integer> totals = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> done = new ConcurrentHashMap<>();
  private final Map<String, Long> started = new ConcurrentHashMap<>();
  private TestPlan plan;

  @Override public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override public void executionStarted(TestIdentifier id) {
    if (id.getSource().orElse(null) instanceof ClassSource c && id.isContainer()) {
      started.put(c.getClassName(), System.nanoTime());
      totals.put(c.getClassName(), countTests(id));
    }
  }

  @Override public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    if (!id.isTest() || plan == null) return;
    String cls = classOf(id);
    if (cls == null) return;
    int n = done.computeIfAbsent(cls, k -> new AtomicInteger()).incrementAndGet();
    long millis = (System.nanoTime() - started.getOrDefault(cls, System.nanoTime())) / 1_000_000;
    String line = cls.substring(cls.lastIndexOf('.') + 1) + " " + n + " " + totals.getOrDefault(cls, 0) + " "
        + millis + "\n";
    try {
      if (Files.isDirectory(file.getParent())) {
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      // Progress is a courtesy; a test run must not fail over it.
    }
  }

  private int countTests(TestIdentifier container) {
    int n = 0;
    for (TestIdentifier child : plan.getChildren(container)) n += child.isTest() ? 1 : countTests(child);
    return n;
  }

  private String classOf(TestIdentifier id) {
    for (TestIdentifier p = id; p != null; p = plan.getParent(p).orElse(null)) {
      if (p.getSource().orElse(null) instanceof ClassSource c) return c.getClassName();
    }
    return null;
  }
}
