package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.TokenListener;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalRunnerTest {
  static final Model NO_MODEL = new Model() {
    @Override public String name() { return "unused"; }
    @Override public ModelReply chat(ModelRequest r, TokenListener l) throws ModelException {
      throw new AssertionError("the fake taker does not call models");
    }
  };

  /** Records how many samples run at once per subject; answers from a fixed success pattern. */
  static final class FakeTaker implements EvalRunner.SampleTaker {
    final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final ConcurrentHashMap<String, Integer> maxInFlight = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile Runnable afterCall = () -> {};

    @Override public Sample take(Subject s, EvalTask t, int repeat) throws InterruptedException {
      calls.incrementAndGet();
      if (s.name().equals("offline")) return Sample.unavailable(s.name(), false, t, repeat, "plan", "cannot connect to http://127.0.0.1:9");
      int now = inFlight.computeIfAbsent(s.name(), k -> new AtomicInteger()).incrementAndGet();
      maxInFlight.merge(s.name(), now, Math::max);
      Thread.sleep(2); // give other virtual threads a chance to overlap
      inFlight.get(s.name()).decrementAndGet();
      afterCall.run();
      boolean ok = (t.id().hashCode() + repeat) % 3 != 0;
      return new Sample(s.name(), s.simulated(), t.id(), t.complexity(), repeat, "plan", true, ok, true,
          ok ? "RAW_VALID" : "REPAIRED", true, null, null, 0, 100, 10, 50, 50, s.local() ? 100 : 0, BigDecimal.ZERO,
          BigDecimal.ZERO, List.of(), s.name(), null);
    }
  }

  static RunInfo info(String runId) {
    return new RunInfo(runId, "plan", "builtin", Suite.builtin().tasks().size(), 1, Instant.parse("2026-01-01T00:00:00Z"),
        100, Scorecard.Weights.SEED, "orchestrator eval --simulate", "test", 42L, BuildProjection.seedEstimate(),
        List.of());
  }

  final EvalRunner.Options options = new EvalRunner.Options("plan", 2, 8, 100, Scorecard.Weights.SEED, 3);

  @Test
  void respectsEachSubjectsConcurrencyLimit(@TempDir Path dir) throws Exception {
    FakeTaker taker = new FakeTaker();
    Subject ollama = new Subject("local", NO_MODEL, false, true, 1);
    Subject cloud = new Subject("cloud", NO_MODEL, false, false, 4);
    EvalRunner runner = new EvalRunner(taker, options, EvalRunner.Progress.NONE, Clock.systemUTC());
    EvalReport report = runner.run(info("r1"), Suite.builtin(), List.of(ollama, cloud), List.of(), dir.resolve("s.jsonl"));
    assertThat(taker.maxInFlight.get("local")).isEqualTo(1);
    assertThat(taker.maxInFlight.get("cloud")).isLessThanOrEqualTo(4);
    assertThat(report.partial()).isFalse();
    assertThat(report.subjects()).allSatisfy(m -> assertThat(m.samples()).isEqualTo(2 * Suite.builtin().tasks().size()));
  }

  @Test
  void anUnreachableSubjectIsMarkedUnavailableAndTheOthersProceed(@TempDir Path dir) throws Exception {
    FakeTaker taker = new FakeTaker();
    EvalRunner runner = new EvalRunner(taker, new EvalRunner.Options("plan", 1, 1, 100, Scorecard.Weights.SEED, 3),
        EvalRunner.Progress.NONE, Clock.systemUTC());
    EvalReport report = runner.run(info("r2"), Suite.builtin(),
        List.of(new Subject("offline", NO_MODEL, false, true, 1), new Subject("ok", NO_MODEL, false, true, 1)),
        List.of(), dir.resolve("s.jsonl"));
    SubjectMetrics offline = report.subjects().stream().filter(m -> m.subject().equals("offline")).findFirst().orElseThrow();
    assertThat(offline.available()).isFalse();
    assertThat(offline.unavailableReason()).contains("cannot connect");
    assertThat(report.subjects().get(0).subject()).as("unavailable rows come last").isEqualTo("ok");
    assertThat(report.subjects().get(0).samples()).isEqualTo(Suite.builtin().tasks().size());
    assertThat(report.markdown()).contains("| offline | unavailable");
    assertThat(report.partial()).as("an outage is a result, not an interruption").isFalse();
  }

  @Test
  void aStopAbandonsSamplesStillInFlightAfterTheGraceAndReturnsThePartialReport(@TempDir Path dir) throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    EvalRunner.SampleTaker hangs = (s, t, r) -> {
      started.countDown();
      new java.util.concurrent.CountDownLatch(1).await();   // a build that would take minutes
      throw new AssertionError("unreachable: the runner interrupts abandoned samples");
    };
    EvalRunner runner = new EvalRunner(hangs, new EvalRunner.Options("plan", 1, 2, 100, Scorecard.Weights.SEED, 3),
        EvalRunner.Progress.NONE, Clock.systemUTC()).inFlightGrace(java.time.Duration.ofMillis(50));
    Thread stopper = Thread.ofVirtual().start(() -> {
      try {
        started.await();
      } catch (InterruptedException e) {
        return;
      }
      runner.stop();
    });
    EvalReport report = runner.run(info("r5"), Suite.builtin(), List.of(new Subject("m", NO_MODEL, false, true, 2)),
        List.of(), dir.resolve("s.jsonl"));
    stopper.join();
    assertThat(report.partial()).isTrue();
    assertThat(SampleStore.read(dir.resolve("s.jsonl"))).isEmpty();
  }

  @Test
  void aStoppedRunIsPartialAndResumeRunsOnlyTheMissingSamples(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("s.jsonl");
    Suite suite = Suite.builtin();
    List<Subject> subjects = List.of(new Subject("m", NO_MODEL, true, true, 1));
    EvalRunner.Options one = new EvalRunner.Options("plan", 1, 1, 100, Scorecard.Weights.SEED, 3);
    FakeTaker first = new FakeTaker();
    EvalRunner runner = new EvalRunner(first, one, EvalRunner.Progress.NONE, Clock.systemUTC());
    first.afterCall = () -> { if (first.calls.get() == 5) runner.stop(); };
    EvalReport partial = runner.run(info("r3"), suite, subjects, List.of(), file);
    assertThat(partial.partial()).isTrue();
    List<Sample> stored = SampleStore.read(file);
    assertThat(stored).hasSizeBetween(5, 6);

    FakeTaker second = new FakeTaker();
    EvalReport resumed = new EvalRunner(second, one, EvalRunner.Progress.NONE, Clock.systemUTC())
        .run(info("r3"), suite, subjects, stored, file);
    assertThat(second.calls.get()).isEqualTo(suite.tasks().size() - stored.size());
    assertThat(resumed.partial()).isFalse();
    assertThat(resumed.subjects().get(0).samples()).isEqualTo(suite.tasks().size());
    assertThat(SampleStore.read(file)).hasSize(suite.tasks().size());
  }

  @Test
  void reportsAreWrittenAsMarkdownJsonAndOfflineHtmlWithSimulationLabels(@TempDir Path dir) throws Exception {
    EvalRunner runner = new EvalRunner(new FakeTaker(), new EvalRunner.Options("plan", 1, 2, 100, Scorecard.Weights.SEED, 3),
        EvalRunner.Progress.NONE, Clock.systemUTC());
    EvalReport report = runner.run(info("r4"), Suite.builtin(),
        List.of(new Subject("mistral-7b", NO_MODEL, true, true, 2), new Subject("gpt-4o-mini", NO_MODEL, true, false, 2)),
        List.of(), dir.resolve("s.jsonl"));
    report.writeTo(dir);
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("| Solution | Monthly Cost | Reliability (plans) | Autonomy | SPECTRA Score |")
        .contains("mistral-7b (simulated)").contains("/" + Suite.builtin().tasks().size() + ";");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("<svg").contains("(simulated)").doesNotContain("src=\"http").doesNotContain("href=\"http")
        .doesNotContain("<script");
    String json = Files.readString(dir.resolve("report.json"));
    assertThat(json).contains("\"simulated\" : true").contains("\"ci95_low\"");
  }
}
