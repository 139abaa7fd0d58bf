package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class PromptSchemaFinderTest {
  final ObjectMapper mapper = new ObjectMapper();
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}";

  @Test
  void findsASchemaInAFenceWhoseInfoStringSaysSchema() {
    String prompt = "Example:\n```json\n{\"a\":\"x\"}\n```\nSchema:\n```json schema\n{\"properties\":{}}\n```";

    assertThat(PromptSchemaFinder.find(prompt, mapper)).isEqualTo(SimHttp.json("{\"properties\":{}}"));
  }

  @Test
  void findsASchemaBetweenSchemaTags() {
    assertThat(PromptSchemaFinder.find("Use <schema>" + SCHEMA + "</schema> please", mapper))
        .isEqualTo(SimHttp.json(SCHEMA));
  }

  @Test
  void findsAnUnmarkedSchemaAndIgnoresExampleObjects() {
    String prompt = "Return JSON like {\"a\":\"hello\"} that validates against " + SCHEMA + ". Thanks {not json}";

    assertThat(PromptSchemaFinder.find(prompt, mapper)).isEqualTo(SimHttp.json(SCHEMA));
  }

  @Test
  void findsNothingInAPlainPrompt() {
    assertThat(PromptSchemaFinder.find("Write a haiku about {braces} and [brackets]", mapper)).isNull();
  }
}
