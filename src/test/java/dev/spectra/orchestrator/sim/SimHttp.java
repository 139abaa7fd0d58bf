package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** A real HTTP client for the simulator tests: the JDK HttpClient, JSON helpers and stream parsers. */
final class SimHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ANTHROPIC_VERSION = "2023-06-01";

  final HttpClient client = HttpClient.newHttpClient();
  final URI base;

  SimHttp(Simulator sim) { this(sim.baseUrl()); }

  SimHttp(URI base) { this.base = base; }

  HttpResponse<String> post(String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return send(b.build());
  }

  HttpResponse<String> post(String path, JsonNode body, String... headers) {
    return post(path, body.toString(), headers);
  }

  /** An Anthropic call with both required headers. */
  HttpResponse<String> anthropic(JsonNode body) {
    return post("/v1/messages", body, "x-api-key", "test-key", "anthropic-version", ANTHROPIC_VERSION);
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends and returns the failure the client sees, or null when the exchange completed. */
  IOException failureOf(HttpRequest request) {
    try {
      client.send(request, HttpResponse.BodyHandlers.ofString());
      return null;
    } catch (IOException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpRequest postRequest(String path, JsonNode body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return b.build();
  }

  /** Reads a streamed body line by line until the server cuts it; returns the lines received and the failure. */
  record Partial(List<String> lines, IOException failure) {}

  Partial readUntilCut(HttpRequest request) {
    List<String> lines = new ArrayList<>();
    try {
      HttpResponse<java.util.stream.Stream<String>> r = client.send(request, HttpResponse.BodyHandlers.ofLines());
      try (var s = r.body()) {
        s.forEach(lines::add);
      }
      return new Partial(lines, null);
    } catch (UncheckedIOException e) {
      return new Partial(lines, e.getCause());
    } catch (IOException e) {
      return new Partial(lines, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    return json(r.body());
  }

  static JsonNode json(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + s, e);
    }
  }

  static ObjectNode openAi(String model, String prompt) {
    ObjectNode body = JSON.createObjectNode().put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return body;
  }

  static ObjectNode ollama(String model, String prompt, boolean stream) {
    ObjectNode body = openAi(model, prompt);
    body.put("stream", stream);
    return body;
  }

  static ObjectNode anthropic(String model, String prompt, int maxTokens) {
    ObjectNode body = openAi(model, prompt);
    body.put("max_tokens", maxTokens);
    return body;
  }

  /** {@return the JSON payloads of an SSE body's {@code data:} lines, without the closing [DONE]} */
  static List<JsonNode> sseData(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) out.add(json(line.substring(6)));
    }
    return out;
  }

  /** {@return the event names of an SSE body, in order} */
  static List<String> sseEvents(String body) {
    List<String> out = new ArrayList<>();
    for (String line : body.split("\n")) if (line.startsWith("event: ")) out.add(line.substring(7));
    return out;
  }

  static List<JsonNode> ndjson(String body) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) if (!line.isBlank()) out.add(json(line));
    return out;
  }

  /** {@return validation errors of value against schema (draft 2020-12), as messages} */
  static List<String> violations(JsonNode schema, JsonNode value) {
    return COMPILED.computeIfAbsent(schema, REGISTRY::getSchema).validate(value)
        .stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
  }

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final java.util.Map<JsonNode, com.networknt.schema.Schema> COMPILED =
      new java.util.concurrent.ConcurrentHashMap<>();
}
