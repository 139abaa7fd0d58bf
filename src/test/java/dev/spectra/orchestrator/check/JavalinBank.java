package dev.spectra.orchestrator.check;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Set;

/** The bank of examples/bank-api.yaml on Javalin (Jetty), written by hand for the checker's tests. */
final class JavalinBank implements AutoCloseable {
  private final Javalin app;
  private final Bank bank;

  JavalinBank(Set<Defect> defects) {
    bank = new Bank(defects);
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      // Javalin 7: routes are part of the configuration.
      var r = config.routes;
      r.get("/accounts", ctx -> reply(ctx, bank.list(ctx.queryParamMap())));
      r.post("/accounts", ctx -> withBody(ctx, body -> bank.open(body)));
      r.get("/accounts/{accountId}", ctx -> {
        if (bank.hangs(ctx.pathParam("accountId"))) Thread.sleep(3_000);
        reply(ctx, bank.get(ctx.pathParam("accountId")));
      });
      r.patch("/accounts/{accountId}", ctx -> withBody(ctx, body -> bank.update(ctx.pathParam("accountId"), body)));
      r.delete("/accounts/{accountId}", ctx -> reply(ctx, bank.close(ctx.pathParam("accountId"))));
      r.post("/accounts/{accountId}/deposits",
          ctx -> withBody(ctx, body -> bank.move(ctx.pathParam("accountId"), body, true)));
      r.post("/accounts/{accountId}/withdrawals",
          ctx -> withBody(ctx, body -> bank.move(ctx.pathParam("accountId"), body, false)));
      r.get("/admin/audit", ctx -> reply(ctx, bank.audit(ctx.header("Authorization"))));
    });
    app.start("127.0.0.1", 0);
    warmUp();
  }

  /**
   * One read-only request before the checker's first: Jetty 12 loads most of its classes on the first request,
   * which on a busy machine can take longer than the checker's per-request time limit.
   */
  private void warmUp() {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", app.port())) {
      s.setSoTimeout(10_000);
      String request = "GET /admin/audit HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getInputStream().readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("the bank did not answer its warm-up request", e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + app.port();
  }

  private interface BodyHandler {
    Bank.Reply handle(com.fasterxml.jackson.databind.JsonNode body);
  }

  private void withBody(Context ctx, BodyHandler handler) {
    try {
      reply(ctx, handler.handle(Bank.parse(ctx.contentType(), ctx.body())));
    } catch (Bank.BadInput e) {
      reply(ctx, bank.badInput(e));
    }
  }

  private static void reply(Context ctx, Bank.Reply r) {
    ctx.status(r.status());
    if (r.body() != null) ctx.contentType("application/json").result(r.body().toString());
  }

  @Override public void close() {
    app.stop();
  }
}
