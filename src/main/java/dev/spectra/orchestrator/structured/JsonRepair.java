package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Attempt.JsonStage;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import dev.spectra.orchestrator.structured.Extraction.Candidate;
import dev.spectra.orchestrator.structured.RepairResult.Recovered;
import dev.spectra.orchestrator.structured.RepairResult.Unrecoverable;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns a model's text into a JSON value, in this order: strip leading reasoning blocks; parse the whole text
 * strictly; otherwise look for candidates in markdown fences, then in bracketed stretches of prose; parse each
 * strictly, else repair it where exactly one reading is possible (see {@link Repairer}); then choose.
 *
 * <p>Choosing among several values: a value that conforms to the schema beats one that does not; a value that
 * parsed as written beats a repaired one; then the longest wins, and among equally long ones the last (models
 * that correct themselves put the correction last). When nothing can be recovered, the reason names the line and
 * column of the largest candidate, phrased so the model can be re-asked with it.
 *
 * <p>Thread-safe; reusable.
 */
public final class JsonRepair {
  private static final int MAX_CANDIDATES = 1024;

  private final StrictJson strict = new StrictJson();
  private final SchemaValidator validator = new SchemaValidator();

  /** {@return a recovered value, or the reason there is none; brackets left open at the end may be closed} */
  public RepairResult repair(String raw) {
    return repair(raw, null, true);
  }

  /** Like {@link #repair(String)}, preferring among several candidates one that conforms to {@code schema}. */
  public RepairResult repair(String raw, JsonNode schema) {
    return repair(raw, schema == null ? null : value -> validator.validate(schema, value).isEmpty(), true);
  }

  /** {@return the strict mapper used for parsing: exact numbers; use it to print recovered values} */
  public ObjectMapper mapper() {
    return strict.mapper();
  }

  /**
   * @param conforms schema check used to choose among candidates, or null
   * @param mayCloseBrackets false when the model hit its token limit: then a value with open brackets is reported
   *     as truncated instead of being closed
   */
  RepairResult repair(String raw, Predicate<JsonNode> conforms, boolean mayCloseBrackets) {
    if (raw == null || raw.isBlank()) return new Unrecoverable(Kind.EMPTY, "the reply is empty");
    Evaluation run = new Evaluation(raw, conforms, mayCloseBrackets);
    int first = Extraction.skipWhitespace(raw, 0);
    // Fast path: the whole answer is strict JSON (even one whose strings mention <think>).
    Outcome asIs = run.strictOnly(new Candidate(first, Extraction.trimEnd(raw, first, raw.length()), null));
    if (asIs.ok()) return recovered(asIs, EnumSet.noneOf(Repair.class), 1, conforms);
    if (asIs.fatal) return new Unrecoverable(Kind.UNPARSEABLE, asIs.reason.get());
    int from = Extraction.skipReasoning(raw);
    if (from < 0) {
      return new Unrecoverable(mayCloseBrackets ? Kind.EMPTY : Kind.TRUNCATED,
          "the reply is only a reasoning block that never closes (<think> without </think>); no JSON follows it");
    }
    boolean thought = from > Extraction.skipWhitespace(raw, 0);
    int to = Extraction.trimEnd(raw, from, raw.length());
    if (from >= to) return new Unrecoverable(Kind.EMPTY, "the reply has a reasoning block but no JSON after it");
    EnumSet<Repair> base = thought ? EnumSet.of(Repair.THINK_BLOCK) : EnumSet.noneOf(Repair.class);
    if (thought) {
      Outcome whole = run.strictOnly(new Candidate(from, to, null));
      if (whole.ok()) return recovered(whole, base, 1, conforms);
      if (whole.fatal) return new Unrecoverable(Kind.UNPARSEABLE, whole.reason.get());
    }

    List<Outcome> outcomes = new ArrayList<>();
    for (Candidate c : Extraction.fences(raw, from, to)) outcomes.add(run.evaluate(c));
    List<Candidate> spans = List.of();
    if (outcomes.stream().noneMatch(Outcome::ok)) {
      spans = Extraction.spans(raw, from, to, MAX_CANDIDATES);
      for (Candidate c : spans) {
        boolean all = c.start() == from && c.end() == to;
        outcomes.add(run.evaluate(all ? new Candidate(from, to, null) : c));
      }
    }
    if (outcomes.stream().noneMatch(Outcome::ok) && !spans.isEmpty()) {
      // One level inside failed stretches: "[Answer: {"a": 1}]" or an unclosed "(see [1" before the JSON.
      int budget = MAX_CANDIDATES;
      for (Candidate outer : spans) {
        // Only inside stretches whose brackets balance: pieces of a cut-off value are not answers.
        if (outer.length() < 3 || budget <= 0 || !Extraction.balanced(raw, outer)) continue;
        for (Candidate inner : Extraction.spans(raw, outer.start() + 1, outer.end(), MAX_CANDIDATES)) {
          if (budget-- <= 0) break;
          outcomes.add(run.evaluate(inner));
        }
      }
    }
    if (outcomes.isEmpty()) outcomes.add(run.evaluate(new Candidate(from, to, null)));

    Outcome best = null;
    int okCount = 0;
    for (Outcome o : outcomes) {
      if (!o.ok()) continue;
      okCount++;
      if (best == null || o.betterThan(best)) best = o;
    }
    if (best != null) return recovered(best, base, okCount, conforms);
    return failure(raw, outcomes, spans.isEmpty());
  }

  private RepairResult recovered(Outcome o, EnumSet<Repair> base, int okCount, Predicate<JsonNode> conforms) {
    EnumSet<Repair> repairs = EnumSet.copyOf(base);
    if (o.candidate.source() != null) repairs.add(o.candidate.source());
    repairs.addAll(o.repairs);
    if (okCount > 1) repairs.add(Repair.SEVERAL_VALUES);
    JsonNode value = o.value;
    boolean repaired = o.repaired;
    // A JSON document sent as a JSON string ("{\"a\":1}"): unwrap it only when the schema wants the document.
    if (conforms != null && value.isTextual() && !o.conforms) {
      String inner = value.textValue().strip();
      if (inner.startsWith("{") || inner.startsWith("[")) {
        StrictJson.Parsed p = strict.parse(inner);
        if (p.ok() && conforms.test(p.value())) {
          value = p.value();
          repaired = true;
          repairs.add(Repair.DOUBLE_ENCODED);
        }
      }
    }
    JsonStage stage = repaired ? JsonStage.REPAIRED : repairs.isEmpty() ? JsonStage.RAW_VALID : JsonStage.EXTRACTED;
    return new Recovered(value, stage, names(repairs));
  }

  private static RepairResult failure(String raw, List<Outcome> outcomes, boolean noBrackets) {
    Outcome worst = outcomes.get(0);
    for (Outcome o : outcomes) if (o.candidate.length() > worst.candidate.length()) worst = o;
    if (noBrackets && looksLikeRefusal(raw)) {
      String text = raw.strip();
      return new Unrecoverable(Kind.REFUSED, "the model declined to answer: "
          + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
    }
    if (noBrackets && worst.kind == Kind.UNPARSEABLE && !raw.strip().matches("(?s)^[-+.\\d\"'tfnTFN].*")) {
      return new Unrecoverable(Kind.UNPARSEABLE, "no JSON value found in the reply; answer with the JSON value only");
    }
    return new Unrecoverable(worst.kind, worst.reason.get());
  }

  private static boolean looksLikeRefusal(String raw) {
    String t = raw.strip().toLowerCase(Locale.ROOT);
    if (t.length() > 2000) return false;
    return t.startsWith("i'm sorry") || t.startsWith("i am sorry") || t.startsWith("sorry,")
        || t.startsWith("i can't") || t.startsWith("i cannot") || t.startsWith("i can’t") || t.startsWith("i won't")
        || t.startsWith("i'm not able") || t.startsWith("i am not able") || t.startsWith("as an ai");
  }

  static List<String> names(Set<Repair> repairs) {
    List<String> names = new ArrayList<>(repairs.size());
    for (Repair r : repairs) names.add(r.stableName());
    return names;
  }

  /** {@return "line L, column C" of {@code offset} in {@code s}} */
  static String position(String s, int offset) {
    int line = 1;
    int lineStart = 0;
    int limit = Math.min(offset, s.length());
    for (int i = s.indexOf('\n'); i >= 0 && i < limit; i = s.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return "line " + line + ", column " + (limit - lineStart + 1);
  }

  /** One candidate's result. */
  private static final class Outcome {
    final Candidate candidate;
    final JsonNode value;
    final Set<Repair> repairs;
    final boolean repaired;
    final boolean conforms;
    final Kind kind;
    /** Computed only for the failure reported: positions cost a scan of the text. */
    final Supplier<String> reason;
    final boolean fatal;

    Outcome(Candidate candidate, JsonNode value, Set<Repair> repairs, boolean repaired, boolean conforms) {
      this.candidate = candidate;
      this.value = value;
      this.repairs = repairs;
      this.repaired = repaired;
      this.conforms = conforms;
      this.kind = null;
      this.reason = null;
      this.fatal = false;
    }

    Outcome(Candidate candidate, Kind kind, Supplier<String> reason, boolean fatal) {
      this.candidate = candidate;
      this.value = null;
      this.repairs = Set.of();
      this.repaired = false;
      this.conforms = false;
      this.kind = kind;
      this.reason = reason;
      this.fatal = fatal;
    }

    boolean ok() {
      return value != null;
    }

    private int rank() {
      return (conforms ? 0 : 2) + (repaired ? 1 : 0);
    }

    boolean betterThan(Outcome other) {
      if (rank() != other.rank()) return rank() < other.rank();
      if (candidate.length() != other.candidate.length()) return candidate.length() > other.candidate.length();
      return candidate.start() > other.candidate.start();
    }
  }

  /** Parsing and repairing candidates of one text. */
  private final class Evaluation {
    private final String raw;
    private final Predicate<JsonNode> conforms;
    private final boolean mayCloseBrackets;

    Evaluation(String raw, Predicate<JsonNode> conforms, boolean mayCloseBrackets) {
      this.raw = raw;
      this.conforms = conforms;
      this.mayCloseBrackets = mayCloseBrackets;
    }

    private int failedStart = -1;
    private int failedEnd = -1;

    Outcome strictOnly(Candidate c) {
      // A parse that cannot succeed costs an exception inside Jackson: skip text that cannot start a value.
      if (c.start() >= c.end() || !startsValue(raw.charAt(c.start()))) {
        return new Outcome(c, Kind.UNPARSEABLE, () -> position(raw, c.start()) + ": not JSON", false);
      }
      StrictJson.Parsed p = strict.parse(raw.substring(c.start(), c.end()));
      if (p.ok()) return new Outcome(c, p.value(), Set.of(), false, conforms == null || conforms.test(p.value()));
      failedStart = c.start();
      failedEnd = c.end();
      return new Outcome(c, Kind.UNPARSEABLE, () -> positionIn(c, p.line(), p.column()) + ": " + p.problem(),
          p.fatal());
    }

    Outcome evaluate(Candidate c) {
      if (c.start() != failedStart || c.end() != failedEnd) {
        Outcome o = strictOnly(c);
        if (o.ok() || o.fatal) return o;
      }
      Repairer.Repaired r;
      try {
        r = new Repairer(raw, c.start(), c.end(), mayCloseBrackets, StrictJson.MAX_DEPTH).repair();
      } catch (Repairer.Failure f) {
        return new Outcome(c, f.kind, () -> position(raw, f.offset) + ": " + f.getMessage(), false);
      }
      StrictJson.Parsed p = strict.parse(r.json());
      if (!p.ok()) return new Outcome(c, Kind.UNPARSEABLE, p::problem, true);
      return new Outcome(c, p.value(), r.repairs(), true, conforms == null || conforms.test(p.value()));
    }

    private static boolean startsValue(char c) {
      return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f'
          || c == 'n';
    }

    /** Converts a line and column inside the candidate to the whole text's. */
    private String positionIn(Candidate c, int line, int column) {
      String base = position(raw, c.start());
      if (c.start() == 0) return "line " + line + ", column " + column;
      int baseLine = Integer.parseInt(base.substring(5, base.indexOf(',')));
      int baseColumn = Integer.parseInt(base.substring(base.lastIndexOf(' ') + 1));
      return line == 1 ? "line " + baseLine + ", column " + (baseColumn + column - 1)
          : "line " + (baseLine + line - 1) + ", column " + column;
    }
  }
}
