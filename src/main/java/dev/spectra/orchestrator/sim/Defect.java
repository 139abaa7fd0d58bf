package dev.spectra.orchestrator.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mistakes the simulated coder makes, each with the public observation that motivates it. Plan defects break
 * the planning answer; code defects break one handler file (or add a file the model was not asked for). Every
 * transformation returns null when it cannot apply to the given text, so the coder draws another kind.
 */
enum Defect {
  MISSING_OPERATION("missing-operation", Stage.PLAN,
      "plans that leave out an operation the request needs: BaxBench (backends from an OpenAPI spec) finds 7-70B "
          + "local models under 25% correct, much of it incomplete functionality"),
  MISSING_STATUS("missing-status", Stage.PLAN,
      "a contract that omits an error status the behaviour returns: Schemathesis' status_code_conformance check "
          + "exists because generated and hand-written contracts routinely do"),
  FENCES("fences", Stage.CODE,
      "code wrapped in Markdown fences inside the JSON string: aider's edit-format failures, and ollama/ollama#15595 "
          + "(fences despite a schema)"),
  PROSE("prose", Stage.CODE,
      "an explanation before and after the code: aider measured Qwen2.5-Coder-32B breaking its edit format "
          + "(16.4% with whole files, 8.0% with diffs)"),
  TRUNCATION("truncation", Stage.CODE,
      "the reply cut off at the output token limit (finish_reason length), FIELD-NOTES 2"),
  MISSING_IMPORT("missing-import", Stage.CODE,
      "an import left out of a whole file: the first compile error a rewritten file tends to hit; agents that "
          + "retry such errors blindly loop on them (OpenHands#7183, Devika#532)"),
  HALLUCINATED_METHOD("hallucinated-method", Stage.CODE,
      "a call to a method the type does not have: API hallucination (CodeHalu, arXiv 2405.00253; package "
          + "hallucinations, arXiv 2406.10279)"),
  WRONG_STATUS("wrong-status", Stage.CODE,
      "the right action answered with the wrong HTTP status: BaxBench's functional tests fail most often on "
          + "status codes and response shapes"),
  RULE_LEFT_OUT("rule-left-out", Stage.CODE,
      "a business rule of the request silently not implemented: compiles and passes CRUD tests, caught only by "
          + "scenarios (BaxBench: a third to a half of 'correct' backends still miss a requirement or a check)"),
  UNASKED_FILE("unasked-file", Stage.CODE,
      "an edit to a file the model was not asked to change (aider and gpt-engineer users report models rewriting "
          + "unrelated files)"),
  OUTSIDE_PATH("outside-path", Stage.CODE,
      "a file path outside the project ('../', absolute): the reason every builder must guard model-chosen paths "
          + "(MetaGPT#1956: generated code touching the host)");

  enum Stage { PLAN, CODE }

  private final String wire;
  private final Stage stage;
  private final String source;

  Defect(String wire, Stage stage, String source) {
    this.wire = wire;
    this.stage = stage;
    this.source = source;
  }

  /** {@return the name used in profile descriptions and the request log} */
  String wire() { return wire; }

  Stage stage() { return stage; }

  /** {@return the public observation that motivates this kind} */
  String source() { return source; }

  private static final Pattern IMPORT = Pattern.compile("(?m)^import (?!static)[\\w.]+;\\n");
  private static final Pattern STATUS = Pattern.compile("(Http\\.json\\(ctx, |new ApiError\\()(\\d{3})");
  private static final Pattern RULE = Pattern.compile("(?m)^([ \\t]*)// rule: [^\\n]*\\n");
  /** Plausible calls that do not exist on the scaffold's or Javalin's types, each replacing a real one. */
  private static final String[][] HALLUCINATIONS = {
      {"Http.json(", "Http.respondJson("},
      {"ctx.pathParam(", "ctx.pathParamAsLong("},
      {".readTree(", ".parseTree("},
      {"ApiError.notFound(", "ApiError.missing("},
      {".orElseThrow(", ".orElseThrowNotFound("},
  };

  /**
   * Applies a code defect to a whole Java file.
   *
   * @return the broken file, or null when this kind does not apply to it (or is not about file content)
   */
  String breakCode(String java, SplittableRandom rng) {
    return switch (this) {
      case FENCES -> "```java\n" + java.strip() + "\n```";
      case PROSE -> "Here is the complete implementation of the handler:\n\n" + java.strip()
          + "\n\nIt returns the status codes of the behaviour and keeps the contract's response shapes.";
      case MISSING_IMPORT -> removeOne(java, IMPORT, rng);
      case HALLUCINATED_METHOD -> {
        List<String[]> usable = new ArrayList<>();
        for (String[] h : HALLUCINATIONS) if (java.contains(h[0])) usable.add(h);
        if (usable.isEmpty()) yield null;
        String[] h = usable.get(rng.nextInt(usable.size()));
        int at = java.indexOf(h[0]);
        yield java.substring(0, at) + h[1] + java.substring(at + h[0].length());
      }
      case WRONG_STATUS -> {
        List<MatchResult> all = STATUS.matcher(java).results().map(MatchResult::of).toList();
        if (all.isEmpty()) yield null;
        MatchResult m = all.get(rng.nextInt(all.size()));
        String wrong = switch (m.status) {
          case "201" -> "200";
          case "200" -> "201";
          case "409" -> "400";
          case "404" -> "400";
          default -> "500";
        };
        yield java.substring(0, m.statusStart) + wrong + java.substring(m.statusStart + 3);
      }
      case RULE_LEFT_OUT -> removeRule(java, rng);
      default -> null;
    };
  }

  private record MatchResult(String status, int statusStart) {
    static MatchResult of(java.util.regex.MatchResult m) {
      return new MatchResult(m.group(2), m.start(2));
    }
  }

  private static String removeOne(String text, Pattern p, SplittableRandom rng) {
    List<java.util.regex.MatchResult> all = p.matcher(text).results().toList();
    if (all.isEmpty()) return null;
    var m = all.get(rng.nextInt(all.size()));
    return text.substring(0, m.start()) + text.substring(m.end());
  }

  /**
   * Removes one rule: the {@code // rule:} marker and the statement after it, a one-line {@code if} or a braced
   * block up to its closing brace at the marker's indentation.
   */
  static String removeRule(String java, SplittableRandom rng) {
    List<java.util.regex.MatchResult> all = RULE.matcher(java).results().toList();
    if (all.isEmpty()) return null;
    var m = all.get(rng.nextInt(all.size()));
    String indent = m.group(1);
    int stmt = m.end();
    int eol = java.indexOf('\n', stmt);
    if (eol < 0) return null;
    String first = java.substring(stmt, eol);
    int end;
    if (first.stripTrailing().endsWith("{")) {
      Matcher close = Pattern.compile("(?m)^" + Pattern.quote(indent) + "}[^\\n]*\\n").matcher(java);
      if (!close.find(eol)) return null;
      end = close.end();
    } else {
      end = eol + 1;
    }
    return java.substring(0, m.start()) + java.substring(end);
  }

  /** {@return the defects of a stage} */
  static List<Defect> of(Stage stage) {
    return java.util.Arrays.stream(values()).filter(d -> d.stage == stage).toList();
  }

  static Defect fromWire(String wire) {
    for (Defect d : values()) if (d.wire.equals(wire)) return d;
    return null;
  }
}
