package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Attempt;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator ledger}: the recorded model calls, newest first. */
@Command(name = "ledger", description = {
    "List recorded model calls, newest first: model, route, outcome, why it escalated, tokens, time, cost.",
    "The ledger is $XDG_DATA_HOME/orchestrator/ledger.db unless ORCHESTRATOR_DB_URL names another database."})
public final class LedgerCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private final Io io;

  @Option(names = "--model", paramLabel = "M", description = "Only calls to this catalog model, or requested as this policy.")
  String model;

  @Option(names = "--build", paramLabel = "ID", description = "Only calls of this build and its parts (an eval run id: every sample's build of the run).")
  String build;

  @Option(names = "--failed", description = "Only failed or skipped calls.")
  boolean failed;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "At most N calls (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--json", description = "Print the calls as a JSON array.")
  boolean json;

  public LedgerCommand(Io io) { this.io = io; }

  @Override public Integer call() {
    if (limit <= 0) throw ExitException.usage("--limit must be > 0, got " + limit);
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    List<CallRecord> calls;
    try (Ledgers.Handle h = Ledgers.open(config, io.env(), io.err())) {
      calls = h.ledger().calls(new Ledger.CallFilter(model, build, null, failed, null, limit));
    }
    if (json) printJson(calls);
    else printText(calls);
    return ExitCodes.OK;
  }

  private void printText(List<CallRecord> calls) {
    if (calls.isEmpty()) {
      io.out().println("No calls match.");
      return;
    }
    io.out().printf("%-19s %-20s %-26s %-8s %-28s %11s %8s %12s%n", "time (UTC)", "request", "model (route)",
        "outcome", "failure -> decision", "tokens", "ms", "cost");
    for (CallRecord c : calls) {
      String failure = c.failureType() == null ? "" : c.failureType() + " -> " + c.decision();
      io.out().printf("%-19s %-20s %-26s %-8s %-28s %11s %8s %12s%n", TIME.format(c.started()),
          c.requestId() == null ? "-" : c.requestId(), c.model() + " (#" + (c.tier() + 1) + ")", c.outcome(), failure,
          c.tokensIn() + "/" + c.tokensOut() + (c.estimated() ? "~" : ""), ms(c.latency()),
          c.cost() == null ? "unpriced" : c.cost().toString());
      // A value read with lenient repair may differ from what the model meant: its guesses are never left out.
      String guesses = guesses(c.repairs());
      if (!guesses.isEmpty()) io.out().println("    lenient repair guessed: " + guesses);
    }
  }

  /** {@return the guesses among the recorded repairs, without their prefix, comma-separated; empty when none} */
  private static String guesses(String repairs) {
    if (repairs == null || !repairs.contains(Attempt.GUESS_PREFIX)) return "";
    StringBuilder out = new StringBuilder();
    for (String r : repairs.split(",")) {
      String g = r.startsWith(Attempt.GUESS_PREFIX) ? r.substring(Attempt.GUESS_PREFIX.length())
          : r.matches("\\+\\d+ more") ? r : null;
      if (g == null) continue;
      if (!out.isEmpty()) out.append(", ");
      out.append(g);
    }
    return out.toString();
  }

  private void printJson(List<CallRecord> calls) {
    ObjectMapper mapper = new ObjectMapper();
    ArrayNode array = mapper.createArrayNode();
    for (CallRecord c : calls) {
      ObjectNode n = array.addObject();
      n.put("id", c.id());
      n.put("time", c.started().toString());
      n.put("requestId", c.requestId());
      n.put("buildId", c.buildId());
      n.put("step", c.step());
      n.put("requestedAs", c.requestedAs());
      n.put("route", c.route());
      n.put("tier", c.tier());
      n.put("model", c.model());
      n.put("servedModelId", c.servedModelId());
      n.put("local", c.local());
      n.put("tokensIn", c.tokensIn());
      n.put("tokensOut", c.tokensOut());
      n.put("tokensEstimated", c.estimated());
      n.put("ttftMs", c.timeToFirstToken() == null ? null : c.timeToFirstToken().toMillis());
      n.put("latencyMs", c.latency() == null ? null : c.latency().toMillis());
      n.put("outcome", c.outcome());
      n.put("failureType", c.failureType());
      n.put("failureMessage", c.failureMessage());
      n.put("decision", c.decision());
      n.put("jsonStage", c.jsonStage());
      n.put("repairs", c.repairs());
      n.put("reasks", c.reasks());
      if (c.cost() == null) n.putNull("costUsd");
      else n.put("costUsd", c.cost().usd());
      n.put("savedUsd", c.saved().usd());
      n.put("catalogVersion", c.catalogVersion());
    }
    io.out().println(array.toPrettyString());
  }

  private static String ms(Duration d) {
    return d == null ? "-" : Long.toString(d.toMillis());
  }
}
