package dev.spectra.orchestrator.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/**
 * The one scripted {@link Model} of the tests: each call takes the next step of its script and records the
 * request. Once the script is used up the last step repeats, unless {@link #whenDone} says what to do instead
 * ({@link #UNREACHABLE} for a test that must catch an extra call). A model with no step at all fails every call.
 *
 * <p>Steps are {@link Step}s, or, through {@link #then}: a {@code String} (that text, streamed whole when asked to
 * stream), a {@link ModelError} (thrown), or {@link Streamed} (tokens, then an error).
 */
public final class FakeModel implements Model {
  /** One scripted answer. */
  @FunctionalInterface
  public interface Step {
    ModelReply run(ModelRequest request, TokenListener listener) throws ModelException;
  }

  /** Streams {@code tokens} to the listener, then fails with {@code error}. */
  public record Streamed(List<String> tokens, ModelError error) {}

  /** Fails the test: the code under test made more calls than it scripted. */
  public static final Step UNREACHABLE = (request, listener) -> {
    throw new AssertionError("unreachable! a call beyond the script: " + request.promptText());
  };

  private final String name;
  private final Deque<Step> script = new ArrayDeque<>();
  private Step last;
  private Step whenDone;
  private Usage usage = new Usage(100, 50, false);
  /** Every request, in order. */
  public final List<ModelRequest> requests = Collections.synchronizedList(new ArrayList<>());

  public FakeModel(String name, Step... script) {
    this.name = name;
    this.script.addAll(List.of(script));
  }

  /** {@return a model named "fake" that fails the test on a call beyond its script} */
  public static FakeModel strict() {
    return new FakeModel("fake").whenDone(UNREACHABLE);
  }

  @Override public String name() { return name; }

  /** Appends steps: {@link Step}s, texts, {@link ModelError}s or {@link Streamed}. */
  public synchronized FakeModel then(Object... steps) {
    for (Object s : steps) script.addLast(step(s));
    return this;
  }

  /** What every call gets once the script is used up, instead of the last step again. */
  public synchronized FakeModel whenDone(Object step) {
    this.whenDone = step(step);
    return this;
  }

  /** Sets the usage that text steps given as strings report. */
  public synchronized FakeModel usage(Usage u) {
    this.usage = u;
    return this;
  }

  /** Appends a reply ending normally: 10 + 5 tokens, $0.001. */
  public FakeModel reply(String text) { return then(finished(text, FinishReason.STOP)); }

  /** Appends a reply cut off at the token limit. */
  public FakeModel replyCutOff(String text) { return then(finished(text, FinishReason.LENGTH)); }

  /** Appends a reply stopped by a content filter. */
  public FakeModel replyFiltered(String text) { return then(finished(text, FinishReason.CONTENT_FILTER)); }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    requests.add(request);
    Step s;
    synchronized (this) {
      if (!script.isEmpty()) s = script.poll();
      else s = whenDone != null ? whenDone : last;
      last = s;
    }
    if (s == null) throw new AssertionError("unreachable! FakeModel " + name + " has no script");
    return s.run(request, listener);
  }

  public synchronized List<ModelRequest> requests() { return List.copyOf(requests); }

  public int calls() { return requests.size(); }

  private Step step(Object s) {
    return switch (s) {
      case Step step -> step;
      case String text -> (request, listener) -> {
        if (request.stream()) listener.onToken(text);
        Usage u;
        synchronized (this) {
          u = usage;
        }
        return new ModelReply(text, null, u, FinishReason.STOP, name, name + "-id", Duration.ofMillis(1),
            Duration.ofMillis(2), null, null, List.of());
      };
      case ModelError error -> (request, listener) -> {
        throw new ModelException(error);
      };
      case Streamed streamed -> (request, listener) -> {
        for (String t : streamed.tokens()) listener.onToken(t);
        throw new ModelException(streamed.error());
      };
      default -> throw new IllegalArgumentException("not a step: " + s);
    };
  }

  private Step finished(String text, FinishReason finish) {
    return (request, listener) -> new ModelReply(text, null, new Usage(10, 5, false), finish, name, name + "-1",
        Duration.ZERO, Duration.ofMillis(1), Money.usd("0.001"), Money.ZERO, List.of());
  }

  /** {@return a step that streams {@code text} word by word when asked to stream, then returns it as {@code servedBy}} */
  public static Step text(String servedBy, String text) {
    return (req, l) -> {
      if (req.stream()) for (String piece : pieces(text)) l.onToken(piece);
      return reply(servedBy, text, null, new Usage(12, 5, false), Money.usd("0.000123"), Money.usd("0.000456"));
    };
  }

  /** {@return a step that fails with {@code error} after one attempt on model "m"} */
  public static Step fail(ModelError error) {
    return (req, l) -> {
      throw new ModelException(error, List.of(attempt("m", error)), null);
    };
  }

  /** {@return {@code text} split before each space, as a server streams words} */
  public static List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    return out;
  }

  /** {@return a reply served by {@code servedBy} after one successful attempt} */
  public static ModelReply reply(String servedBy, String text, JsonNode json, Usage usage, Money cost, Money saved) {
    Attempt a = new Attempt(servedBy, servedBy, Instant.EPOCH, usage, Duration.ofMillis(1), Duration.ofMillis(2), null,
        null, List.of(), 0, cost, saved);
    return new ModelReply(text, json, usage, FinishReason.STOP, servedBy, servedBy, Duration.ofMillis(1),
        Duration.ofMillis(2), cost, saved, List.of(a));
  }

  /** {@return a failed attempt on {@code model}} */
  public static Attempt attempt(String model, ModelError error) {
    return new Attempt(model, model, Instant.EPOCH, new Usage(3, 0, false), null, Duration.ofMillis(1), error, null,
        List.of(), 0, Money.ZERO, Money.ZERO);
  }
}
