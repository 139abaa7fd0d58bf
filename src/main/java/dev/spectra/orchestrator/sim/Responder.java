package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Decides the outcome of each chat request: the next scripted step for its model (or for {@code "*"}), else a
 * draw from the profile. Profile draws use a random generator seeded from the simulator seed, the model id and
 * that model's request count, so a given model's n-th request gets the same answer in every run whatever the
 * thread scheduling across models.
 */
final class Responder {
  static final String ANY_MODEL = "*";
  /** A prompt that names JSON ("Answer with JSON only") gets a JSON answer even without a protocol field. */
  private static final java.util.regex.Pattern ASKS_FOR_JSON = java.util.regex.Pattern.compile("\\bJSON\\b");

  /** Indented like model output: {@code "key": value}, not Jackson's default {@code "key" : value}. */
  static com.fasterxml.jackson.core.util.DefaultPrettyPrinter modelStyle() {
    var indent = new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
    var p = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter().withSeparators(
        com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
    p.indentArraysWith(indent);
    p.indentObjectsWith(indent);
    return p;
  }

  private final SimOptions options;
  private final Profile profile;
  private final Tokenizer tokenizer;
  private final Fixtures fixtures;
  private final ObjectMapper mapper;
  private final SchemaSynthesizer synthesizer = new SchemaSynthesizer();
  private final Corruptor corruptor;
  private final Coder coder;
  private final Map<String, Deque<Scripted>> scripts = new HashMap<>();
  private final Map<String, Long> counters = new HashMap<>();

  Responder(SimOptions options, Profile profile, Tokenizer tokenizer, Fixtures fixtures, ObjectMapper mapper) {
    this.options = options;
    this.profile = profile;
    this.tokenizer = tokenizer;
    this.fixtures = fixtures;
    this.mapper = mapper;
    this.corruptor = new Corruptor(mapper);
    this.coder = Coder.load(profile.coder(), mapper);
  }

  Profile profile() { return profile; }

  synchronized void enqueue(String model, Scripted... steps) {
    Deque<Scripted> q = scripts.computeIfAbsent(model, k -> new ArrayDeque<>());
    for (Scripted s : steps) q.add(java.util.Objects.requireNonNull(s, "scripted step"));
  }

  private synchronized Scripted nextScripted(String model) {
    Deque<Scripted> q = scripts.get(model);
    if (q != null && !q.isEmpty()) return q.poll();
    Deque<Scripted> any = scripts.get(ANY_MODEL);
    return any == null ? null : any.poll();
  }

  private synchronized long nextCount(String model) {
    return counters.merge(model, 1L, Long::sum);
  }

  /** An outcome and a short note on where it came from, for the request log. */
  record Decision(Outcome outcome, String note) {}

  Outcome respond(SimRequest req) {
    return decide(req).outcome();
  }

  Decision decide(SimRequest req) {
    Scripted step = nextScripted(req.model());
    if (step != null) return new Decision(fromScript(step, req), "scripted " + scriptName(step));
    Content content = new Content();
    Outcome o = fromProfile(req, content);
    return new Decision(o, "profile " + profile.name() + ": " + content.note);
  }

  private static String scriptName(Scripted step) {
    return switch (step) {
      case Scripted.Text t -> "text";
      case Scripted.Truncated t -> "truncated";
      case Scripted.Status s -> "status " + s.status();
      case Scripted.RateLimited r -> "rate limited";
      case Scripted.SlowFirstToken s -> "slow first token";
      case Scripted.SlowDrip s -> "slow drip";
      case Scripted.ResetMidStream r -> "reset mid-stream";
      case Scripted.MalformedBody m -> "malformed body (" + m.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
      case Scripted.NoUsage n -> "no usage";
    };
  }

  /** Collects the description of a profile answer while it is made. */
  private static final class Content {
    String note = "";
  }

  private Outcome fromScript(Scripted step, SimRequest req) {
    return switch (step) {
      case Scripted.Text t -> capped(Outcome.Answer.of(t.text()), req);
      case Scripted.Truncated t -> Outcome.Answer.of(t.partial()).withText(t.partial(), true);
      case Scripted.Status s -> failureFromScript(s);
      case Scripted.RateLimited r -> new Outcome.Failure(429, "Rate limit reached for requests", null, r.retryAfter());
      case Scripted.SlowFirstToken s -> capped(Outcome.Answer.of(s.text()).withTiming(s.delay(), Duration.ZERO), req);
      case Scripted.SlowDrip s -> capped(Outcome.Answer.of(s.text()).withTiming(Duration.ZERO, s.perChunk()), req);
      case Scripted.ResetMidStream r ->
          new Outcome.Answer(r.partialText(), false, true, Duration.ZERO, Duration.ZERO, true);
      case Scripted.MalformedBody m -> new Outcome.Malformed(m.kind());
      case Scripted.NoUsage n -> capped(new Outcome.Answer(n.text(), false, false, Duration.ZERO, Duration.ZERO,
          false), req);
    };
  }

  private Outcome.Failure failureFromScript(Scripted.Status s) {
    String body = s.body().strip();
    if (!body.isEmpty()) {
      try {
        mapper.readTree(body);
        return new Outcome.Failure(s.status(), body, body, null);
      } catch (JsonProcessingException notJson) {
        // Plain text: it becomes the message of the protocol's error object.
      }
    }
    return new Outcome.Failure(s.status(), body.isEmpty() ? defaultMessage(s.status()) : body, null, null);
  }

  static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Invalid authentication";
      case 404 -> "Not found";
      case 429 -> "Rate limit reached for requests";
      case 500 -> "The server had an error while processing your request.";
      case 503 -> "The server is overloaded or not ready yet.";
      default -> "HTTP " + status;
    };
  }

  /** Applies the request's output cap: longer text is cut to it and marked truncated, as servers do. */
  private Outcome.Answer capped(Outcome.Answer a, SimRequest req) {
    if (req.maxTokens() == null || a.truncated()) return a;
    if (tokenizer.count(a.text()) <= req.maxTokens()) return a;
    return a.withText(tokenizer.head(a.text(), req.maxTokens()), true);
  }

  private SplittableRandom rngFor(String model) {
    long n = nextCount(model);
    // SplittableRandom mixes its seed; combine the parts with distinct odd multipliers so they do not cancel.
    return new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + model.hashCode() * 0xC2B2AE3D27D4EB4FL
        + n * 0x165667B19E3779F9L);
  }

  private Outcome fromProfile(SimRequest req, Content note) {
    SplittableRandom rng = rngFor(req.model());
    // Draw in a fixed order (fault, content, timing) so one draw never shifts another between runs.
    double faultDraw = rng.nextDouble();
    boolean malformedJson = rng.nextBoolean();
    Corruptor.Result content = content(req, rng, note);
    Outcome.Answer answer = capped(new Outcome.Answer(content.text(), content.truncated(), true, Duration.ZERO,
        Duration.ZERO, false), req);
    if (options.realisticLatency()) answer = withRealisticTiming(answer, rng);
    Profile.Faults f = profile.faults();
    Outcome fault = fault(faultDraw, f, answer, malformedJson);
    if (fault instanceof Outcome.Answer) note.note += ", fault: " + describe(fault, answer);
    else if (fault != null) note.note = "fault: " + describe(fault, answer);
    return fault != null ? fault : answer;
  }

  private static String describe(Outcome fault, Outcome.Answer clean) {
    return switch (fault) {
      case Outcome.Failure fail -> String.valueOf(fail.status());
      case Outcome.Malformed m -> "malformed body";
      case Outcome.Answer a when a.cutOff() -> "reset mid-reply";
      case Outcome.Answer a when !a.firstToken().equals(clean.firstToken()) -> "slow first token";
      case Outcome.Answer a -> "slow drip";
    };
  }

  /** {@return the transport fault drawn for this request, or null for none} */
  private Outcome fault(double faultDraw, Profile.Faults f, Outcome.Answer answer, boolean malformedJson) {
    double edge = f.rateLimited();
    if (faultDraw < edge) {
      return new Outcome.Failure(429, "Rate limit reached for requests", null, Duration.ofMillis(f.retryAfterMs()));
    }
    if (faultDraw < (edge += f.serverError())) return new Outcome.Failure(500, defaultMessage(500), null, null);
    if (faultDraw < (edge += f.unavailable())) return new Outcome.Failure(503, defaultMessage(503), null, null);
    if (faultDraw < (edge += f.reset())) {
      String t = answer.text();
      String partial = t.substring(0, t.offsetByCodePoints(0, t.codePointCount(0, t.length()) / 2));
      return new Outcome.Answer(partial, false, true, answer.firstToken(), answer.perChunk(), true);
    }
    if (faultDraw < (edge += f.slowFirstToken())) {
      return answer.withTiming(answer.firstToken().plusMillis(f.slowMs()), answer.perChunk());
    }
    if (faultDraw < (edge += f.slowDrip())) {
      int pieces = Math.max(1, tokenizer.pieces(answer.text()).size());
      Duration per = Duration.ofMillis(Math.max(1, f.slowMs() / pieces));
      return answer.withTiming(answer.firstToken(), answer.perChunk().plus(per));
    }
    if (faultDraw < edge + f.malformed()) {
      return new Outcome.Malformed(malformedJson ? Scripted.MalformedBody.Kind.MISSING_FIELDS
          : Scripted.MalformedBody.Kind.NOT_JSON);
    }
    return null;
  }

  private Outcome.Answer withRealisticTiming(Outcome.Answer a, SplittableRandom rng) {
    Profile.Latency l = profile.latency();
    double first = l.firstTokenMs() * Math.exp(l.firstTokenSpread() * rng.nextGaussian());
    double tps = Math.max(1, l.tokensPerSecond() + l.tokensPerSecondSd() * rng.nextGaussian());
    return a.withTiming(Duration.ofMillis(Math.round(first)), Duration.ofNanos(Math.round(1e9 / tps)));
  }

  /** The model's answer before transport faults: fixture, synthesized JSON or the default reply, then corrupted. */
  private Corruptor.Result content(SimRequest req, SplittableRandom rng, Content note) {
    double validDraw = rng.nextDouble();
    SplittableRandom contentRng = rng.split();
    // A re-ask's last message holds only the errors; the model still sees the whole conversation.
    Fixtures.Fixture fixture = fixtures.match(req.lastUserText())
        .or(() -> fixtures.match(req.visiblePrompt())).orElse(null);
    JsonNode schema = req.schema() != null ? req.schema() : PromptSchemaFinder.find(req.visiblePrompt(), mapper);
    String base;
    boolean json;
    // The coder draws from its own generator (derived, not consumed) so other answers keep their draws.
    SplittableRandom coderRng = new SplittableRandom(Double.doubleToRawLongBits(validDraw) * 0xBF58476D1CE4E5B9L);
    Coder.Reply coded = fixture == null ? coder.answer(req, coderRng).orElse(null) : null;
    if (coded != null) {
      if (coded.truncated()) {
        note.note = coded.note();
        return new Corruptor.Result(coded.text(), true, null);
      }
      if (!coded.json() || validDraw < profile.validRate()) {
        note.note = coded.note() + (coded.json() ? ", valid" : "");
        return new Corruptor.Result(coded.text(), false, null);
      }
      Corruptor.Result r = corruptor.corrupt(coded.text(), schema, profile.families(), req.toolName() != null,
          contentRng);
      note.note = coded.note() + (r.family() == null ? ", left valid" : ", corrupted: " + r.family().wire());
      return r;
    }
    if (fixture != null) {
      base = fixture.reply();
      json = fixture.json();
    } else if (schema != null) {
      base = pretty(synthesizer.synthesize(schema, contentRng));
      json = true;
    } else if (req.wantsJsonField() || ASKS_FOR_JSON.matcher(req.visiblePrompt()).find()) {
      base = pretty(mapper.createObjectNode().put("reply", defaultReply(req.lastUserText())));
      json = true;
    } else {
      base = defaultReply(req.lastUserText());
      json = false;
    }
    String source = fixture != null ? "fixture " + fixture.name() : schema != null ? "synthesized from schema"
        : json ? "JSON reply" : "default reply";
    if (!json || validDraw < profile.validRate()) {
      note.note = source + (json ? ", valid" : "");
      return new Corruptor.Result(base, false, null);
    }
    Corruptor.Result r = corruptor.corrupt(base, schema, profile.families(), req.toolName() != null, contentRng);
    note.note = source + (r.family() == null ? ", left valid" : ", corrupted: " + r.family().wire());
    return r;
  }

  private String pretty(JsonNode node) {
    try {
      return mapper.writer(modelStyle()).writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a tree we built", e);
    }
  }

  /** {@return the default answer to a plain prompt: short, deterministic, quoting the prompt} */
  static String defaultReply(String prompt) {
    String flat = prompt.strip().replaceAll("\\s+", " ");
    if (flat.length() > 60) flat = flat.substring(0, 60);
    return "Simulated reply to: " + flat;
  }
}
