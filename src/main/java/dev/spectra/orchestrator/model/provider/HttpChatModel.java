package dev.spectra.orchestrator.model.provider;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.List;

/**
 * One HTTP call per {@link #chat}: build the request, open the exchange, map a failure status, read the body
 * whole or as a stream, then add usage (estimated only when the server gave none), timing and cost. No retries:
 * retrying is the cascade's decision. Each protocol fills in the three wire steps.
 */
public abstract class HttpChatModel implements Model {
  protected final ModelSpec spec;
  protected final Transport transport;
  protected final HttpFailures failures;
  private final String unreachableHint;

  protected HttpChatModel(ModelSpec spec, Transport transport, HttpFailures failures, String unreachableHint) {
    this.spec = spec;
    this.transport = transport;
    this.failures = failures;
    this.unreachableHint = unreachableHint;
  }

  @Override public String name() { return spec.name(); }

  /** {@return the endpoint as named in messages} */
  protected final String endpoint() { return failures.endpoint(); }

  /** {@return the HTTP request for this call} */
  protected abstract HttpRequest buildRequest(ModelRequest request) throws ModelException;

  /** Reads a complete (non-streaming) 2xx body. */
  protected abstract WireReply readBody(ModelRequest request, byte[] body) throws ModelException;

  /**
   * Reads a streamed 2xx body, passing text to {@code listener} and appending it to {@code text} as it comes,
   * so a broken stream can report what arrived. Throws {@link ModelError.StreamCutOff} when the stream ends
   * before the protocol's end marker.
   */
  protected abstract WireReply readStream(ModelRequest request, Exchange exchange, TokenListener listener,
      StringBuilder text)
      throws IOException, ModelException;

  /** Lets a protocol check the request before sending it (e.g. warn about the context window). */
  protected void beforeSend(ModelRequest request) {}

  @Override public final ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    beforeSend(request);
    HttpRequest http = buildRequest(request);
    StringBuilder streamed = new StringBuilder();
    WireReply wire;
    Exchange exchange = transport.open(http, spec.timeouts(), endpoint(), unreachableHint, !request.stream());
    try (exchange) {
      if (exchange.status() / 100 != 2) {
        String body = exchange.readErrorBody();
        throw new ModelException(failures.fromStatus(exchange.status(), body, exchange.header("retry-after").orElse(null),
            transport.json(), transport.clock().instant()));
      }
      if (request.stream()) {
        wire = readStream(request, exchange, listener == null ? TokenListener.NONE : listener, streamed);
      } else {
        wire = readBody(request, exchange.readAll());
      }
    } catch (IOException broken) {
      // The connection broke after a 2xx status: what arrived is partial, never an answer.
      throw new ModelException(new ModelError.StreamCutOff(failures.scrub(streamed.toString()), endpoint()), List.of(),
          null);
    }
    Usage usage = wire.usage() != null ? wire.usage() : transport.tokens().estimate(request.messages(), wire.text());
    Money cost = spec.priceIfKnown().map(p -> p.cost(usage)).orElse(null);
    return new ModelReply(wire.text(), null, usage, wire.finishReason(), spec.name(),
        wire.servedModelId() != null ? wire.servedModelId() : spec.modelId(), exchange.timeToFirstByte(),
        exchange.elapsed(), cost, Money.ZERO, List.of());
  }

  /** Writes a request body as JSON. */
  @FunctionalInterface
  protected interface JsonBody {
    void writeTo(JsonGenerator g) throws IOException;
  }

  /** {@return the bytes {@code body} writes; a value Jackson cannot encode is a bad request, not a crash} */
  protected final byte[] encode(ModelRequest request, JsonBody body) throws ModelException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + request.messages().size() * 64);
    try (JsonGenerator g = transport.json().createGenerator(out)) {
      body.writeTo(g);
    } catch (IOException e) {
      throw new ModelException(new ModelError.BadRequest(0, "cannot encode the request: " + e.getMessage(), endpoint()));
    }
    return out.toByteArray();
  }

  /** {@return {@code body} parsed, or a malformed-response error naming {@code what}} */
  protected final JsonNode parseJson(byte[] body, String what) throws ModelException {
    try {
      JsonNode node = transport.json().readTree(body);
      if (node == null || node.isMissingNode()) throw malformed(what + " is empty");
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(what + " is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw malformed(what + " cannot be read: " + e.getMessage());
    }
  }

  protected final JsonNode parseJson(String text, String what) throws ModelException {
    try {
      JsonNode node = transport.json().readTree(text);
      if (node == null || node.isMissingNode()) throw malformed(what + " is empty");
      return node;
    } catch (JsonProcessingException e) {
      throw malformed(what + " is not JSON: " + e.getOriginalMessage());
    }
  }

  /** {@return a malformed-response error for this endpoint} */
  protected final ModelException malformed(String detail) {
    return new ModelException(new ModelError.MalformedResponse(failures.scrub(detail), endpoint()));
  }

  /** {@return a cut-off error carrying the text that arrived} */
  protected final ModelException cutOff(StringBuilder text) {
    return new ModelException(new ModelError.StreamCutOff(text.toString(), endpoint()));
  }
}
