package dev.spectra.orchestrator.model.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.model.provider.Exchange;
import dev.spectra.orchestrator.model.provider.HttpFailures;
import dev.spectra.orchestrator.model.provider.Transport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Ollama's model-management routes: which models are pulled ({@code /api/tags}) and what one is ({@code /api/show}). */
public final class OllamaServer {
  private final URI base;
  private final Transport transport;
  private final Timeouts timeouts;

  public OllamaServer(URI base, Transport transport, Timeouts timeouts) {
    this.base = base;
    this.transport = transport;
    this.timeouts = timeouts;
  }

  /** {@return the names of the pulled models, as Ollama spells them ({@code qwen2.5-coder:32b})} */
  public List<String> pulledModels() throws ModelException {
    JsonNode root = call(HttpRequest.newBuilder(OllamaChat.url(base, "/api/tags")).GET().build(), "/api/tags", null);
    List<String> names = new ArrayList<>();
    for (JsonNode m : root.path("models")) {
      String name = m.path("name").asText(m.path("model").asText(""));
      if (!name.isEmpty()) names.add(name);
    }
    return names;
  }

  /** {@return true when {@code modelId} is among {@code pulled}; a bare name means its {@code :latest} tag} */
  public static boolean isPulled(String modelId, List<String> pulled) {
    String wanted = modelId.contains(":") ? modelId : modelId + ":latest";
    return pulled.contains(modelId) || pulled.contains(wanted);
  }

  /** {@return the model's trained context length from {@code /api/show}, when the server reports one} */
  public OptionalInt contextLength(String modelId) throws ModelException {
    byte[] json;
    try {
      json = transport.json().writeValueAsBytes(java.util.Map.of("model", modelId));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    JsonNode root = call(HttpRequest.newBuilder(OllamaChat.url(base, "/api/show"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(json)).build(),
        "/api/show", modelId);
    var fields = root.path("model_info").fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (f.getKey().endsWith(".context_length") && f.getValue().canConvertToInt()) {
        return OptionalInt.of(f.getValue().asInt());
      }
    }
    return OptionalInt.empty();
  }

  private JsonNode call(HttpRequest request, String path, String modelId) throws ModelException {
    String endpoint = OllamaChat.url(base, path).toString();
    try (Exchange exchange = transport.open(request, timeouts, endpoint, OllamaProvider.serveHint())) {
      if (exchange.status() / 100 != 2) {
        HttpFailures failures = new HttpFailures(endpoint, modelId == null ? "?" : modelId, -1, null,
            modelId == null ? null : OllamaProvider.pullHint(modelId), null);
        throw new ModelException(failures.fromStatus(exchange.status(), exchange.readErrorBody(), null,
            transport.json(), transport.clock().instant()));
      }
      return transport.json().readTree(exchange.readAll());
    } catch (IOException e) {
      throw new ModelException(new ModelError.MalformedResponse("cannot read " + path + ": " + e.getMessage(), endpoint));
    }
  }
}
