package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The completion body is written by hand for speed; clients parse it with whatever JSON library they have, so it
 * must be exactly what a JSON generator writes for the same values, whatever the model's text contains.
 */
class CompletionWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final CompletionWriter writer = new CompletionWriter(JSON);

  @ParameterizedTest
  @ValueSource(strings = {
      "Hello!",
      "",
      "quotes \" and backslashes \\ and a slash /",
      "new\nline, tab\t, return\r, backspace\b, form feed\f",
      "control \u0000 \u0001 \u001f and delete \u007f",
      "héllo wörld € 😀 and 日本語",
      "line separator \u2028 and paragraph \u2029",
      "{\"a\": [1, 2, {\"b\": null}]}"})
  void theCompletionIsByteForByteWhatAGeneratorWrites(String content) throws Exception {
    CompletionWriter.Accounting acc = new CompletionWriter.Accounting("local-7b", 2,
        new Money(new BigDecimal("0.0000123")), Money.ZERO, new Usage(12, 34, true), List.of("placeholder@3:14"));

    byte[] written = writer.completion("chatcmpl-1", 1_700_000_000L, "qwen\"2.5", content, FinishReason.LENGTH, acc);

    assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo(generated(content, acc));
    assertThat(JSON.readTree(written).at("/choices/0/message/content").asText()).isEqualTo(content);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lone high \uD83D here", "lone low \uDE00 here", "ends high \uD83D"})
  void aLoneSurrogateStillGivesValidJson(String content) throws Exception {
    CompletionWriter.Accounting acc = new CompletionWriter.Accounting(null, 1, null, Money.ZERO, Usage.ZERO, null);

    JsonNode body = JSON.readTree(writer.completion("id", 1L, "m", content, FinishReason.STOP, acc));

    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo(content);
    assertThat(body.at("/orchestrator/served_model").isNull()).isTrue();
    assertThat(body.at("/orchestrator/cost_usd").asText()).isEqualTo("unpriced");
    assertThat(body.at("/orchestrator/saved_usd").asText()).isEqualTo("0.000000");
    assertThat(body.at("/orchestrator").has("guesses")).isFalse();
  }

  /** The same body through Jackson's generator, field for field as the gateway wrote it before. */
  private static String generated(String content, CompletionWriter.Accounting acc) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("id", "chatcmpl-1");
      g.writeStringField("object", "chat.completion");
      g.writeNumberField("created", 1_700_000_000L);
      g.writeStringField("model", "qwen\"2.5");
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeObjectFieldStart("message");
      g.writeStringField("role", "assistant");
      g.writeStringField("content", content);
      g.writeNullField("refusal");
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeStringField("finish_reason", "length");
      g.writeEndObject();
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", acc.usage().promptTokens());
      g.writeNumberField("completion_tokens", acc.usage().completionTokens());
      g.writeNumberField("total_tokens", acc.usage().totalTokens());
      g.writeBooleanField("estimated", true);
      g.writeEndObject();
      g.writeNullField("system_fingerprint");
      g.writeObjectFieldStart("orchestrator");
      g.writeStringField("served_model", acc.servedModel());
      g.writeNumberField("attempts", acc.attempts());
      g.writeStringField("cost_usd", acc.costText());
      g.writeStringField("saved_usd", acc.savedText());
      g.writeArrayFieldStart("guesses");
      for (String guess : acc.guesses()) g.writeString(guess);
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
