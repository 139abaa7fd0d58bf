package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.TokenListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;

/**
 * Turns streamed tokens into OpenAI {@code chat.completion.chunk} server-sent events. Nothing is written until the
 * first token: until then the cascade may still fall back, and a failure can still be a plain HTTP error. After it,
 * the stream belongs to that route; a later failure ends the stream with an error event.
 *
 * <p>A client that goes away makes writes fail; the sink then stops writing but lets the call finish, so the
 * cascade's ledger rows and the gateway's accounting stay complete.
 */
final class SseSink implements TokenListener {
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  /** Sets status and headers just before the first byte of the body. */
  @FunctionalInterface
  interface Opening {
    void open(HttpServletResponse response);
  }

  private final HttpServletResponse response;
  private final CompletionWriter writer;
  private final String id;
  private final long created;
  /** The alias the client asked for until the cascade says which model streams. */
  private String model;
  private final Opening opening;
  private final StringBuilder sent = new StringBuilder();
  private OutputStream out;
  private boolean started;
  private boolean clientGone;

  SseSink(HttpServletResponse response, CompletionWriter writer, String id, long created, String model,
      Opening opening) {
    this.response = response;
    this.writer = writer;
    this.id = id;
    this.created = created;
    this.model = model;
    this.opening = opening;
  }

  @Override public void servedBy(String servedModel) {
    // Only before the first chunk: every chunk of one stream names the same model.
    if (!started && servedModel != null) this.model = servedModel;
  }

  /**
   * Writes one token. When the client has gone, throws {@link CancellationException}: it unwinds the provider's read
   * loop, which closes the upstream connection, so the model stops generating (and billing) for nobody.
   */
  @Override public void onToken(String delta) {
    if (delta == null || delta.isEmpty()) return;
    if (clientGone) throw new CancellationException("client disconnected");
    start();
    sent.append(delta);
    event(writer.deltaChunk(id, created, model, delta, false));
    if (clientGone) throw new CancellationException("client disconnected");
  }

  String servedModel() { return model; }

  boolean started() { return started; }

  boolean clientGone() { return clientGone; }

  String sentText() { return sent.toString(); }

  /** Opens the stream: status, headers, and OpenAI's first chunk carrying only the role. */
  void start() {
    if (started) return;
    started = true;
    opening.open(response);
    try {
      out = response.getOutputStream();
    } catch (IOException e) {
      clientGone = true;
      return;
    }
    event(writer.deltaChunk(id, created, model, "", true));
  }

  void content(String text) {
    start();
    if (text.isEmpty()) return;
    sent.append(text);
    event(writer.deltaChunk(id, created, model, text, false));
  }

  void finish(FinishReason reason, CompletionWriter.Accounting acc, boolean includeUsage) {
    start();
    event(writer.finishChunk(id, created, model, reason, acc));
    if (includeUsage) event(writer.usageChunk(id, created, model, acc.usage()));
    // An SSE comment: ignored by every client, readable in curl -N and logs.
    String guesses = acc.guesses() == null ? "" : " guesses=" + acc.guessesText().replace(" ", "");
    write((": orchestrator served_model=" + acc.servedModel() + " attempts=" + acc.attempts() + " cost_usd="
        + acc.costText() + " saved_usd=" + acc.savedText() + guesses + "\n\n").getBytes(StandardCharsets.UTF_8));
    write(DONE);
  }

  /** Ends a started stream with OpenAI's mid-stream error shape; no {@code [DONE]}, so clients see it failed. */
  void fail(GatewayError error) {
    start();
    event(writer.error(error));
  }

  private void event(byte[] json) {
    if (clientGone || out == null) return;
    try {
      out.write(DATA);
      out.write(json);
      out.write(END);
      out.flush();
    } catch (IOException e) {
      clientGone = true;
    }
  }

  private void write(byte[] bytes) {
    if (clientGone || out == null) return;
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      clientGone = true;
    }
  }
}
