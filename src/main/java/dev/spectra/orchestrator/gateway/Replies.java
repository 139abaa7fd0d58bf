package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Writes JSON answers and errors. Every error is masked for secrets; for remote clients (a gateway that requires
 * keys) upstream URLs and setting names are replaced too: they describe this deployment, not the client's request,
 * and the operator's log keeps the full text.
 */
final class Replies {
  static final String SERVED = "x-orchestrator-served-model";
  static final String ATTEMPTS = "x-orchestrator-attempts";
  static final String COST = "x-orchestrator-cost-usd";
  static final String SAVED = "x-orchestrator-saved-usd";
  static final String REQUESTED = "x-orchestrator-requested-model";
  static final String REQUEST_ID = "x-request-id";
  /** Request: {@code lenient} asks for the best reading of a broken JSON answer instead of a re-ask. */
  static final String REPAIR = "x-orchestrator-repair";
  /** Response to a lenient request: how many guesses, then each as {@code kind@line:column}. */
  static final String GUESSES = "x-orchestrator-guesses";

  private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?|jdbc:[a-z]+)://[^\\s'\"),;]+");
  /** ORCHESTRATOR_LLM_URL, OPENAI_API_KEY: upper-case words joined by underscores. */
  private static final Pattern SETTING = Pattern.compile("\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b");

  private final Redactor redactor;
  private final boolean remote;
  final CompletionWriter writer;

  Replies(Redactor redactor, boolean remote, ObjectMapper json) {
    this.redactor = redactor;
    this.remote = remote;
    this.writer = new CompletionWriter(json);
  }

  /** {@return the error as the client may see it} */
  GatewayError forClient(GatewayError error) {
    GatewayError safe = error.redacted(redactor);
    if (!remote) return safe;
    String m = URL.matcher(safe.message()).replaceAll("[upstream]");
    m = SETTING.matcher(m).replaceAll("[setting]");
    return new GatewayError(safe.status(), safe.type(), safe.code(), safe.param(), m, safe.retryAfter());
  }

  /** {@return the error's full text for the operator's log, secrets masked} */
  String forLog(GatewayError error) {
    return redactor.redact(error.message());
  }

  void send(Context ctx, GatewayError error, CompletionWriter.Accounting acc) {
    GatewayError safe = forClient(error);
    if (acc != null) accountingHeaders(ctx, acc);
    if (safe.retryAfter() != null) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (safe.retryAfter().toMillis() + 999) / 1000)));
    }
    if (safe.status() == 401) {
      // RFC 6750 section 3: a 401 names the scheme the client must use.
      ctx.header("WWW-Authenticate", safe.code().equals("missing_api_key") ? "Bearer realm=\"orchestrator\""
          : "Bearer realm=\"orchestrator\", error=\"invalid_token\"");
    }
    respond(ctx, safe.status(), writer.error(safe));
  }

  /**
   * Writes and flushes a whole JSON response inside the handler, so that by the time a request stops counting as in
   * flight its bytes are on the wire (a shutdown that waits for in-flight requests must not cut a finished answer).
   */
  static void respond(Context ctx, int status, byte[] bytes) {
    HttpServletResponse res = ctx.res();
    res.setStatus(status);
    res.setContentType("application/json");
    res.setContentLength(bytes.length);
    try {
      var out = res.getOutputStream();
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      // The client is gone; nothing left to tell it.
    }
  }

  static void accountingHeaders(Context ctx, CompletionWriter.Accounting acc) {
    if (acc.servedModel() != null) ctx.header(SERVED, acc.servedModel());
    ctx.header(ATTEMPTS, Integer.toString(acc.attempts()));
    ctx.header(COST, acc.costText());
    ctx.header(SAVED, acc.savedText());
    if (acc.guesses() != null) ctx.header(GUESSES, acc.guessesText());
  }
}
