package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.run.RunRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleTakersTest {
  final Clock clock = Clock.fixed(Instant.parse("2026-03-15T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void aSampleBuildIsNamedAfterItsRunSubjectTaskAndRepeatAndIsAValidBuildId() {
    String id = SampleTakers.sampleBuildId("eval-20260315-120000-1e19", "fixed:qwen2.5-coder-32b", "13-bank-accounts", 1);
    assertThat(id).matches("eval-20260315-120000-1e19\\.fixed_qwen2\\.5-coder-32b\\.13-bank-accounts\\.1-[0-9a-f]{4}");
    // The run pipeline accepts it as the build's id.
    assertThat(new RunRequest("x", null, null, null, 1, null, true, id).buildId()).isEqualTo(id);
    String longName = "m".repeat(300);
    assertThat(SampleTakers.sampleBuildId("eval-1", longName, longName, 0)).startsWith("eval-1.").hasSizeLessThan(200);
  }

  @Test
  void theLedgerFindsEveryCallOfARunsSamplesByTheRunIdAndTotalsThemOnTheRunsRow(@TempDir Path dir) {
    String run = "eval-20260315-120000-1e19";
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      ledger.buildStarted(run, BuildRecord.Kind.EVAL, "eval");
      String a = SampleTakers.sampleBuildId(run, "local-first", "01-notes", 0);
      String b = SampleTakers.sampleBuildId(run, "local-first", "01-notes", 1);
      ledger.record(call("c1", a, "0.001"));
      ledger.record(call("c2", b, "0.002"));
      ledger.record(call("c3", "run-unrelated", "0.5"));
      ledger.buildFinished(run, "done", null);

      assertThat(ledger.calls(new Ledger.CallFilter(null, run, null, false, null, 10))).extracting(CallRecord::id)
          .containsExactlyInAnyOrder("c1", "c2");
      assertThat(ledger.build(run).orElseThrow().cost().usd()).isEqualByComparingTo("0.003");
    }
  }

  private CallRecord call(String id, String build, String cost) {
    return new CallRecord(id, clock.instant(), "req-" + id, build, "implement:x", "local-first", "local-first#2", 1,
        "gpt-4o-mini", "gpt-4o-mini", false, 1000, 200, false, Duration.ofMillis(30), Duration.ofMillis(400), "ok",
        null, null, "served", "raw_valid", null, 1, Money.usd(cost), Money.ZERO, "2026-03");
  }
}
