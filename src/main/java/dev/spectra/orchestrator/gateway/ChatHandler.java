package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code POST /v1/chat/completions}: admits the request, reads it, resolves the model by its exact name and answers
 * with one JSON completion or a stream of chunks. A client that goes away mid-stream cancels the upstream call, so
 * a paid model stops generating for nobody.
 */
final class ChatHandler {
  private final GatewayOptions options;
  private final Gateway.Directory directory;
  private final Admission admission;
  private final Accounting accounting;
  private final Replies replies;
  private final Clock clock;
  private final ObjectMapper json;
  private final ChatRequestReader reader;
  private final GatewayMetrics metrics;

  ChatHandler(GatewayOptions options, Gateway.Directory directory, Admission admission, Accounting accounting,
      Replies replies, Clock clock, GatewayMetrics metrics, ObjectMapper json) {
    this.json = json;
    this.reader = new ChatRequestReader(json);
    this.options = options;
    this.directory = directory;
    this.admission = admission;
    this.accounting = accounting;
    this.replies = replies;
    this.clock = clock;
    this.metrics = metrics;
  }

  void handle(Context ctx) {
    long t0 = System.nanoTime();
    metrics.enter();
    try {
      serve(ctx, t0);
    } finally {
      metrics.leave();
    }
  }

  private void serve(Context ctx, long t0) {
    String requestId = newId();
    ctx.header(Replies.REQUEST_ID, requestId);
    String keyId = switch (admission.admitChat(ctx)) {
      case Admission.Verdict.Refused r -> null;
      case Admission.Verdict.Admitted a -> a.key() == null ? "" : a.key().id();
    };
    if (keyId == null) return;
    if (keyId.isEmpty()) keyId = null;
    byte[] body = readBody(ctx);
    if (body == null) return;
    ChatRequestReader.ChatCall call;
    try {
      call = reader.read(body, new ModelRequest.CallContext(requestId, null, "gateway", keyId));
    } catch (ChatRequestReader.Rejected e) {
      accounting.reject(ctx, e.error());
      return;
    }
    String repair = ctx.header(Replies.REPAIR);
    if (repair != null && !repair.isBlank() && !repair.strip().equalsIgnoreCase("default")) {
      if (!repair.strip().equalsIgnoreCase("lenient")) {
        accounting.reject(ctx, GatewayError.badRequest("invalid_value", Replies.REPAIR, "Header '" + Replies.REPAIR
            + "' must be 'lenient' (the best reading of a broken JSON answer, every guess listed in '"
            + Replies.GUESSES + "') or 'default' (repair only where the text has one reading, else re-ask)."));
        return;
      }
      // A text answer is never repaired, so the header changes nothing there: clients may send it on every request.
      call = call.withLenientRepair();
    }
    Optional<Model> model = directory.find(call.model());
    if (model.isEmpty()) {
      accounting.reject(ctx, GatewayError.modelNotFound(call.model()));
      return;
    }
    if (call.stream()) {
      stream(ctx, call, model.get(), requestId, keyId, t0);
    } else {
      complete(ctx, call, model.get(), requestId, keyId, t0);
    }
  }

  /** Reads at most the configured limit; a larger body gets 413 and is not kept. */
  private byte[] readBody(Context ctx) {
    long limit = options.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > limit) {
      accounting.reject(ctx, GatewayError.tooLarge(limit));
      return null;
    }
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared >= 0) {
        // The usual case: read exactly the declared length, in one array, without asking for the end once more.
        byte[] bytes = in.readNBytes((int) declared);
        if (bytes.length < declared) {
          accounting.reject(ctx, GatewayError.badRequest("unreadable_body", null, "Request body ended before its "
              + "Content-Length (" + declared + " bytes)."));
          return null;
        }
        return bytes;
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        accounting.reject(ctx, GatewayError.tooLarge(limit));
        return null;
      }
      return bytes;
    } catch (IOException e) {
      accounting.reject(ctx, GatewayError.badRequest("unreadable_body", null, "Request body could not be read."));
      return null;
    }
  }

  private void complete(Context ctx, ChatRequestReader.ChatCall call, Model model, String requestId, String keyId,
      long t0) {
    String name = call.model();
    try {
      ModelReply reply = model.chat(call.request(), TokenListener.NONE);
      Optional<String> content = content(call.request(), reply);
      CompletionWriter.Accounting acc = accountingOf(call, reply);
      if (content.isEmpty()) {
        accounting.failed(ctx, call, requestId, keyId, t0, notJson(name, reply), acc);
        return;
      }
      Replies.accountingHeaders(ctx, acc);
      byte[] bytes = replies.writer.completion(requestId, clock.instant().getEpochSecond(), reply.servedBy(),
          content.get(), reply.finishReason(), acc);
      // Recorded before the bytes leave: a client that has its answer finds the call in the log and metrics.
      accounting.served(call, requestId, keyId, t0, reply, acc, 200, null, false, null);
      Replies.respond(ctx, 200, bytes);
    } catch (ModelException e) {
      accounting.failed(ctx, call, requestId, keyId, t0, GatewayError.fromModelError(e.error(), name),
          CompletionWriter.Accounting.ofFailure(e.attempts()));
    }
  }

  private void stream(Context ctx, ChatRequestReader.ChatCall call, Model model, String requestId, String keyId,
      long t0) {
    String name = call.model();
    long created = clock.instant().getEpochSecond();
    SseSink sink = new SseSink(ctx.res(), replies.writer, requestId, created, name, ChatHandler::openStream);
    ctx.header(Replies.REQUESTED, name);
    try {
      ModelReply reply = model.chat(call.request(), call.request().stream() ? sink : TokenListener.NONE);
      CompletionWriter.Accounting acc = accountingOf(call, reply);
      Optional<String> content = content(call.request(), reply);
      if (content.isEmpty()) {
        GatewayError error = notJson(name, reply);
        if (sink.started()) {
          sink.fail(replies.forClient(error));
          accounting.served(call, requestId, keyId, t0, reply, acc, 200, error.code(), sink.clientGone(),
              replies.forLog(error));
        } else {
          accounting.failed(ctx, call, requestId, keyId, t0, error, acc);
        }
        return;
      }
      if (!sink.started()) {
        // Nothing streamed yet (a JSON answer, or a route that does not stream): everything is known, so the
        // accounting goes into real headers before the body.
        sink.servedBy(reply.servedBy());
        Replies.accountingHeaders(ctx, acc);
        sink.content(content.get());
      } else {
        String sent = sink.sentText();
        if (!content.get().startsWith(sent)) {
          // Never splice two answers: what the client already has is not a prefix of the final answer.
          GatewayError replaced = new GatewayError(502, "upstream_error", "stream_replaced", null,
              "The answer changed after streaming had begun (a fallback after the first token); retry the request.",
              null);
          sink.fail(replaced);
          accounting.served(call, requestId, keyId, t0, reply, acc, 200, replaced.code(), sink.clientGone(),
              replaced.message());
          return;
        }
        sink.content(content.get().substring(sent.length()));
      }
      sink.finish(reply.finishReason(), acc, call.includeUsage());
      accounting.served(call, requestId, keyId, t0, reply, acc, 200, null, sink.clientGone(), null);
    } catch (CancellationException gone) {
      // The client disconnected and the sink cancelled the upstream call; nobody is left to answer.
      accounting.record(call, requestId, keyId, t0, sink.servedModel(), 200, "client_disconnected",
          CompletionWriter.Accounting.ofFailure(java.util.List.of()), true, "client disconnected mid-stream");
    } catch (ModelException e) {
      GatewayError error = GatewayError.fromModelError(e.error(), name);
      CompletionWriter.Accounting acc = CompletionWriter.Accounting.ofFailure(e.attempts());
      if (!sink.started()) {
        // Failed before the first token (every route, since the cascade falls back until then): a plain HTTP error.
        accounting.failed(ctx, call, requestId, keyId, t0, error, acc);
      } else {
        // The client got 200 and an error event: that is what the metrics count.
        sink.fail(replies.forClient(error));
        accounting.record(call, requestId, keyId, t0, sink.servedModel(), 200, error.code(), acc, sink.clientGone(),
            replies.forLog(error));
      }
    }
  }

  /** A lenient request's accounting lists the guesses, so the client sees where its value may be wrong. */
  private static CompletionWriter.Accounting accountingOf(ChatRequestReader.ChatCall call, ModelReply reply) {
    return call.request().format().lenientRepair() ? CompletionWriter.Accounting.ofLenient(reply)
        : CompletionWriter.Accounting.of(reply);
  }

  private static void openStream(HttpServletResponse res) {
    res.setStatus(200);
    res.setContentType("text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    // Tells reverse proxies (nginx) not to buffer the stream.
    res.setHeader("X-Accel-Buffering", "no");
  }

  /**
   * {@return the message content for the client} For JSON formats it is the validated value the structured engine
   * produced, re-serialised; empty when a JSON format was asked and no JSON value came back (never pass the raw text).
   */
  private Optional<String> content(ModelRequest request, ModelReply reply) {
    if (request.format() instanceof ResponseFormat.Text) return Optional.of(reply.text());
    JsonNode value = reply.json();
    if (value == null) {
      // A directory model without the structured engine: accept only text that is JSON as a whole.
      try {
        value = json.readTree(reply.text());
      } catch (JsonProcessingException e) {
        return Optional.empty();
      }
      if (value == null || value.isMissingNode()) return Optional.empty();
      if (request.format() instanceof ResponseFormat.Json && !value.isObject()) return Optional.empty();
    }
    try {
      return Optional.of(json.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static GatewayError notJson(String name, ModelReply reply) {
    return new GatewayError(422, "invalid_output_error", "invalid_output", "response_format",
        "'" + name + "' (served by " + reply.servedBy() + ") did not return a JSON value for the requested "
            + "response_format.", null);
  }

  private static final byte[] ID_PREFIX = "chatcmpl-".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);

  /** {@return "chatcmpl-" and 32 hex digits, the first of each half 8 or above (as before: fixed length)} */
  private static String newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    byte[] id = new byte[41];
    System.arraycopy(ID_PREFIX, 0, id, 0, ID_PREFIX.length);
    hex(id, 9, r.nextLong() | Long.MIN_VALUE);
    hex(id, 25, r.nextLong() | Long.MIN_VALUE);
    return new String(id, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void hex(byte[] out, int at, long value) {
    for (int i = at + 15; i >= at; i--) {
      out[i] = (byte) Character.forDigit((int) (value & 0xF), 16);
      value >>>= 4;
    }
  }
}
