package dev.spectra.orchestrator.sim;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How often the simulated coder of a profile gets things wrong, and how well it repairs them. The rates are
 * simulations chosen to reproduce the ordering public benchmarks report (BaxBench: 7-70B local models under 25%
 * correct, the best cloud models 60-86%; aider: local coders break the edit format several times as often as
 * large cloud models), not measurements of the named models.
 *
 * @param planDefect probability that a planning answer has a plan defect
 * @param codeDefect probability that one handler file of an implement answer has a code defect
 * @param fixRepairs probability that a fix call repairs a broken file it is shown
 * @param fixIntroduces probability that a fix call that repairs a file breaks it in another way instead
 * @param weights relative weights of the defect kinds, within their stage
 */
record DefectModel(double planDefect, double codeDefect, double fixRepairs, double fixIntroduces,
    Map<Defect, Double> weights) {

  DefectModel {
    weights = Map.copyOf(weights);
  }

  /** {@return this model, after checking every rate is a probability and every weight is >= 0} */
  DefectModel checked() {
    for (double r : new double[] {planDefect, codeDefect, fixRepairs, fixIntroduces}) {
      if (r < 0 || r > 1) throw new IllegalArgumentException("coder rates must be 0..1, got " + r);
    }
    for (var e : weights.entrySet()) {
      if (e.getValue() < 0) throw new IllegalArgumentException("defect weight of " + e.getKey().wire() + " is < 0");
    }
    return this;
  }

  static final DefectModel NONE = new DefectModel(0, 0, 1, 0, Map.of());

  private static Map<Defect, Double> w(double fences, double prose, double truncation, double missingImport,
      double hallucinated, double wrongStatus, double ruleLeftOut, double unaskedFile, double outsidePath,
      double missingOperation, double missingStatus) {
    Map<Defect, Double> m = new EnumMap<>(Defect.class);
    m.put(Defect.FENCES, fences);
    m.put(Defect.PROSE, prose);
    m.put(Defect.TRUNCATION, truncation);
    m.put(Defect.MISSING_IMPORT, missingImport);
    m.put(Defect.HALLUCINATED_METHOD, hallucinated);
    m.put(Defect.WRONG_STATUS, wrongStatus);
    m.put(Defect.RULE_LEFT_OUT, ruleLeftOut);
    m.put(Defect.UNASKED_FILE, unaskedFile);
    m.put(Defect.OUTSIDE_PATH, outsidePath);
    m.put(Defect.MISSING_OPERATION, missingOperation);
    m.put(Defect.MISSING_STATUS, missingStatus);
    return m;
  }

  /** The built-in profiles' coders; profiles not listed write perfect code. */
  static final Map<String, DefectModel> BUILT_IN;

  static {
    Map<String, DefectModel> m = new LinkedHashMap<>();
    // A 7B model: format and API mistakes dominate, and its fixes often miss (BaxBench < 25% for small models).
    m.put("mistral-7b", new DefectModel(0.30, 0.55, 0.45, 0.30, w(3, 3, 1, 3, 3, 2, 2, 1, 0.5, 1, 1)));
    // A 32B coder: fences and imports first (aider's whole-file format errors), repairs most of what it is shown.
    m.put("qwen2.5-coder-32b", new DefectModel(0.10, 0.35, 0.75, 0.15, w(3, 1, 1, 3, 2, 2, 2, 1, 0.5, 1, 1)));
    m.put("gpt-4o-mini", new DefectModel(0.10, 0.30, 0.75, 0.15, w(1, 1, 1, 2, 3, 3, 3, 0.5, 0.2, 1, 1)));
    // A large cloud model: rare mistakes, mostly of the kind only scenarios catch.
    m.put("claude-3-5-sonnet", new DefectModel(0.05, 0.12, 0.90, 0.05, w(0.5, 1, 0.5, 1, 1, 2, 3, 0.5, 0, 1, 1)));
    BUILT_IN = java.util.Collections.unmodifiableMap(m);
  }

  static DefectModel forProfile(String name) {
    return BUILT_IN.getOrDefault(name, NONE);
  }

  /** {@return a defect kind of the stage, drawn by weight; null when the stage has no weight} */
  Defect draw(Defect.Stage stage, SplittableRandom rng, java.util.Set<Defect> excluded) {
    double total = 0;
    for (Defect d : Defect.of(stage)) if (!excluded.contains(d)) total += weights.getOrDefault(d, 0.0);
    if (total <= 0) return null;
    double x = rng.nextDouble() * total;
    for (Defect d : Defect.of(stage)) {
      if (excluded.contains(d)) continue;
      x -= weights.getOrDefault(d, 0.0);
      if (x < 0) return d;
    }
    return null;
  }

  /** {@return the rates and the kinds with their share and source, for {@code sim --describe}} */
  String describe() {
    StringBuilder sb = new StringBuilder();
    if (planDefect == 0 && codeDefect == 0) return "coder: writes the reference solution every time (no defects)\n";
    sb.append(String.format(java.util.Locale.ROOT,
        "coder: plan defect %.0f%% of plans, code defect %.0f%% of handler files; a fix repairs a broken file %.0f%% "
            + "of the time, and %.0f%% of those repairs break it another way%n",
        planDefect * 100, codeDefect * 100, fixRepairs * 100, fixIntroduces * 100));
    for (Defect.Stage stage : Defect.Stage.values()) {
      double total = Defect.of(stage).stream().mapToDouble(d -> weights.getOrDefault(d, 0.0)).sum();
      double rate = stage == Defect.Stage.PLAN ? planDefect : codeDefect;
      for (Defect d : Defect.of(stage)) {
        double share = total <= 0 ? 0 : weights.getOrDefault(d, 0.0) / total;
        sb.append(String.format(java.util.Locale.ROOT, "  %-20s %5.1f%% of %s   %s%n", d.wire(), rate * share * 100,
            stage == Defect.Stage.PLAN ? "plans" : "files", d.source()));
      }
    }
    return sb.toString();
  }
}
