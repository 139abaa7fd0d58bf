package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Attempt.JsonStage;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Makes any model answer with JSON that conforms to a schema, or fail with a typed reason.
 *
 * <p>For {@code Json}/{@code JsonSchema} requests, in order: adapt the schema to the backend's constrained decoder
 * (or leave decoding unconstrained when the backend cannot express it); state the schema in the prompt; use
 * temperature 0 unless the caller chose one; call the delegate; on a reply cut off at the token limit, retry with
 * a larger limit (never close a cut-off value); strip reasoning, extract, parse, repair where unambiguous
 * ({@link JsonRepair}); validate against the caller's schema; on any problem re-ask the same model with the exact
 * problems, a bounded number of times; else throw {@link ModelException} with {@link InvalidOutput}. Every call is
 * recorded as an {@link Attempt} in the reply (or the exception), with usage and cost summed over re-asks.
 * Text requests pass through untouched.
 */
public final class StructuredOutput implements Model {
  private final Model delegate;
  private final ModelSpec spec;
  private final StructuredOptions options;
  private final JsonRepair repair = new JsonRepair();
  /** Only for requests that ask for it ({@link ResponseFormat#lenientRepair()}): a guess may be wrong. */
  private final JsonRepair lenientRepair = new JsonRepair(RepairMode.LENIENT);
  private final SchemaValidator validator = new SchemaValidator();
  private final SchemaAdapter adapter = new SchemaAdapter();

  public StructuredOutput(Model delegate, ModelSpec spec, StructuredOptions options) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.spec = Objects.requireNonNull(spec, "spec");
    this.options = Objects.requireNonNull(options, "options");
  }

  @Override public String name() {
    return delegate.name();
  }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    if (request.format() instanceof ResponseFormat.Text) return delegate.chat(request, listener);
    JsonNode schema = request.format() instanceof ResponseFormat.JsonSchema js ? js.schema() : null;
    SchemaAdapter.Plan plan = adapter.adapt(spec, request.format());
    // Free reasoning before the JSON only where nothing on the wire forces JSON from the first token.
    boolean reasonFirst = options.reasonFirst() && !plan.constrained() && !spec.has(Capability.JSON_MODE);
    ModelRequest call = request
        .withMessages(Prompts.withInstructions(request.messages(), schema, reasonFirst, repair.mapper()))
        .withFormat(plan.wire())
        .withTemperature(request.temperature() != null ? request.temperature() : options.defaultTemperature());
    Predicate<JsonNode> conforms = schema == null ? null : v -> violations(schema, plan, v.deepCopy()).isEmpty();

    Tally tally = new Tally();
    int reasks = 0;
    int lengthRetries = 0;
    while (true) {
      Instant started = options.clock().instant();
      ModelReply reply;
      try {
        reply = delegate.chat(call, listener);
      } catch (ModelException e) {
        List<Attempt> all = new ArrayList<>(tally.attempts);
        all.addAll(e.attempts());
        throw new ModelException(e.error(), all, e);
      }
      tally.add(reply);
      String text = reply.text();

      if (reply.finishReason() == FinishReason.CONTENT_FILTER) {
        InvalidOutput refused = invalid(Kind.REFUSED, List.of("the provider filtered the answer or the model "
            + "refused"), text);
        tally.record(reply, started, refused, JsonStage.FAILED, List.of(), reasks);
        throw tally.failure(refused);
      }
      if (reply.finishReason() == FinishReason.LENGTH) {
        if (request.format().lenientRepair()) {
          // The caller asked for the best reading instead of another call: what came is read, and the cut is
          // listed as a guess of its own (the text may parse whole and still lack what the model meant to add).
          ModelReply read = readCutOff(reply, text, schema, plan, conforms, started, reasks, tally);
          if (read != null) return read;
        }
        // A value cut off at the token limit is never repaired: closing its brackets would invent the rest.
        Integer larger = largerLimit(call.maxTokens(), reply.usage());
        InvalidOutput cut = invalid(Kind.TRUNCATED, List.of("the answer was cut off at the token limit ("
            + (call.maxTokens() == null ? "server default" : call.maxTokens() + " tokens") + ")"), text);
        tally.record(reply, started, cut, JsonStage.FAILED, List.of(), reasks);
        if (lengthRetries >= options.maxLengthRetries() || larger == null) throw tally.failure(cut);
        lengthRetries++;
        call = call.withMaxTokens(larger);
        continue;
      }

      JsonRepair repairer = request.format().lenientRepair() ? lenientRepair : repair;
      RepairResult result = repairer.repair(text, schema, conforms, true);
      Kind kind;
      List<String> problems;
      List<String> repairs = List.of();
      if (result instanceof RepairResult.Recovered rec) {
        JsonNode value = rec.value();
        repairs = rec.repairs();
        if (!rec.guesses().isEmpty()) {
          // Every guess goes with the attempt, so the caller (and the ledger) sees where the value may be wrong.
          repairs = new ArrayList<>(repairs);
          for (Guess g : rec.guesses()) repairs.add(g.repairName());
        }
        List<Violation> violations = schema == null ? List.of() : violations(schema, plan, value);
        if (violations.isEmpty()) {
          JsonStage stage = reasks > 0 ? JsonStage.REASKED : rec.stage();
          tally.record(reply, started, null, stage, repairs, reasks);
          return tally.reply(reply.withJson(value));
        }
        kind = Kind.SCHEMA_INVALID;
        problems = violations.stream().map(Violation::toString).toList();
      } else {
        RepairResult.Unrecoverable u = (RepairResult.Unrecoverable) result;
        kind = u.kind();
        problems = List.of(u.reason());
      }
      InvalidOutput bad = invalid(kind, problems, text);
      tally.record(reply, started, bad, JsonStage.FAILED, repairs, reasks);
      // A refusal is not a formatting problem the model can fix by being shown its error.
      if (kind == Kind.REFUSED || reasks >= options.maxReasks()) throw tally.failure(bad);
      reasks++;
      call = call.withMessages(Prompts.reask(call.messages(), text, kind, problems));
    }
  }

  /**
   * {@return the lenient reading of a reply cut off at the token limit, or null when even that gives no conforming
   * value (then the request is sent again with a larger limit, as in the default mode)}
   */
  private ModelReply readCutOff(ModelReply reply, String text, JsonNode schema, SchemaAdapter.Plan plan,
      Predicate<JsonNode> conforms, Instant started, int reasks, Tally tally) {
    RepairResult result = lenientRepair.repair(text, schema, conforms, true);
    if (!(result instanceof RepairResult.Recovered rec)) return null;
    JsonNode value = rec.value();
    if (schema != null && !violations(schema, plan, value).isEmpty()) return null;
    List<String> repairs = new ArrayList<>(rec.repairs());
    for (Guess g : rec.guesses()) repairs.add(g.repairName());
    repairs.add(Guess.at(text, text.length(), "cut-off", "the answer was cut off at the token limit; the value is "
        + "read from what came").repairName());
    tally.record(reply, started, null, reasks > 0 ? JsonStage.REASKED : JsonStage.REPAIRED, repairs, reasks);
    return tally.reply(reply.withJson(value));
  }

  /** Validates against the caller's schema, after undoing the OpenAI strict rewrite of optional properties. */
  private List<Violation> violations(JsonNode schema, SchemaAdapter.Plan plan, JsonNode value) {
    if (plan.optionalAsNull()) SchemaAdapter.dropNullOptionals(value, schema, schema, 0);
    try {
      return validator.validate(schema, value);
    } catch (IllegalArgumentException e) {
      return List.of(new Violation("", e.getMessage()));
    }
  }

  private Integer larger(int current) {
    long doubled = Math.min((long) current * 2, options.maxTokensCap());
    int bounded = (int) Math.min(doubled, spec.contextWindow());
    return bounded > current ? bounded : null;
  }

  private Integer largerLimit(Integer current, Usage usage) {
    if (current != null) return larger(current);
    // The server's default limit is unknown: start from what it produced, or the configured first retry.
    int produced = usage.completionTokens();
    int base = Math.max(options.firstRetryTokens(), produced * 2);
    int bounded = Math.min(Math.min(base, options.maxTokensCap()), spec.contextWindow());
    return bounded > produced ? bounded : null;
  }

  private InvalidOutput invalid(Kind kind, List<String> problems, String raw) {
    return new InvalidOutput(kind, problems, raw, delegate.name());
  }

  /** Attempts, usage, cost and savings summed over every call for one request. */
  private final class Tally {
    final List<Attempt> attempts = new ArrayList<>();
    Usage usage = Usage.ZERO;
    Money cost;
    boolean unpriced;
    Money saved = Money.ZERO;

    void add(ModelReply reply) {
      usage = usage.plus(reply.usage());
      if (reply.cost() == null) unpriced = true;
      else cost = cost == null ? reply.cost() : cost.plus(reply.cost());
      saved = saved.plus(reply.saved());
    }

    void record(ModelReply reply, Instant started, ModelError error, JsonStage stage, List<String> repairs,
        int reasks) {
      if (!reply.attempts().isEmpty()) {
        // The delegate recorded its own attempts (a provider with retries): keep them, annotate the last.
        attempts.addAll(reply.attempts().subList(0, reply.attempts().size() - 1));
        Attempt last = reply.attempts().get(reply.attempts().size() - 1);
        attempts.add(new Attempt(last.model(), last.route(), last.started(), last.usage(), last.timeToFirstToken(),
            last.latency(), error != null ? error : last.error(), stage, repairs, reasks, last.cost(), last.saved()));
        return;
      }
      attempts.add(new Attempt(reply.servedBy(), delegate.name(), started, reply.usage(), reply.timeToFirstToken(),
          reply.latency(), error, stage, repairs, reasks, reply.cost(), reply.saved()));
    }

    ModelReply reply(ModelReply last) {
      return last.withAccounting(usage, unpriced ? null : cost, saved, attempts);
    }

    ModelException failure(InvalidOutput error) {
      return new ModelException(error, attempts, null);
    }
  }
}
