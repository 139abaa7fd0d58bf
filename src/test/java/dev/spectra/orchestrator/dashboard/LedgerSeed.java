package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Random;

/**
 * Fills a ledger with calls spread over this month, last month and today: several models (local and cloud), routes,
 * keys, outcomes, builds, unpriced calls and costs with many decimals, so that any rounding or boundary mistake in
 * the dashboard's figures shows against {@code stats}.
 */
public final class LedgerSeed {
  public static final String[] MODELS = {"mistral-7b", "qwen2.5-coder-32b", "gpt-4o-mini", "claude-3-5-sonnet"};

  private LedgerSeed() {}

  /** Records {@code n} calls with ids {@code prefix-N}; keys cycle through {@code keyIds} (null entries: no key). */
  public static void seed(Ledger ledger, int n, long seed, Instant now, String... keyIds) {
    Random r = new Random(seed);
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant monthStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant lastMonth = monthStart.minus(Duration.ofDays(20));
    long span = Math.max(1, now.toEpochMilli() - lastMonth.toEpochMilli());
    for (int b = 0; b < 5; b++) ledger.buildStarted("build-" + b, BuildRecord.Kind.BUILD, "seeded build " + b);
    for (int i = 0; i < n; i++) {
      int m = r.nextInt(MODELS.length);
      boolean local = m < 2;
      String outcome = r.nextInt(10) < 7 ? "ok" : r.nextInt(3) == 0 ? "skipped" : "failed";
      int tier = r.nextInt(3);
      int in = 50 + r.nextInt(4000);
      int out = 10 + r.nextInt(2000);
      // A few recent calls land today for sure; the rest anywhere from last month to now.
      Instant started = i % 7 == 0 ? now.minusMillis(r.nextInt(60_000))
          : Instant.ofEpochMilli(lastMonth.toEpochMilli() + (long) (r.nextDouble() * span));
      Money cost = local ? null : r.nextInt(20) == 0 ? null
          : Money.usd(String.format(java.util.Locale.ROOT, "%.9f", (in * 0.15 + out * 0.6) / 1_000_000 * (m + 1)));
      Money saved = local && "ok".equals(outcome) ? Money.usd(String.format(java.util.Locale.ROOT, "%.9f",
          (in * 3 + out * 15) / 1_000_000.0)) : Money.ZERO;
      String key = keyIds.length == 0 ? null : keyIds[i % keyIds.length];
      String build = r.nextInt(4) == 0 ? "build-" + r.nextInt(5) : null;
      ledger.record(new CallRecord("c" + seed + "-" + i, started, "req-" + seed + "-" + (i / 2), build,
          build == null ? null : "implement", "local-first", "local-first#" + (tier + 1), tier, MODELS[m], null,
          local, in, out, false, Duration.ofMillis(20 + r.nextInt(300)), Duration.ofMillis(40 + r.nextInt(5000)),
          outcome, "ok".equals(outcome) ? null : "server_error", "ok".equals(outcome) ? null : "HTTP 503 from upstream",
          "ok".equals(outcome) ? "served" : "next-route", "parsed", "", 0, "ok".equals(outcome) ? cost : null, saved,
          "test", key));
    }
    for (int b = 0; b < 5; b++) ledger.buildFinished("build-" + b, b % 2 == 0 ? "verified" : "failed");
    ledger.flush();
  }
}
