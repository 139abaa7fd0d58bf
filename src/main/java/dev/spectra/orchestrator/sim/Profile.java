package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A stochastic model of a real model server: how often JSON answers come out raw-valid, how the rest break,
 * which transport faults occur at what rates, and how fast tokens arrive. The built-in rates for named models
 * are the seed document's guesses, used as simulations, never measurements.
 *
 * @param name profile name
 * @param description one line for {@code orchestrator sim} output and docs
 * @param models model ids served (listed by /api/tags and /v1/models, others get 404); empty serves any id
 * @param validRate probability that a JSON answer is raw-valid (strict JSON that passes the schema)
 * @param families relative weights of the corruption families for the other answers
 * @param faults per-request transport fault probabilities
 * @param latency timing distributions, applied only with realistic latency on
 */
record Profile(String name, String description, List<String> models, double validRate, Map<Family, Double> families,
    Faults faults, Latency latency, DefectModel coder) {

  /** A profile whose coder is the built-in one of the same name (none for other names). */
  Profile(String name, String description, List<String> models, double validRate, Map<Family, Double> families,
      Faults faults, Latency latency) {
    this(name, description, models, validRate, families, faults, latency, DefectModel.forProfile(name));
  }

  Profile {
    java.util.Objects.requireNonNull(coder, "coder");
    models = List.copyOf(models);
    families = Map.copyOf(families);
    if (validRate < 0 || validRate > 1) throw new IllegalArgumentException("validRate must be 0..1: " + validRate);
    if (validRate < 1 && families.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
      throw new IllegalArgumentException("validRate < 1 needs at least one corruption family with weight > 0");
    }
  }

  /**
   * Transport faults, each a probability per request; at most one fault happens per request.
   *
   * @param retryAfterMs Retry-After announced with 429s
   * @param slowMs the pause of a slow first token, and (divided over the chunks, at least 1 ms each) of a slow drip
   */
  record Faults(double rateLimited, double serverError, double unavailable, double reset, double slowFirstToken,
      double slowDrip, double malformed, long retryAfterMs, long slowMs) {
    static final Faults NONE = new Faults(0, 0, 0, 0, 0, 0, 0, 1000, 200);

    Faults {
      double[] all = {rateLimited, serverError, unavailable, reset, slowFirstToken, slowDrip, malformed};
      double sum = 0;
      for (double p : all) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("fault rates must be 0..1, got " + p);
        sum += p;
      }
      if (sum > 1.0000001) throw new IllegalArgumentException("fault rates add up to " + sum + ", more than 1");
      if (retryAfterMs < 0 || slowMs < 0) throw new IllegalArgumentException("retryAfterMs and slowMs must be >= 0");
    }

    double total() {
      return rateLimited + serverError + unavailable + reset + slowFirstToken + slowDrip + malformed;
    }
  }

  /**
   * Timing: first token latency is log-normal around a median, token rate normal around a mean.
   *
   * @param firstTokenSpread sigma of the log-normal (0 = always the median)
   */
  record Latency(double firstTokenMs, double firstTokenSpread, double tokensPerSecond, double tokensPerSecondSd) {
    Latency {
      if (firstTokenMs < 0 || firstTokenSpread < 0 || tokensPerSecond <= 0 || tokensPerSecondSd < 0) {
        throw new IllegalArgumentException("latency values must be >= 0 and tokensPerSecond > 0");
      }
    }
  }

  // Weights shared by the model profiles: commonest failures first, as in FIELD-NOTES §2.
  private static Map<Family, Double> weights(Object... pairs) {
    Map<Family, Double> m = new EnumMap<>(Family.class);
    for (int i = 0; i < pairs.length; i += 2) m.put((Family) pairs[i], ((Number) pairs[i + 1]).doubleValue());
    return m;
  }

  private static final Map<Family, Double> SYNTACTIC_ONLY = weights(Family.FENCES, 3, Family.PROSE, 3, Family.THINK, 1,
      Family.TRAILING_COMMA, 2, Family.SINGLE_QUOTES, 1, Family.UNQUOTED_KEYS, 1, Family.PYTHON_LITERALS, 1,
      Family.COMMENTS, 1, Family.UNESCAPED_QUOTES, 1, Family.TRUNCATION, 1);

  /** Built-in profiles, in the order {@code orchestrator sim} lists them. */
  static final Map<String, Profile> BUILT_IN;

  static {
    Map<String, Profile> m = new LinkedHashMap<>();
    m.put("perfect", new Profile("perfect", "always answers; JSON always valid; no faults", List.of(), 1.0, Map.of(),
        Faults.NONE, new Latency(200, 0.2, 80, 5)));
    m.put("broken", new Profile("broken", "JSON answers are never valid JSON (every syntactic failure family)",
        List.of(), 0.0, SYNTACTIC_ONLY, Faults.NONE, new Latency(200, 0.2, 80, 5)));
    m.put("down", new Profile("down", "every chat request gets 503", List.of(), 1.0, Map.of(),
        new Faults(0, 0, 1.0, 0, 0, 0, 0, 1000, 200), new Latency(50, 0, 80, 0)));
    m.put("flaky", new Profile("flaky",
        "transport faults: 10% 429, 10% 503, 5% 500, 10% reset mid-stream, 5% slow first token, 5% slow drip; "
            + "otherwise perfect", List.of(), 1.0, Map.of(),
        new Faults(0.10, 0.05, 0.10, 0.10, 0.05, 0.05, 0, 1000, 200), new Latency(300, 0.5, 40, 10)));
    m.put("mistral-7b", new Profile("mistral-7b",
        "simulation of a 7B local model: ~30% raw-valid JSON (the seed's guess, not a measurement)", List.of(), 0.30,
        weights(Family.PROSE, 4, Family.FENCES, 3, Family.TRAILING_COMMA, 2, Family.MISSING_FIELDS, 2,
            Family.SINGLE_QUOTES, 1, Family.UNQUOTED_KEYS, 1, Family.PYTHON_LITERALS, 1, Family.COMMENTS, 1,
            Family.UNESCAPED_QUOTES, 1, Family.TRUNCATION, 1, Family.WRONG_TYPES, 1, Family.EMPTY_OBJECT, 0.5),
        Faults.NONE, new Latency(250, 0.4, 45, 8)));
    m.put("qwen2.5-coder-32b", new Profile("qwen2.5-coder-32b",
        "simulation of a 32B local coder model: ~85% raw-valid JSON (the seed's guess, not a measurement)", List.of(),
        0.85, weights(Family.FENCES, 5, Family.PROSE, 2, Family.MISSING_FIELDS, 2, Family.TRAILING_COMMA, 1,
            Family.COMMENTS, 1, Family.TRUNCATION, 1, Family.WRONG_TYPES, 1),
        Faults.NONE, new Latency(600, 0.4, 18, 4)));
    m.put("gpt-4o-mini", new Profile("gpt-4o-mini",
        "simulation of a small cloud model: ~85% raw-valid JSON (the seed's guess, not a measurement)", List.of(),
        0.85, weights(Family.MISSING_FIELDS, 3, Family.WRONG_TYPES, 2, Family.PROSE, 2, Family.FENCES, 2,
            Family.TRUNCATION, 1, Family.EMPTY_OBJECT, 0.5),
        new Faults(0.01, 0.002, 0.002, 0, 0, 0, 0, 1000, 200), new Latency(400, 0.5, 80, 15)));
    m.put("claude-3-5-sonnet", new Profile("claude-3-5-sonnet",
        "simulation of a large cloud model: ~95% raw-valid JSON (the seed's guess, not a measurement)", List.of(),
        0.95, weights(Family.PROSE, 3, Family.FENCES, 2, Family.MISSING_FIELDS, 1, Family.TRUNCATION, 1),
        new Faults(0.01, 0.002, 0.003, 0, 0, 0, 0, 1000, 200), new Latency(600, 0.4, 60, 10)));
    BUILT_IN = java.util.Collections.unmodifiableMap(m);
  }

  /** Signals a profile name or file that cannot be used; the message says what to do. */
  static final class BadProfile extends RuntimeException {
    BadProfile(String message) { super(message, null, false, false); }
  }

  /** Resolves a built-in name, else reads a profile file; throws {@link BadProfile} with a fixable message. */
  static Profile resolve(String nameOrFile) {
    Profile builtIn = BUILT_IN.get(nameOrFile);
    if (builtIn != null) return builtIn;
    Path file = Path.of(nameOrFile);
    if (!Files.isRegularFile(file)) {
      throw new BadProfile("unknown profile '" + nameOrFile + "': not a built-in profile ("
          + String.join(", ", BUILT_IN.keySet()) + ") and no such file");
    }
    return load(file);
  }

  private static final Set<String> TOP_KEYS =
      Set.of("name", "description", "extends", "models", "validRate", "families", "faults", "latency", "coder");
  private static final Set<String> CODER_KEYS = Set.of("planDefect", "codeDefect", "fixRepairs", "fixIntroduces",
      "defects");
  private static final Set<String> FAULT_KEYS = Set.of("rateLimited", "serverError", "unavailable", "reset",
      "slowFirstToken", "slowDrip", "malformed", "retryAfterMs", "slowMs");
  private static final Set<String> LATENCY_KEYS =
      Set.of("firstTokenMs", "firstTokenSpread", "tokensPerSecond", "tokensPerSecondSd");

  /** Reads a YAML or JSON profile file (format in docs/simulator.md). */
  static Profile load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw new BadProfile("profile file " + file + " is not valid YAML/JSON: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw new BadProfile("cannot read profile file " + file + ": " + e.getMessage());
    }
    if (root == null || !root.isObject()) throw new BadProfile("profile file " + file + " must hold a mapping");
    String where = "profile file " + file;
    checkKeys(root, TOP_KEYS, where);
    Profile base = BUILT_IN.get("perfect");
    if (root.has("extends")) {
      String ext = root.get("extends").asText();
      base = BUILT_IN.get(ext);
      if (base == null) {
        throw new BadProfile(where + ": extends '" + ext + "' is not a built-in profile ("
            + String.join(", ", BUILT_IN.keySet()) + ")");
      }
    }
    String fileName = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
    String name = root.path("name").asText(fileName);
    String description = root.path("description").asText("profile from " + file.getFileName());
    List<String> models = new ArrayList<>(base.models);
    if (root.has("models")) {
      if (!root.get("models").isArray()) throw new BadProfile(where + ": models must be a list of model ids");
      models.clear();
      root.get("models").forEach(n -> models.add(n.asText()));
    }
    double validRate = number(root, "validRate", base.validRate, where);
    Map<Family, Double> families = new EnumMap<>(Family.class);
    families.putAll(base.families);
    if (root.has("families")) {
      JsonNode fam = root.get("families");
      if (!fam.isObject()) throw new BadProfile(where + ": families must map family names to weights");
      families.clear();
      for (Iterator<String> it = fam.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        Family f = Family.fromWire(key).orElseThrow(() -> new BadProfile(where + ": unknown family '" + key
            + "'; known: " + String.join(", ", java.util.Arrays.stream(Family.values()).map(Family::wire).toList())));
        families.put(f, number(fam, key, 0, where + " families"));
      }
    }
    Faults faults = base.faults;
    if (root.has("faults")) {
      JsonNode f = root.get("faults");
      checkKeys(f, FAULT_KEYS, where + " faults");
      Faults b = base.faults;
      faults = guard(where, () -> new Faults(number(f, "rateLimited", b.rateLimited(), where),
          number(f, "serverError", b.serverError(), where), number(f, "unavailable", b.unavailable(), where),
          number(f, "reset", b.reset(), where), number(f, "slowFirstToken", b.slowFirstToken(), where),
          number(f, "slowDrip", b.slowDrip(), where), number(f, "malformed", b.malformed(), where),
          (long) number(f, "retryAfterMs", b.retryAfterMs(), where), (long) number(f, "slowMs", b.slowMs(), where)));
    }
    Latency latency = base.latency;
    if (root.has("latency")) {
      JsonNode l = root.get("latency");
      checkKeys(l, LATENCY_KEYS, where + " latency");
      Latency b = base.latency;
      latency = guard(where, () -> new Latency(number(l, "firstTokenMs", b.firstTokenMs(), where),
          number(l, "firstTokenSpread", b.firstTokenSpread(), where),
          number(l, "tokensPerSecond", b.tokensPerSecond(), where),
          number(l, "tokensPerSecondSd", b.tokensPerSecondSd(), where)));
    }
    DefectModel coder = base.coder;
    if (root.has("coder")) {
      JsonNode c = root.get("coder");
      checkKeys(c, CODER_KEYS, where + " coder");
      DefectModel b = base.coder;
      Map<Defect, Double> weights = new EnumMap<>(Defect.class);
      weights.putAll(b.weights());
      if (c.has("defects")) {
        JsonNode d = c.get("defects");
        if (!d.isObject()) throw new BadProfile(where + ": coder.defects must map defect kinds to weights");
        weights.clear();
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          Defect kind = Defect.fromWire(key);
          if (kind == null) {
            throw new BadProfile(where + ": unknown defect kind '" + key + "'; known: " + String.join(", ",
                java.util.Arrays.stream(Defect.values()).map(Defect::wire).toList()));
          }
          weights.put(kind, number(d, key, 0, where + " coder.defects"));
        }
      }
      DefectModel made = new DefectModel(number(c, "planDefect", b.planDefect(), where),
          number(c, "codeDefect", b.codeDefect(), where), number(c, "fixRepairs", b.fixRepairs(), where),
          number(c, "fixIntroduces", b.fixIntroduces(), where), weights);
      coder = guard(where + " coder", () -> made.checked());
    }
    Faults finalFaults = faults;
    Latency finalLatency = latency;
    DefectModel finalCoder = coder;
    return guard(where, () -> new Profile(name, description, models, validRate, families, finalFaults, finalLatency,
        finalCoder));
  }

  private static <T> T guard(String where, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new BadProfile(where + ": " + e.getMessage());
    }
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) throw new BadProfile(where + " must be a mapping");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new BadProfile(where + ": unknown key '" + key + "'; allowed: " + String.join(", ",
            allowed.stream().sorted().toList()));
      }
    }
  }

  private static double number(JsonNode node, String key, double fallback, String where) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) return fallback;
    if (!v.isNumber()) throw new BadProfile(where + ": '" + key + "' must be a number, got " + v);
    return v.asDouble();
  }
}
