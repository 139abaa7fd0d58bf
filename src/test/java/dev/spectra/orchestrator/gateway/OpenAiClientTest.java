package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java client, unchanged, against the gateway. */
class OpenAiClientTest {
  private Gateway gateway;
  private OpenAIClient client;

  @BeforeEach void start() {
    FakeModel local = new FakeModel("local", FakeModel.fail(new ModelError.ConnectionRefused("http://127.0.0.1:1", "")));
    FakeModel cloud = new FakeModel("cloud", FakeModel.text("gpt-4o-mini", "Paris is the capital of France."));
    JsonNode person;
    try {
      person = new ObjectMapper().readTree("{\"name\":\"Ana\",\"age\":31}");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    FakeModel json = new FakeModel("json", (req, l) -> FakeModel.reply("qwen", "{\"name\":\"Ana\",\"age\":31}", person,
        new Usage(30, 8, false), Money.ZERO, Money.usd("0.0001")));
    gateway = Gateway.builder(new FakeDirectory().add(new FakeCascade("local-first", local, cloud), "orchestrator")
        .add(json)).options(GatewayOptions.defaults().withPort(0)).start();
    client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-not-needed-on-loopback")
        .maxRetries(0).build();
  }

  @AfterEach void stop() {
    client.close();
    gateway.close();
  }

  @Test void officialClientGetsACompletionWithUsageAndAccountingHeaders() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("local-first")
        .addUserMessage("What is the capital of France?").build();

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(params);
    ChatCompletion c = raw.parse();

    assertThat(c.id()).startsWith("chatcmpl-");
    assertThat(c.choices().getFirst().message().content()).hasValue("Paris is the capital of France.");
    assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
    assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isEqualTo(17 + 3));
    assertThat(raw.headers().values("x-orchestrator-served-model")).containsExactly("gpt-4o-mini");
    assertThat(raw.headers().values("x-orchestrator-attempts")).containsExactly("2");
  }

  @Test void officialClientStreamsAndAccumulatesTheSameText() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("local-first")
        .addUserMessage("What is the capital of France?")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();

    StringBuilder text = new StringBuilder();
    long[] total = {0};
    try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
      stream.stream().forEach(chunk -> {
        for (ChatCompletionChunk.Choice ch : chunk.choices()) ch.delta().content().ifPresent(text::append);
        chunk.usage().ifPresent(u -> total[0] = u.totalTokens());
      });
    }

    assertThat(text.toString()).isEqualTo("Paris is the capital of France.");
    assertThat(total[0]).isEqualTo(20);
  }

  @Test void officialClientGetsSchemaConformingJson() throws Exception {
    ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(
        ResponseFormatJsonSchema.JsonSchema.builder().name("person").strict(true)
            .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"),
                    "age", Map.of("type", "integer"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("name", "age")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
            .build()).build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("json")
        .addUserMessage("Invent a person.").responseFormat(format).build();

    String content = client.chat().completions().create(params).choices().getFirst().message().content().orElseThrow();

    JsonNode value = new ObjectMapper().readTree(content);
    assertThat(value.path("name").asText()).isEqualTo("Ana");
    assertThat(value.path("age").asInt()).isEqualTo(31);
  }

  @Test void officialClientSeesAnUnknownModelAsNotFound() {
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("no-such-model")
        .addUserMessage("hi").build();

    assertThatThrownBy(() -> client.chat().completions().create(params))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no-such-model");
  }
}
