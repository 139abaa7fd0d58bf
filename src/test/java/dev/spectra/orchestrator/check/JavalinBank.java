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
      config.startup.startupWatcherEnabled = false;
      config.routes.get("/accounts", ctx -> reply(ctx, bank.list(ctx.queryParamMap())));
      config.routes.post("/accounts", ctx -> withBody(ctx, body -> bank.open(body)));
      config.routes.get("/accounts/{accountId}", ctx -> {
        if (bank.hangs(ctx.pathParam("accountId"))) Thread.sleep(3_000);
        reply(ctx, bank.get(ctx.pathParam("accountId")));
      });
      config.routes.patch("/accounts/{accountId}", ctx -> withBody(ctx, body -> bank.update(ctx.pathParam("accountId"), body)));
      config.routes.delete("/accounts/{accountId}", ctx -> reply(ctx, bank.close(ctx.pathParam("accountId"))));
      config.routes.post("/accounts/{accountId}/deposits",
          ctx -> withBody(ctx, body -> bank.move(ctx.pathParam("accountId"), body, true)));
      config.routes.post("/accounts/{accountId}/withdrawals",
          ctx -> withBody(ctx, body -> bank.move(ctx.pathParam("accountId"), body, false)));
      config.routes.get("/admin/audit", ctx -> reply(ctx, bank.audit(ctx.header("Authorization"))));
    });
    app.start("127.0.0.1", 0);
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
