package dev.spectra.orchestrator.model.provider;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelError;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpFailuresTest {
  final ObjectMapper json = new ObjectMapper();
  final Instant now = Instant.parse("2026-11-25T10:00:00Z");
  final HttpFailures failures = new HttpFailures("http://h/v1/chat/completions", "m1", 8192, "set OPENAI_API_KEY",
      "run `ollama pull m1`", "sk-secret-1");

  @Test
  void retryAfterInSecondsOrAsAnHttpDate() {
    assertThat(HttpFailures.parseRetryAfter("7", now)).isEqualTo(Duration.ofSeconds(7));
    assertThat(HttpFailures.parseRetryAfter("0.5", now)).isEqualTo(Duration.ofMillis(500));
    assertThat(HttpFailures.parseRetryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
    assertThat(HttpFailures.parseRetryAfter("Wed, 25 Nov 2026 09:00:00 GMT", now)).isEqualTo(Duration.ZERO);
    assertThat(HttpFailures.parseRetryAfter("later", now)).isNull();
    assertThat(HttpFailures.parseRetryAfter(null, now)).isNull();
  }

  @Test
  void statusesMapToTheirErrorTypes() {
    assertThat(failures.fromStatus(401, "{}", null, json, now)).isInstanceOf(ModelError.AuthFailed.class);
    assertThat(failures.fromStatus(429, "{}", "3", json, now)).isEqualTo(
        new ModelError.RateLimited(Duration.ofSeconds(3), "http://h/v1/chat/completions"));
    assertThat(failures.fromStatus(404, "{\"error\":\"model \\\"m1\\\" not found, try pulling it first\"}", null, json,
        now)).isInstanceOfSatisfying(ModelError.ModelNotFound.class, e ->
        assertThat(e.message()).contains("ollama pull m1"));
    assertThat(failures.fromStatus(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192\","
        + "\"code\":\"context_length_exceeded\"}}", null, json, now)).isInstanceOf(ModelError.ContextTooLong.class);
    assertThat(failures.fromStatus(400, "{\"error\":{\"message\":\"bad temperature\"}}", null, json, now))
        .isEqualTo(new ModelError.BadRequest(400, "bad temperature", "http://h/v1/chat/completions"));
    assertThat(failures.fromStatus(503, "down", null, json, now)).isInstanceOf(ModelError.ServerError.class);
  }

  @Test
  void echoedKeysAreScrubbedFromServerText() {
    ModelError e = failures.fromStatus(400, "{\"error\":{\"message\":\"bad key sk-secret-1 given\"}}", null, json, now);
    assertThat(e.message()).doesNotContain("sk-secret-1").contains("[redacted]");
  }
}
