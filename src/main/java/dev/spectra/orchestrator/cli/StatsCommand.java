package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.LedgerStats;
import dev.spectra.orchestrator.model.Money;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator stats}: success per model, fallbacks, cost per build, spend and projections, from the ledger. */
@Command(name = "stats", description = {
    "Show success per model, fallbacks taken, cost per build, month-to-date spend and projections.",
    "Everything comes from the ledger (see 'orchestrator ledger'). Cost is priced by the model that served each call."})
public final class StatsCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--since", paramLabel = "DATE",
      description = "Only calls from this day (YYYY-MM-DD, UTC) or instant (2026-11-01T10:00:00Z) on; default: the "
          + "first of this month.")
  String since;

  @Option(names = "--builds-per-month", paramLabel = "N", defaultValue = "100",
      description = "Builds a month for the projection (default: ${DEFAULT-VALUE}).")
  int buildsPerMonth;

  @Option(names = "--build", paramLabel = "ID",
      description = "Only calls of this build and its parts: an eval run id selects every sample's build of the run; "
          + "without --since, from the beginning.")
  String build;

  @Option(names = "--json", description = "Print the statistics as JSON.")
  boolean json;

  public StatsCommand(Io io) { this.io = io; }

  @Override public Integer call() {
    if (buildsPerMonth < 0) throw ExitException.usage("--builds-per-month must be >= 0, got " + buildsPerMonth);
    // A build is looked at whole: its calls may predate this month.
    Instant from = build != null && since == null ? Instant.EPOCH : parseSince(since);
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    LedgerStats s;
    try (Ledgers.Handle h = Ledgers.open(config, io.env(), io.err())) {
      s = h.ledger().stats(from, buildsPerMonth, build == null || build.isBlank() ? null : build.strip());
    }
    if (json) printJson(s, config.referenceModel());
    else printText(s, config.referenceModel());
    return ExitCodes.OK;
  }

  static Instant parseSince(String text) {
    if (text == null) {
      return LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    try {
      return text.contains("T") ? Instant.parse(text) : LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw ExitException.usage("--since: '" + text + "' is not a date; use YYYY-MM-DD (UTC) or an ISO instant like "
          + "2026-11-01T10:00:00Z");
    }
  }

  private void printText(LedgerStats s, String reference) {
    var out = io.out();
    out.printf("Since %s (UTC): %d requests, %d calls%n", s.since(), s.requests(), s.calls());
    if (s.calls() == 0) {
      out.println("No calls recorded yet. Run 'orchestrator ask' or a build; every call lands in the ledger.");
    } else {
      out.printf("%-32s %6s %6s %6s %7s %8s %12s %12s%n", "model", "calls", "ok", "failed", "skipped", "success",
          "cost", "saved");
      for (LedgerStats.ModelStats m : s.models()) {
        out.printf("%-32s %6d %6d %6d %7d %7.1f%% %12s %12s%n",
            m.model() + (m.local() ? " (local)" : ""), m.calls(), m.ok(), m.failed(), m.skipped(),
            m.successRate() * 100, m.cost(), m.saved());
      }
    }
    String reasons = s.escalationReasons().entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    out.printf("Fallbacks taken: %d%s%n", s.fallbacksTaken(), reasons.isEmpty() ? "" : " (escalations: " + reasons + ")");
    out.printf("Cost per %s (%d): mean %s, p50 %s, p95 %s%n", s.costUnit(), s.units(), s.costMean(), s.costP50(),
        s.costP95());
    out.printf("Spent this month: %s; projected for the month: %s%n", s.monthToDate(), s.monthProjection());
    out.printf("Projected for %d builds a month: %s%n", s.buildsPerMonth(), s.projectionForBuilds());
    out.printf("Saved by local models (vs %s): %s%n", reference, s.totalSaved());
    if (s.unpricedCalls() > 0) {
      out.printf("Note: %d paid call(s) had no catalog price; their cost is unknown and not included.%n",
          s.unpricedCalls());
    }
  }

  private void printJson(LedgerStats s, String reference) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("since", s.since().toString());
    root.put("until", s.until().toString());
    root.put("requests", s.requests());
    root.put("calls", s.calls());
    ArrayNode models = root.putArray("models");
    for (LedgerStats.ModelStats m : s.models()) {
      ObjectNode n = models.addObject();
      n.put("model", m.model());
      n.put("local", m.local());
      n.put("calls", m.calls());
      n.put("ok", m.ok());
      n.put("failed", m.failed());
      n.put("skipped", m.skipped());
      n.put("successRate", Math.round(m.successRate() * 10_000) / 10_000.0);
      n.put("costUsd", usd(m.cost()));
      n.put("savedUsd", usd(m.saved()));
    }
    root.put("fallbacksTaken", s.fallbacksTaken());
    ObjectNode reasons = root.putObject("escalationReasons");
    s.escalationReasons().forEach(reasons::put);
    ObjectNode cost = root.putObject("costPer" + capitalise(s.costUnit()));
    cost.put("count", s.units());
    cost.put("meanUsd", usd(s.costMean()));
    cost.put("p50Usd", usd(s.costP50()));
    cost.put("p95Usd", usd(s.costP95()));
    root.put("totalCostUsd", usd(s.totalCost()));
    root.put("monthToDateUsd", usd(s.monthToDate()));
    root.put("monthProjectionUsd", usd(s.monthProjection()));
    root.put("buildsPerMonth", s.buildsPerMonth());
    root.put("projectionForBuildsUsd", usd(s.projectionForBuilds()));
    root.put("savedUsd", usd(s.totalSaved()));
    root.put("savedReferenceModel", reference);
    root.put("unpricedCalls", s.unpricedCalls());
    io.out().println(root.toPrettyString());
  }

  private static java.math.BigDecimal usd(Money m) {
    return m.usd().setScale(6, java.math.RoundingMode.HALF_UP);
  }

  private static String capitalise(String s) {
    return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
