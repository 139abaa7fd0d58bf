package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.RoundingMode;
import java.util.List;

/**
 * Writes OpenAI wire JSON: {@code chat.completion} bodies, {@code chat.completion.chunk} stream events and error
 * objects. Uses a streaming generator, not a tree, because this runs on every token of every stream.
 *
 * <p>Besides OpenAI's fields, completions and final chunks carry an {@code orchestrator} object (served model,
 * attempts, cost, saved; and, for a request that asked for lenient repair, the guesses). Official clients ignore
 * unknown fields, so this is safe and visible to those who look.
 */
final class CompletionWriter {
  private final ObjectMapper mapper;
  private final JsonFactory factory;

  CompletionWriter(ObjectMapper mapper) {
    this.mapper = mapper;
    this.factory = mapper.getFactory();
  }

  /**
   * What one served call amounts to, for the body extension and the headers.
   *
   * @param guesses for a request that asked for lenient repair, the guesses made in the value it got, as
   *     {@code kind@line:column} (empty when none was needed); {@code null} otherwise (nothing may be guessed)
   */
  record Accounting(String servedModel, int attempts, Money cost, Money saved, Usage usage, List<String> guesses) {
    Accounting {
      guesses = guesses == null ? null : List.copyOf(guesses);
    }

    static Accounting of(ModelReply reply) {
      return new Accounting(reply.servedBy(), Math.max(1, reply.attempts().size()), reply.cost(), reply.saved(),
          reply.usage(), null);
    }

    /**
     * {@return the accounting of a reply to a request that asked for lenient repair} The guesses are those of the
     * attempt that produced the value: the last one (earlier attempts failed, their text was not used).
     */
    static Accounting ofLenient(ModelReply reply) {
      List<String> guesses = reply.attempts().isEmpty() ? List.of() : reply.attempts().getLast().guesses();
      return new Accounting(reply.servedBy(), Math.max(1, reply.attempts().size()), reply.cost(), reply.saved(),
          reply.usage(), guesses);
    }

    static Accounting ofFailure(List<Attempt> attempts) {
      Money cost = Money.ZERO;
      Money saved = Money.ZERO;
      Usage usage = Usage.ZERO;
      for (Attempt a : attempts) {
        if (a.cost() != null) cost = cost.plus(a.cost());
        saved = saved.plus(a.saved());
        usage = usage.plus(a.usage());
      }
      return new Accounting(null, attempts.size(), cost, saved, usage, null);
    }

    String costText() { return usd(cost); }

    String savedText() { return usd(saved); }

    /** {@return the guesses header: the count, then each guess ({@code 2; placeholder@3:14, truncated@5:1})} */
    String guessesText() {
      return guesses.size() + (guesses.isEmpty() ? "" : "; " + String.join(", ", guesses));
    }

    static String usd(Money m) {
      if (m == null) return "unpriced";
      // Most calls are local and free: skip the decimal arithmetic for them.
      return m.usd().signum() == 0 ? "0.000000" : m.usd().setScale(6, RoundingMode.HALF_UP).toPlainString();
    }
  }

  /**
   * The whole completion, written by hand rather than through a generator: it is the one body every plain request
   * gets, and its shape is fixed, so the generator's set-up and buffer copies were a visible share of what the
   * gateway adds per request. The text is the same the generator writes (field order, escapes, numbers).
   */
  byte[] completion(String id, long created, String model, String content, FinishReason finish, Accounting acc) {
    StringBuilder b = new StringBuilder(320 + content.length() + (acc.guesses() == null ? 0 : 32 * acc.guesses().size()));
    b.append("{\"id\":");
    string(b, id);
    b.append(",\"object\":\"chat.completion\",\"created\":").append(created).append(",\"model\":");
    string(b, model);
    b.append(",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":");
    string(b, content);
    b.append(",\"refusal\":null},\"logprobs\":null,\"finish_reason\":\"").append(finishReason(finish))
        .append("\"}],\"usage\":{\"prompt_tokens\":");
    Usage u = acc.usage();
    b.append(u.promptTokens()).append(",\"completion_tokens\":").append(u.completionTokens())
        .append(",\"total_tokens\":").append(u.totalTokens());
    if (u.estimated()) b.append(",\"estimated\":true");
    b.append("},\"system_fingerprint\":null,\"orchestrator\":{\"served_model\":");
    string(b, acc.servedModel());
    b.append(",\"attempts\":").append(acc.attempts()).append(",\"cost_usd\":");
    string(b, acc.costText());
    b.append(",\"saved_usd\":");
    string(b, acc.savedText());
    if (acc.guesses() != null) {
      b.append(",\"guesses\":[");
      for (int i = 0; i < acc.guesses().size(); i++) {
        if (i > 0) b.append(',');
        string(b, acc.guesses().get(i));
      }
      b.append(']');
    }
    b.append("}}");
    return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /**
   * Appends {@code text} as a JSON string (null as {@code null}), escaped as Jackson escapes: quote, backslash and
   * the control characters, with the short forms for {@code \b \f \n \r \t}, and every UTF-16 surrogate as
   * {@code \\uXXXX} (a pair as two escapes, as Jackson writes it; a lone one, which has no UTF-8 form, so stays
   * valid JSON); everything else as it is.
   */
  static void string(StringBuilder b, String text) {
    if (text == null) {
      b.append("null");
      return;
    }
    b.append('"');
    int from = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      String shortForm;
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) continue;
      b.append(text, from, i);
      from = i + 1;
      shortForm = switch (c) {
        case '"' -> "\\\"";
        case '\\' -> "\\\\";
        case '\b' -> "\\b";
        case '\f' -> "\\f";
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        default -> null;
      };
      if (shortForm != null) {
        b.append(shortForm);
      } else {
        b.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
            .append(HEX[c & 0xF]);
      }
    }
    b.append(text, from, n).append('"');
  }

  /** A content chunk; {@code role} is written on the first one only, as OpenAI does. */
  byte[] deltaChunk(String id, long created, String model, String content, boolean withRole) {
    return write(g -> {
      chunkStart(g, id, created, model);
      onlyChoice(g, "delta", d -> {
        if (withRole) d.writeStringField("role", "assistant");
        d.writeStringField("content", content);
      }, null);
      g.writeEndObject();
    });
  }

  byte[] finishChunk(String id, long created, String model, FinishReason finish, Accounting acc) {
    return write(g -> {
      chunkStart(g, id, created, model);
      onlyChoice(g, "delta", d -> { }, finishReason(finish));
      extension(g, acc);
      g.writeEndObject();
    });
  }

  /** The {@code stream_options.include_usage} chunk: empty choices, usage set. */
  byte[] usageChunk(String id, long created, String model, Usage usage) {
    return write(g -> {
      chunkStart(g, id, created, model);
      g.writeArrayFieldStart("choices");
      g.writeEndArray();
      usage(g, usage);
      g.writeEndObject();
    });
  }

  byte[] error(GatewayError e) {
    return write(g -> {
      g.writeStartObject();
      g.writeObjectFieldStart("error");
      g.writeStringField("message", e.message());
      g.writeStringField("type", e.type());
      if (e.param() == null) g.writeNullField("param"); else g.writeStringField("param", e.param());
      g.writeStringField("code", e.code());
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  byte[] tree(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String finishReason(FinishReason f) {
    return switch (f) {
      case STOP, UNKNOWN -> "stop";
      case LENGTH -> "length";
      case TOOL_CALL -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
    };
  }

  /**
   * The {@code choices} array with its one choice, as OpenAI writes it: {@code member} ("message" or "delta") filled
   * by {@code fields}, then {@code logprobs} and {@code finish_reason} (null while a stream goes on).
   */
  private static void onlyChoice(JsonGenerator g, String member, Body fields, String finishReason)
      throws IOException {
    g.writeArrayFieldStart("choices");
    g.writeStartObject();
    g.writeNumberField("index", 0);
    g.writeObjectFieldStart(member);
    fields.write(g);
    g.writeEndObject();
    g.writeNullField("logprobs");
    if (finishReason == null) {
      g.writeNullField("finish_reason");
    } else {
      g.writeStringField("finish_reason", finishReason);
    }
    g.writeEndObject();
    g.writeEndArray();
  }

  private static void chunkStart(JsonGenerator g, String id, long created, String model) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", "chat.completion.chunk");
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    g.writeNullField("system_fingerprint");
  }

  private static void usage(JsonGenerator g, Usage u) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt_tokens", u.promptTokens());
    g.writeNumberField("completion_tokens", u.completionTokens());
    g.writeNumberField("total_tokens", u.totalTokens());
    if (u.estimated()) g.writeBooleanField("estimated", true);
    g.writeEndObject();
  }

  private static void extension(JsonGenerator g, Accounting acc) throws IOException {
    g.writeObjectFieldStart("orchestrator");
    g.writeStringField("served_model", acc.servedModel());
    g.writeNumberField("attempts", acc.attempts());
    g.writeStringField("cost_usd", acc.costText());
    g.writeStringField("saved_usd", acc.savedText());
    if (acc.guesses() != null) {
      g.writeArrayFieldStart("guesses");
      for (String guess : acc.guesses()) g.writeString(guess);
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = factory.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out.toByteArray();
  }
}
