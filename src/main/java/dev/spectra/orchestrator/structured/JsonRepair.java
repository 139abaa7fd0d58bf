package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Attempt.JsonStage;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import dev.spectra.orchestrator.structured.Extraction.Candidate;
import dev.spectra.orchestrator.structured.RepairResult.Recovered;
import dev.spectra.orchestrator.structured.RepairResult.Unrecoverable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Turns a model's text into a JSON value, in this order: strip leading reasoning blocks; parse the whole text
 * strictly; otherwise look for candidates in markdown fences, then in bracketed stretches of prose; parse each
 * strictly, else repair it (see {@link Repairer}); then choose.
 *
 * <p>Choosing among several values: a value that conforms to the schema beats one that does not; a value that
 * parsed as written beats a repaired one; then the longest wins, and among equally long ones the last (models
 * that correct themselves put the correction last).
 *
 * <p>Never silently lossy: a value taken out of prose is refused when the text right after it continues the JSON
 * ({@code {"a":1}, "b":2}}), when the text before it is the end of a member ({@code "items": [1,2]}), or when the
 * text around it is mostly brackets; and a value inside a stretch that started as JSON and then broke is never
 * returned in place of it. In {@link RepairMode#LENIENT} the default reading is tried first; only when it refuses
 * is the text read again with guesses, each listed with its position.
 *
 * <p>Thread-safe; reusable.
 */
public final class JsonRepair {
  private static final int MAX_CANDIDATES = 1024;
  /**
   * Below this many characters a candidate is parsed straight into a tree (one pass); above it, checked by
   * streaming and kept as text, so a 100 MB value never becomes a tree many times its size unless asked for.
   */
  private static final int TREE_AT_ONCE = 1 << 20;
  /** Around a value taken out of prose, more stray brackets than this (and than other characters) is noise. */
  private static final int NOISE_BRACKETS = 8;

  private final StrictJson strict = new StrictJson();
  private final SchemaValidator validator = new SchemaValidator();
  private final RepairMode mode;

  /** The default mode: edits forced by the grammar only. */
  public JsonRepair() {
    this(RepairMode.DEFAULT);
  }

  public JsonRepair(RepairMode mode) {
    this.mode = Objects.requireNonNull(mode, "mode");
  }

  /** {@return the mode this instance repairs in} */
  public RepairMode mode() {
    return mode;
  }

  /** {@return a recovered value, or the reason there is none; brackets left open at the end may be closed} */
  public RepairResult repair(CharSequence raw) {
    return repair(raw, null, null, true);
  }

  /**
   * Like {@link #repair(String)}, preferring among several candidates one that conforms to {@code schema}, and
   * changing types where the schema leaves one reading (each listed in {@link Recovered#coercions()}).
   */
  public RepairResult repair(CharSequence raw, JsonNode schema) {
    return repair(raw, schema, schema == null ? null : value -> validator.validate(schema, value).isEmpty(), true);
  }

  /**
   * {@return every violation of {@code schema} by {@code value}} Like {@link Schemas#validate}, but reuses this
   * instance's compiled schemas: use it when validating many values.
   */
  public List<Violation> validate(JsonNode schema, JsonNode value) {
    return validator.validate(schema, value);
  }

  /** {@return the strict mapper used for parsing: exact numbers; use it to print recovered values} */
  public ObjectMapper mapper() {
    return strict.mapper();
  }

  /** Kept for callers that choose by a predicate only (no coercions). */
  RepairResult repair(CharSequence raw, Predicate<JsonNode> conforms, boolean mayCloseBrackets) {
    return repair(raw, null, conforms, mayCloseBrackets);
  }

  /**
   * @param schema the schema for coercions, or null
   * @param conforms schema check used to choose among candidates, or null
   * @param mayCloseBrackets false when the model hit its token limit: then a value with open brackets is reported
   *     as truncated instead of being closed (lenient mode closes it and lists the guess)
   */
  RepairResult repair(CharSequence raw, JsonNode schema, Predicate<JsonNode> conforms, boolean mayCloseBrackets) {
    // The lenient pass reads the same candidates: it reuses what the default pass found and parsed.
    Memo memo = mode == RepairMode.LENIENT ? new Memo() : null;
    RepairResult first = repair(raw, schema, conforms, mayCloseBrackets, RepairMode.DEFAULT, memo);
    if (mode == RepairMode.DEFAULT || first instanceof Recovered) return first;
    RepairResult second = repair(raw, schema, conforms, mayCloseBrackets, RepairMode.LENIENT, memo);
    // When even the best reading finds nothing, the default mode's reason is the precise one.
    return second instanceof Recovered ? second : first;
  }

  /**
   * What the default pass learnt about a text, for the lenient pass: where the fences and bracketed stretches are,
   * and how each candidate parsed strictly (neither depends on the mode).
   */
  private static final class Memo {
    final Map<Candidate, Outcome> strict = new HashMap<>();
    List<Candidate> fences;
    List<Candidate> spans;
  }

  private RepairResult repair(CharSequence raw, JsonNode schema, Predicate<JsonNode> conforms, boolean mayCloseBrackets,
      RepairMode pass, Memo memo) {
    if (raw == null || Chars.isBlank(raw, 0, raw.length())) return new Unrecoverable(Kind.EMPTY, "the text is empty");
    Evaluation run = new Evaluation(raw, conforms, mayCloseBrackets, pass, memo);
    int first = Extraction.skipWhitespace(raw, 0);
    // Fast path: the whole answer is strict JSON (even one whose strings mention <think>).
    Outcome asIs = run.strictOnly(new Candidate(first, Extraction.trimEnd(raw, first, raw.length()), null));
    if (asIs.ok()) return recovered(raw, asIs, EnumSet.noneOf(Repair.class), 1, schema, conforms, List.of());
    if (asIs.fatalIn(pass)) return new Unrecoverable(Kind.UNPARSEABLE, asIs.reason.get());
    int from = Extraction.skipReasoning(raw);
    if (from < 0) {
      return new Unrecoverable(mayCloseBrackets ? Kind.EMPTY : Kind.TRUNCATED,
          "the text is only a reasoning block that never closes (<think> without </think>); no JSON follows it");
    }
    boolean thought = from > Extraction.skipWhitespace(raw, 0);
    int to = Extraction.trimEnd(raw, from, raw.length());
    if (from >= to) return new Unrecoverable(Kind.EMPTY, "the text has a reasoning block but no JSON after it");
    EnumSet<Repair> base = thought ? EnumSet.of(Repair.THINK_BLOCK) : EnumSet.noneOf(Repair.class);
    if (thought) {
      Outcome whole = run.strictOnly(new Candidate(from, to, null));
      if (whole.ok()) return recovered(raw, whole, base, 1, schema, conforms, List.of());
      if (whole.fatalIn(pass)) return new Unrecoverable(Kind.UNPARSEABLE, whole.reason.get());
    }

    List<Outcome> outcomes = new ArrayList<>();
    List<Candidate> fences = memo != null && memo.fences != null ? memo.fences : Extraction.fences(raw, from, to);
    if (memo != null) memo.fences = fences;
    for (Candidate c : fences) outcomes.add(run.evaluate(c));
    List<Candidate> spans = List.of();
    if (outcomes.stream().noneMatch(Outcome::ok) && Evaluation.startsValue(raw.charAt(from))) {
      // The whole text first: its repair may reach past the first balanced stretch ({"a": 1}} or {"a":1}, "b":2}).
      Outcome whole = run.evaluate(new Candidate(from, to, null));
      if (whole.ok() || whole.fatalIn(pass)) outcomes.add(whole);
    }
    if (outcomes.stream().noneMatch(Outcome::ok)) {
      spans = memo != null && memo.spans != null ? memo.spans : Extraction.spans(raw, from, to, MAX_CANDIDATES);
      if (memo != null) memo.spans = spans;
      for (int i = 0; i < spans.size(); i++) {
        Candidate c = spans.get(i);
        boolean all = c.start() == from && c.end() == to;
        Outcome o = run.evaluate(all ? new Candidate(from, to, null) : c);
        if (o.ok() && !all) {
          int limit = i + 1 < spans.size() ? spans.get(i + 1).start() : to;
          int previous = i > 0 ? spans.get(i - 1).end() : from;
          o = run.checkSurroundings(o, previous, limit);
        }
        outcomes.add(o);
      }
    }
    if (outcomes.stream().noneMatch(Outcome::ok) && !spans.isEmpty()) {
      // One level inside failed stretches that are prose from their first word: "[Answer: {"a": 1}]". A stretch
      // that read as JSON for a while and then broke is not mined for an inner value: it would replace the whole.
      int budget = MAX_CANDIDATES;
      for (Outcome outer : new ArrayList<>(outcomes)) {
        Candidate oc = outer.candidate;
        if (oc.length() < 3 || budget <= 0 || !Extraction.balanced(raw, oc) || outer.fatalIn(pass)) continue;
        int firstToken = Extraction.skipWhitespace(raw, oc.start() + 1);
        if (outer.failedAt > firstToken || firstToken >= oc.end() || !Character.isLetter(raw.charAt(firstToken))) {
          continue;
        }
        for (Candidate inner : Extraction.spans(raw, oc.start() + 1, oc.end() - 1, MAX_CANDIDATES)) {
          if (budget-- <= 0) break;
          Outcome o = run.evaluate(inner);
          if (o.ok()) o = run.checkSurroundings(o, oc.start() + 1, oc.end() - 1);
          outcomes.add(o);
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
    if (best != null) {
      if (best.candidate.source() == Repair.PROSE) {
        String noise = noise(raw, from, to, best.candidate);
        if (noise != null) return new Unrecoverable(Kind.UNPARSEABLE, noise);
      }
      return recovered(raw, best, base, okCount, schema, conforms, best.guesses);
    }
    return failure(raw, from, to, outcomes, spans.isEmpty());
  }

  private RepairResult recovered(CharSequence raw, Outcome o, EnumSet<Repair> base, int okCount, JsonNode schema,
      Predicate<JsonNode> conforms, List<Repairer.RawGuess> rawGuesses) {
    EnumSet<Repair> repairs = EnumSet.copyOf(base);
    if (o.candidate.source() != null) repairs.add(o.candidate.source());
    repairs.addAll(o.repairs);
    if (okCount > 1) repairs.add(Repair.SEVERAL_VALUES);
    JsonText json = o.json;
    boolean repaired = o.repaired;
    List<Coercion> coercions = List.of();
    if (conforms != null && !o.conforms()) {
      JsonNode value = json.tree();
      // A JSON document sent as a JSON string ("{\"a\":1}"): unwrap it only when the schema wants the document.
      if (value.isTextual()) {
        String inner = value.textValue().strip();
        if (inner.startsWith("{") || inner.startsWith("[")) {
          StrictJson.Parsed p = strict.parse(inner);
          if (p.ok() && conforms.test(p.value())) {
            json = JsonText.of(strict, p.value());
            repaired = true;
            repairs.add(Repair.DOUBLE_ENCODED);
          }
        }
      }
      if (schema != null && !repairs.contains(Repair.DOUBLE_ENCODED)) {
        SchemaCoercer coercer = new SchemaCoercer(strict, schema);
        JsonNode coerced = coercer.coerce(value);
        if (!coercer.coercions().isEmpty() && conforms.test(coerced)) {
          json = JsonText.of(strict, coerced);
          repaired = true;
          repairs.add(Repair.SCHEMA_COERCION);
          coercions = coercer.coercions();
        }
      }
    }
    JsonStage stage = repaired ? JsonStage.REPAIRED : repairs.isEmpty() ? JsonStage.RAW_VALID : JsonStage.EXTRACTED;
    return new Recovered(json, stage, names(repairs), guesses(raw, rawGuesses), coercions);
  }

  /** Line and column for every guess in one pass over the text. */
  private static List<Guess> guesses(CharSequence raw, List<Repairer.RawGuess> raws) {
    if (raws.isEmpty()) return List.of();
    Repairer.RawGuess[] sorted = raws.toArray(Repairer.RawGuess[]::new);
    Arrays.sort(sorted, (a, b) -> Integer.compare(a.offset(), b.offset()));
    List<Guess> out = new ArrayList<>(sorted.length);
    int line = 1;
    int lineStart = 0;
    int scanned = 0;
    for (Repairer.RawGuess g : sorted) {
      int target = Math.min(g.offset(), raw.length());
      for (; scanned < target; scanned++) {
        if (raw.charAt(scanned) == '\n') {
          line++;
          lineStart = scanned + 1;
        }
      }
      out.add(new Guess(g.kind(), g.offset(), line, target - lineStart + 1, g.detail()));
    }
    return out;
  }

  /**
   * {@return why the value taken out of prose is not an answer because the text around it is bracket noise, or
   * null} A reply with one JSON value has few brackets outside it; random brackets do not hold an answer.
   */
  private static String noise(CharSequence raw, int from, int to, Candidate chosen) {
    long brackets = 0;
    long other = 0;
    for (int i = from; i < to; i++) {
      if (i == chosen.start()) {
        i = chosen.end() - 1;
        continue;
      }
      char c = raw.charAt(i);
      if (c == '[' || c == ']' || c == '{' || c == '}') brackets++;
      else if (c > ' ') other++;
    }
    if (brackets <= NOISE_BRACKETS || brackets < other) return null;
    return "the text is mostly brackets outside any JSON value (" + brackets + " stray brackets); it does not hold "
        + "one JSON value (the " + (chosen.length()) + " characters at " + position(raw, chosen.start())
        + " parse, but are not an answer)";
  }

  private static RepairResult failure(CharSequence raw, int from, int to, List<Outcome> outcomes, boolean noBrackets) {
    Outcome worst = outcomes.get(0);
    for (Outcome o : outcomes) {
      // A refusal that protects against loss explains more than a parse error elsewhere.
      if (o.lossy && !worst.lossy) worst = o;
      else if (o.lossy == worst.lossy && o.candidate.length() > worst.candidate.length()) worst = o;
    }
    // Only short texts are looked at as a whole: a refusal or a bare word is never megabytes long.
    String head = Chars.substring(raw, 0, Math.min(raw.length(), 4000)).strip();
    if (noBrackets && looksLikeRefusal(head)) {
      String text = head;
      return new Unrecoverable(Kind.REFUSED, "the model declined to answer: "
          + (text.length() > 200 ? text.substring(0, 200) + "…" : text));
    }
    if (noBrackets && worst.kind == Kind.UNPARSEABLE && !head.matches("(?s)^[-+.\\d\"'tfnTFN].*")) {
      return new Unrecoverable(Kind.UNPARSEABLE, "no JSON value found in the text");
    }
    if (!worst.lossy) {
      long brackets = 0;
      long other = 0;
      for (int i = from; i < to; i++) {
        char c = raw.charAt(i);
        if (c == '[' || c == ']' || c == '{' || c == '}') brackets++;
        else if (c > ' ') other++;
      }
      if (brackets > NOISE_BRACKETS && brackets >= other) {
        return new Unrecoverable(Kind.UNPARSEABLE, "the text is mostly brackets (" + brackets + " of "
            + (brackets + other) + " characters) and holds no JSON value");
      }
    }
    return new Unrecoverable(worst.kind, worst.reason.get());
  }

  private static boolean looksLikeRefusal(String head) {
    String t = head.toLowerCase(Locale.ROOT);
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
  static String position(CharSequence s, int offset) {
    int line = 1;
    int lineStart = 0;
    int limit = Math.min(offset, s.length());
    for (int i = Chars.indexOf(s, '\n', 0); i >= 0 && i < limit; i = Chars.indexOf(s, '\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return "line " + line + ", column " + (limit - lineStart + 1);
  }

  /** One candidate's result. */
  private static final class Outcome {
    final Candidate candidate;
    final JsonText json;
    final Set<Repair> repairs;
    final List<Repairer.RawGuess> guesses;
    final boolean repaired;
    private final Predicate<JsonNode> conformsCheck;
    private Boolean conforms;
    final Kind kind;
    /** Computed only for the failure reported: positions cost a scan of the text. */
    final Supplier<String> reason;
    final boolean fatal;
    /** Where the repairer stopped, or -1. */
    final int failedAt;
    /** Refused because taking the value would drop JSON next to it. */
    final boolean lossy;
    /** Refused (fatally) only for a key written twice in one object: the lenient mode reads it, last value kept. */
    boolean duplicateKey;

    Outcome(Candidate candidate, JsonText json, Set<Repair> repairs, List<Repairer.RawGuess> guesses,
        boolean repaired, Predicate<JsonNode> conformsCheck) {
      this.candidate = candidate;
      this.json = json;
      this.repairs = repairs;
      this.guesses = guesses;
      this.repaired = repaired;
      this.conformsCheck = conformsCheck;
      this.kind = null;
      this.reason = null;
      this.fatal = false;
      this.failedAt = -1;
      this.lossy = false;
    }

    Outcome(Candidate candidate, Kind kind, Supplier<String> reason, boolean fatal, int failedAt, boolean lossy) {
      this.candidate = candidate;
      this.json = null;
      this.repairs = Set.of();
      this.guesses = List.of();
      this.repaired = false;
      this.conformsCheck = null;
      this.kind = kind;
      this.reason = reason;
      this.fatal = fatal;
      this.failedAt = failedAt;
      this.lossy = lossy;
    }

    boolean ok() {
      return json != null;
    }

    /** {@return whether no repair in this pass can change the outcome} */
    boolean fatalIn(RepairMode pass) {
      return fatal && !(duplicateKey && pass == RepairMode.LENIENT);
    }

    boolean conforms() {
      if (conforms == null) conforms = conformsCheck == null || conformsCheck.test(json.tree());
      return conforms;
    }

    private int rank() {
      return (conforms() ? 0 : 4) + (guesses.isEmpty() ? 0 : 2) + (repaired ? 1 : 0);
    }

    boolean betterThan(Outcome other) {
      if (rank() != other.rank()) return rank() < other.rank();
      if (guesses.size() != other.guesses.size()) return guesses.size() < other.guesses.size();
      if (candidate.length() != other.candidate.length()) return candidate.length() > other.candidate.length();
      return candidate.start() > other.candidate.start();
    }
  }

  /** Parsing and repairing candidates of one text. */
  private final class Evaluation {
    private final CharSequence raw;
    private final Predicate<JsonNode> conforms;
    private final boolean mayCloseBrackets;
    private final RepairMode pass;

    private final Memo memo;

    Evaluation(CharSequence raw, Predicate<JsonNode> conforms, boolean mayCloseBrackets, RepairMode pass, Memo memo) {
      this.raw = raw;
      this.conforms = conforms;
      this.mayCloseBrackets = mayCloseBrackets;
      this.pass = pass;
      this.memo = memo;
    }

    private int failedStart = -1;
    private int failedEnd = -1;

    Outcome strictOnly(Candidate c) {
      if (memo == null) return strictOnce(c);
      Outcome known = memo.strict.get(c);
      if (known == null) {
        known = strictOnce(c);
        memo.strict.put(c, known);
      } else if (!known.ok()) {
        failedStart = c.start();
        failedEnd = c.end();
      }
      return known;
    }

    private Outcome strictOnce(Candidate c) {
      // A parse that cannot succeed costs an exception inside Jackson: skip text that cannot start a value.
      if (c.start() >= c.end() || !startsValue(raw.charAt(c.start()))) {
        return new Outcome(c, Kind.UNPARSEABLE, () -> position(raw, c.start()) + ": not JSON", false, c.start(),
            false);
      }
      if (c.length() < TREE_AT_ONCE) {
        // Small: one pass that checks and builds the tree, which nearly every caller asks for.
        StrictJson.Parsed t = strict.parse(raw, c.start(), c.end());
        if (t.ok()) return new Outcome(c, JsonText.of(strict, t.value()), Set.of(), List.of(), false, conforms);
        failedStart = c.start();
        failedEnd = c.end();
        Outcome refused = new Outcome(c, Kind.UNPARSEABLE,
            () -> positionIn(c, t.line(), t.column()) + ": " + t.problem(), t.fatal(), -1, false);
        refused.duplicateKey = t.duplicateKey();
        return refused;
      }
      StrictJson.Checked p = strict.check(raw, c.start(), c.end());
      if (p.ok()) return new Outcome(c, JsonText.of(strict, raw, c.start(), c.end()), Set.of(), List.of(), false,
          conforms);
      failedStart = c.start();
      failedEnd = c.end();
      return new Outcome(c, Kind.UNPARSEABLE, () -> positionIn(c, p.line(), p.column()) + ": " + p.problem(),
          p.fatal(), -1, false);
    }

    /**
     * The lenient reading of a repaired text that holds a key twice in one object: the last value kept, as
     * JavaScript's {@code JSON.parse} and most parsers do, and a guess at each repeated key.
     */
    private Outcome lastWins(Candidate c, Repairer.Repaired r) {
      StrictJson.LastWins read = strict.lastWins(r.json()::stream);
      if (read == null) return null;
      List<Repairer.RawGuess> guesses = new ArrayList<>(r.guesses());
      for (int i = 0; i < read.names().size(); i++) {
        int at = r.keyAt(read.repeated()[i]);
        guesses.add(new Repairer.RawGuess("duplicate-key", at < 0 ? c.start() : at, "the key '"
            + read.names().get(i) + "' appears again in the same object; its last value kept, the earlier dropped"));
      }
      return new Outcome(c, JsonText.of(strict, read.value()), r.repairs(), guesses, true, conforms);
    }

    Outcome evaluate(Candidate c) {
      if (c.start() != failedStart || c.end() != failedEnd) {
        Outcome o = strictOnly(c);
        if (o.ok() || o.fatalIn(pass)) return o;
      }
      Repairer.Repaired r;
      try {
        r = new Repairer(raw, c.start(), c.end(), mayCloseBrackets, pass, StrictJson.MAX_DEPTH).repair();
      } catch (Repairer.Failure f) {
        return new Outcome(c, f.kind, () -> position(raw, f.offset) + ": " + f.getMessage(), false, f.offset,
            false);
      }
      if (r.json().length() < TREE_AT_ONCE) {
        String text = r.json().text();
        StrictJson.Parsed t = strict.parse(text, 0, text.length());
        if (!t.ok() && pass == RepairMode.LENIENT && t.duplicateKey()) {
          Outcome last = lastWins(c, r);
          if (last != null) return last;
        }
        if (!t.ok()) return new Outcome(c, Kind.UNPARSEABLE, t::problem, true, -1, false);
        return new Outcome(c, JsonText.of(strict, t.value()), r.repairs(), r.guesses(), true, conforms);
      }
      StrictJson.Checked p = strict.check(r.json().stream());
      if (!p.ok()) return new Outcome(c, Kind.UNPARSEABLE, p::problem, true, -1, false);
      return new Outcome(c, JsonText.of(strict, r.json()), r.repairs(), r.guesses(), true, conforms);
    }

    /**
     * A value taken out of prose must not leave JSON behind: text right after it that continues the JSON ({@code ,}
     * {@code :} a closer, or a key), or text right before it that ends a member ({@code "items": }). Refused in the
     * default pass; in the lenient pass kept with a guess that names what was dropped.
     */
    Outcome checkSurroundings(Outcome o, int before, int after) {
      Candidate c = o.candidate;
      int next = Extraction.skipWhitespace(raw, c.end());
      boolean trailing = next < after && (continuesJson(next, after) || closesLater(next, after));
      int prev = c.start() - 1;
      while (prev >= before && Character.isWhitespace(raw.charAt(prev))) prev--;
      boolean leading = prev >= before && endsMember(prev, before);
      if (!trailing && !leading) return o;
      int at = trailing ? next : prev;
      String what = trailing ? "text after the JSON value continues it" : "text before the JSON value is part of it";
      if (pass == RepairMode.DEFAULT) {
        return new Outcome(c, Kind.UNPARSEABLE, () -> position(raw, at) + ": " + what
            + " (a stray or missing bracket?); taking the value alone would drop that part", false, at, true);
      }
      List<Repairer.RawGuess> guesses = new ArrayList<>(o.guesses);
      guesses.add(new Repairer.RawGuess("dropped-text", at, what + "; that part dropped"));
      return new Outcome(c, o.json, o.repairs, guesses, o.repaired, conforms);
    }

    private boolean continuesJson(int p, int limit) {
      char c = raw.charAt(p);
      // "{"a":1}, {"b":2}": a comma between two whole values is not a fragment.
      if (c == ',') return Extraction.skipWhitespace(raw, p + 1) < limit;
      if (c == ':' || c == '}' || c == ']') return true;
      if (c != '"') return false;
      int q = p + 1;
      int stop = Math.min(limit, p + Repairer.LOOK_LIMIT);
      while (q < stop && raw.charAt(q) != '"' && raw.charAt(q) != '\n') q += raw.charAt(q) == '\\' ? 2 : 1;
      if (q >= stop || raw.charAt(q) != '"') return false;
      q = Extraction.skipWhitespace(raw, q + 1);
      return q < limit && raw.charAt(q) == ':';
    }

    /**
     * {@return whether the rest of the line after a value closes a bracket before it opens one} ({@code [1, 2} 3]}:
     * the value was cut short by a stray closer, and what follows still belongs to it)
     */
    private boolean closesLater(int p, int limit) {
      int stop = Math.min(limit, p + Repairer.LOOK_LIMIT);
      for (int q = p; q < stop; q++) {
        char c = raw.charAt(q);
        if (c == '\n' || c == '[' || c == '{') return false;
        if (c == ']' || c == '}') return true;
      }
      return false;
    }

    private boolean endsMember(int p, int before) {
      char c = raw.charAt(p);
      if (c != ':' && c != ',') return false;
      int q = p - 1;
      while (q >= before && Character.isWhitespace(raw.charAt(q))) q--;
      if (q < before) return false;
      char d = raw.charAt(q);
      if (c == ':') return d == '"';
      return d == '"' || d == '}' || d == ']' || (d >= '0' && d <= '9');
    }

    static boolean startsValue(char c) {
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
