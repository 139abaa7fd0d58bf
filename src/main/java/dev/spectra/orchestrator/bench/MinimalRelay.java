package dev.spectra.orchestrator.bench;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The smallest correct pass-through for one chat-completions hop, on the gateway's own stack: Javalin 7 (Jetty 12,
 * a virtual thread per request) in front, the JDK {@link HttpClient} over HTTP/1.1 behind, as the providers use it.
 * It forwards the body and content type, and streams the upstream's status, content type and body back as they
 * arrive. Nothing is parsed, checked, routed or counted, so what it adds over a direct call is the floor for this
 * hop on this machine; {@code bench gateway} measures the gateway against it.
 */
final class MinimalRelay implements AutoCloseable {
  private final URI upstream;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final Javalin app;

  /** @param upstream the chat-completions URL every request is forwarded to */
  private MinimalRelay(URI upstream) {
    this.upstream = upstream;
    this.app = Javalin.create(cfg -> {
      cfg.concurrency.useVirtualThreads = true;
      cfg.startup.showJavalinBanner = false;
      cfg.startup.startupWatcherEnabled = false;
      cfg.http.compressionStrategy = CompressionStrategy.NONE;
      cfg.routes.post("/v1/chat/completions", this::relay);
    });
  }

  static MinimalRelay start(URI upstream) {
    MinimalRelay relay = new MinimalRelay(upstream);
    relay.app.start("127.0.0.1", 0);
    return relay;
  }

  URI chatUrl() { return URI.create("http://127.0.0.1:" + app.port() + "/v1/chat/completions"); }

  private void relay(Context ctx) throws IOException, InterruptedException {
    String type = ctx.req().getContentType();
    HttpRequest request = HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(60))
        .header("Content-Type", type == null ? "application/json" : type)
        .POST(HttpRequest.BodyPublishers.ofByteArray(ctx.bodyAsBytes())).build();
    HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    ctx.status(response.statusCode());
    response.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
    response.headers().firstValueAsLong("Content-Length").ifPresent(n -> ctx.res().setContentLengthLong(n));
    // Each piece goes on as it comes, so a server-sent-events answer streams through unchanged.
    try (InputStream in = response.body()) {
      OutputStream out = ctx.res().getOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, n);
        if (in.available() == 0) out.flush();
      }
    }
  }

  @Override public void close() {
    try {
      app.stop();
    } finally {
      client.close();
    }
  }
}
