package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the contract to every answer, whatever phase sent the request: no 5xx, no hang, a declared status, a body
 * that conforms to the schema declared for it; a request known to be invalid must not be accepted; with security
 * on, no leaked internals and no echoed credentials. Also keeps per-operation tallies for "pending" (501).
 */
final class Judge {
  /** Why a request was sent, which decides what its answer may be. */
  enum Intent {
    /** Conforms to the contract: any declared answer is fine. */
    VALID,
    /** Breaks the contract's schema: a 2xx accepts invalid input. */
    INVALID,
    /** Neither (wrong content type, oversized, injection, scenario steps): only the general rules apply. */
    PROBE
  }

  static final int EVIDENCE_CHARS = 600;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Internals a response must not show (CWE-209): stack frames, exception names, SQL errors, server file paths. */
  private static final List<Map.Entry<Pattern, String>> LEAKS = List.of(
      Map.entry(Pattern.compile("\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$<>]+)+\\([\\w$]+\\.(java|kt|scala|groovy):\\d+\\)"),
          "a Java stack trace"),
      Map.entry(Pattern.compile("\\b(java|javax|jakarta|org\\.hibernate|org\\.springframework|com\\.fasterxml)"
          + "(\\.[a-zA-Z_$][\\w$]*)+(Exception|Error)\\b"), "an exception class name"),
      Map.entry(Pattern.compile("\\b[A-Z][\\w]*(NullPointer|IllegalState|IllegalArgument|ClassCast|NumberFormat"
          + "|IndexOutOfBounds|Arithmetic|Json(Parse|Mapping|Processing)|SQL|Sql)\\w*Exception\\b"),
          "an exception class name"),
      Map.entry(Pattern.compile("Traceback \\(most recent call last\\)|File \"[^\"]+\\.py\", line \\d+"),
          "a Python traceback"),
      Map.entry(Pattern.compile("(?i)(SQLSTATE\\[|SQLITE_ERROR|syntax error at or near|You have an error in your SQL"
          + " syntax|unterminated quoted string|ORA-\\d{5}|PSQLException|SQLSyntaxErrorException|near \"[^\"]*\": "
          + "syntax error)"), "SQL error text"),
      Map.entry(Pattern.compile("(?<![\\w/])(/home/[\\w.-]+/|/usr/(lib|local|share)/|/var/(lib|www)/|/opt/[\\w.-]+/"
          + "|/tmp/[\\w.-]+/|[A-Z]:\\\\\\\\(Users|Windows|Program Files)\\\\\\\\)"), "a server file path"));

  private final ApiContract contract;
  private final SchemaCheck schemas;
  private final Findings findings;
  private final String baseUrl;
  private final boolean security;
  private final Map<String, Tally> tallies = new LinkedHashMap<>();
  private volatile String canary;

  Judge(ApiContract contract, SchemaCheck schemas, Findings findings, String baseUrl, boolean security) {
    this.contract = contract;
    this.schemas = schemas;
    this.findings = findings;
    this.baseUrl = baseUrl;
    this.security = security;
  }

  /** Per-operation record of answers, for pending detection. */
  static final class Tally {
    int answered2xx;
    int answered501;
    String first501;
  }

  /** A credential value the security probes send; it must never come back. */
  void canary(String value) {
    this.canary = value;
  }

  /**
   * Judges one exchange.
   *
   * @return the answer, when there was one
   */
  Optional<Answer.Answered> judge(Operation op, Answer ex, Intent intent, OptionalLong seed, String why) {
    String label = op == null ? ex.call().method() + " " + ex.call().path() : op.label();
    String curl = ex.call().curl(baseUrl);
    String context = why == null || why.isEmpty() ? "" : " (" + why + ")";
    switch (ex) {
      case Answer.TimedOut t -> {
        findings.add(new Finding.ServerError(label, "no answer within " + t.after().toMillis() + " ms",
            new Finding.Evidence(curl, "an answer within " + t.after().toMillis() + " ms", "no answer"), seed));
        return Optional.empty();
      }
      case Answer.Failed f when "oversized body".equals(why) -> {
        // A server may answer 413 and close the connection before reading a 2 MiB body (RFC 9110, 15.5.14): the
        // client then sees the connection closed, not the answer. The body was refused; nothing failed.
        return Optional.empty();
      }
      case Answer.Failed f -> {
        findings.add(new Finding.ServerError(label, "connection failed: " + firstWords(f.reason()),
            new Finding.Evidence(curl, "an HTTP answer", f.reason()), seed));
        return Optional.empty();
      }
      case Answer.Answered a -> {
        judgeAnswer(op, a, intent, seed, label, curl, context);
        return Optional.of(a);
      }
    }
  }

  private void judgeAnswer(Operation op, Answer.Answered a, Intent intent, OptionalLong seed, String label,
      String curl, String context) {
    int status = a.status();
    if (security) scanForLeaks(label, a, curl, seed);
    if (op == null) {
      if (status >= 500) {
        findings.add(new Finding.ServerError(label, status + " answer", evidence(curl, "no 5xx", a), seed));
      }
      return;
    }
    Tally tally;
    synchronized (tallies) {
      tally = tallies.computeIfAbsent(op.label(), k -> new Tally());
      if (status / 100 == 2) tally.answered2xx++;
      if (status == 501) {
        tally.answered501++;
        if (tally.first501 == null) tally.first501 = curl;
      }
    }
    if (status == 501) return;   // pending or not is decided at the end, from the tally
    if (status >= 500) {
      findings.add(new Finding.ServerError(label, status + " for " + describe(intent) + context,
          evidence(curl, "a declared status (" + op.declaredStatuses() + ")", a), seed));
      return;
    }
    Optional<Operation.Response> declared = op.responseFor(status);
    if (declared.isEmpty()) {
      findings.add(new Finding.UndeclaredStatus(label, "undeclared status " + status,
          evidence(curl, "one of " + op.declaredStatuses(), a), seed, status));
    }
    if (intent == Intent.INVALID && status / 100 == 2) {
      findings.add(new Finding.AcceptedInvalidInput(label, "accepted invalid input: " + context.strip()
          .replaceAll("^\\(|\\)$", ""), evidence(curl, "a 4xx refusal", a), seed));
    }
    declared.ifPresent(r -> conform(op, r, a, seed, label, curl));
  }

  private void conform(Operation op, Operation.Response r, Answer.Answered a, OptionalLong seed, String label,
      String curl) {
    String body = a.body();
    int status = a.status();
    if (op.method().equals("HEAD") || status == 204 || status == 304) return;
    if (!r.hasContent()) {
      if (!body.isBlank()) {
        findings.add(new Finding.SchemaViolation(label, status + " has a body the contract does not declare",
            evidence(curl, "no body for " + status, a), seed));
      }
      return;
    }
    if (r.schema() == null) return;   // a declared non-JSON body: not checked
    if (a.truncated()) return;   // cut bodies are not JSON; too large to judge
    JsonNode value;
    try {
      value = JSON.readTree(body);
    } catch (Exception e) {
      value = null;
    }
    if (value == null || value.isMissingNode()) {
      findings.add(new Finding.SchemaViolation(label, status + " body is not JSON",
          evidence(curl, "a JSON body for " + status, a), seed));
      return;
    }
    List<String> violations = schemas.violations(r.schema(), value);
    if (!violations.isEmpty()) {
      findings.add(new Finding.SchemaViolation(label, status + " body breaks its schema: " + generic(violations.get(0)),
          new Finding.Evidence(curl, "a body conforming to the schema of " + status,
              "HTTP " + status + "; " + String.join("; ", violations.subList(0, Math.min(5, violations.size())))
                  + "; body: " + truncate(body)), seed));
    }
  }

  private void scanForLeaks(String label, Answer.Answered a, String curl, OptionalLong seed) {
    String body = a.body();
    for (var leak : LEAKS) {
      Matcher m = leak.getKey().matcher(body);
      if (m.find()) {
        findings.add(new Finding.Security(label, "response shows " + leak.getValue(),
            new Finding.Evidence(curl, "no internals in responses", "HTTP " + a.status() + "; found '" + m.group()
                + "' in: " + truncate(body)), seed, "CWE-209"));
        break;
      }
    }
    String c = canary;
    if (c != null && (body.contains(c) || a.headers().values().stream().flatMap(List::stream).anyMatch(
        v -> v.contains(c)))) {
      findings.add(new Finding.Security(label, "response echoes the request's Authorization header",
          new Finding.Evidence(curl, "credentials never sent back", "HTTP " + a.status() + "; " + truncate(body)),
          seed, "CWE-200"));
    }
  }

  /** {@return pending operations, and server errors for operations that answer 501 only sometimes} */
  List<CheckReport.Pending> pending() {
    List<CheckReport.Pending> out = new ArrayList<>();
    synchronized (tallies) {
      for (var e : tallies.entrySet()) {
        Tally t = e.getValue();
        if (t.answered501 == 0) continue;
        if (t.answered2xx == 0) {
          out.add(new CheckReport.Pending(e.getKey(), t.first501));
        } else {
          findings.add(new Finding.ServerError(e.getKey(), "501 for some requests, 2xx for others",
              new Finding.Evidence(t.first501, "an implemented operation", "HTTP 501"), OptionalLong.empty()));
        }
      }
    }
    return out;
  }

  Optional<Operation> operationOf(Call call) {
    return contract.find(call.method(), call.path());
  }

  static Finding.Evidence evidence(String curl, String expected, Answer.Answered a) {
    return new Finding.Evidence(curl, expected, "HTTP " + a.status() + (a.body().isBlank() ? "" : "; body: "
        + truncate(a.body())));
  }

  static String truncate(String s) {
    String one = s.strip();
    return one.length() <= EVIDENCE_CHARS ? one : one.substring(0, EVIDENCE_CHARS) + "... (" + one.length()
        + " chars)";
  }

  private static String describe(Intent intent) {
    return switch (intent) {
      case VALID -> "a valid request";
      case INVALID -> "an invalid request";
      case PROBE -> "a request";
    };
  }

  /** Keeps the summary stable across values, so one defect is one finding: "/lines/0/quantity" → "/lines/N/quantity". */
  private static String generic(String violation) {
    String v = violation.replaceAll("/\\d+(?=/|:)", "/N");
    int colon = v.indexOf(": ");
    if (colon < 0) return v;
    String msg = v.substring(colon + 2).replaceAll("\"[^\"]*\"", "…");
    return v.substring(0, colon) + ": " + msg;
  }

  private static String firstWords(String s) {
    String one = s.replaceAll("\\s+", " ");
    int colon = one.indexOf(':');
    return colon > 0 ? one.substring(0, colon) : one;
  }
}
