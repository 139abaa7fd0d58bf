package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import dev.spectra.orchestrator.ledger.LedgerQueries;
import dev.spectra.orchestrator.model.Money;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The web dashboard: overview, calls (live), models, builds, evals and keys, served under {@code /ui} by the gateway
 * ({@link #register}) or on its own ({@link #start}). Pages are rendered on the server from the ledger's daily
 * figures and keyset pages; a small script shows times in the browser's zone and adds calls as they are recorded.
 * Every asset comes from this process: the pages work offline and load nothing from elsewhere.
 */
public final class Dashboard implements AutoCloseable {
  /** What a model's reachability probe says right now: model name -> reachable, or absent when unknown. */
  @FunctionalInterface
  public interface Reachability {
    Reachability UNKNOWN = () -> Map.of();

    Map<String, Boolean> now();
  }

  /**
   * Everything the dashboard reads.
   *
   * @param ledger the ledger this process records into: its calls appear live
   * @param keys gateway keys (sign-in, key management)
   * @param keysRequired as the gateway decides it: beyond loopback, or asked for
   * @param evalsDir where eval runs are (each a directory with report.json), or null
   * @param buildIndex the builds index file (tests, operations of {@code build}), or null
   * @param monthlyBudget the configured monthly budget, or null for none
   * @param referenceModel the cloud model local savings are priced on
   * @param secureCookie mark the session cookie Secure (the dashboard is reached over HTTPS through a proxy)
   */
  public record Settings(Ledger ledger, GatewayKeys keys, boolean keysRequired, Path evalsDir, Path buildIndex,
      Money monthlyBudget, String referenceModel, int buildsPerMonth, Reachability reachability, Clock clock,
      boolean secureCookie) {
    public Settings {
      Objects.requireNonNull(ledger, "ledger");
      Objects.requireNonNull(keys, "keys");
      Objects.requireNonNull(clock, "clock");
      reachability = reachability == null ? Reachability.UNKNOWN : reachability;
      if (buildsPerMonth < 0) throw new IllegalArgumentException("buildsPerMonth must be >= 0");
    }
  }

  private final Settings settings;
  private final Access access;
  private final LiveCalls live = new LiveCalls();
  private final Pages pages;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
  private Javalin own;

  public Dashboard(Settings settings) {
    this.settings = settings;
    this.access = new Access(settings.keys(), settings.keysRequired(), settings.clock());
    this.pages = new Pages(settings, new LedgerQueries(settings.ledger().database()));
    settings.ledger().addCallListener(live);
  }

  /** Registers the pages under {@code /ui} into a Javalin configuration (the gateway's). */
  public void register(RoutesConfig r) {
    r.get("/ui", guard(false, pages::overview));
    r.get("/ui/calls", guard(false, pages::calls));
    r.get("/ui/calls/{request}", guard(false, pages::request));
    r.get("/ui/models", guard(false, pages::models));
    r.get("/ui/builds", guard(false, pages::builds));
    r.get("/ui/builds/{id}/report", guard(false, pages::buildReport));
    r.get("/ui/evals", guard(false, pages::evals));
    r.get("/ui/evals/{run}", guard(false, pages::evalRun));
    r.get("/ui/evals/{run}/files/{name}", guard(false, pages::evalFile));
    r.get("/ui/keys", guard(true, pages::keys));
    r.post("/ui/keys", guard(true, form(pages::createKey)));
    r.post("/ui/keys/{id}/revoke", guard(true, form(pages::revokeKey)));
    r.post("/ui/keys/{id}/limits", guard(true, form(pages::updateLimits)));
    r.get("/ui/login", this::loginPage);
    r.post("/ui/login", this::login);
    r.post("/ui/logout", this::logout);
    r.get("/ui/assets/{name}", this::asset);
    r.sse("/ui/events", client -> {
      Context ctx = client.ctx();
      if (!admitted(ctx)) {
        client.close();
        return;
      }
      live.join(client);
    });
  }

  /** Serves the dashboard alone (the {@code ui} command): on {@code host:port}, 0 picks a free port. */
  public Dashboard start(String host, int port) {
    own = Javalin.create(cfg -> {
      cfg.concurrency.useVirtualThreads = true;
      cfg.startup.showJavalinBanner = false;
      cfg.startup.startupWatcherEnabled = false;
      cfg.router.ignoreTrailingSlashes = true;
      register(cfg.routes);
      cfg.routes.get("/", ctx -> ctx.redirect("/ui"));
    });
    own.start(host, port);
    return this;
  }

  /** {@return the port of {@link #start}} */
  public int port() {
    if (own == null) throw new IllegalStateException("not started on its own");
    return own.port();
  }

  /** {@return open live-update streams, for tests and the health line} */
  public int liveClients() { return live.clients(); }

  /** Stops live updates (and the server of {@link #start}). Safe to call twice. */
  @Override public void close() {
    if (!closing.compareAndSet(false, true)) return;
    try {
      settings.ledger().removeCallListener(live);
      live.close();
      if (own != null) own.stop();
    } finally {
      closed.countDown();
    }
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  // ---- admission ----

  /** A page handler that knows who is looking. */
  @FunctionalInterface
  interface Page {
    void handle(Context ctx, Access.Viewer viewer) throws Exception;
  }

  private Handler guard(boolean adminOnly, Page page) {
    return ctx -> {
      securityHeaders(ctx);
      String inUrl = Access.keyInUrl(ctx);
      if (inUrl != null) {
        pages.error(ctx, 400, "Keys never go in the URL",
            "The parameter '" + inUrl + "' looks like a key. URLs are kept in logs and browser history: send the "
                + "key in the Authorization header (Bearer) or sign in at /ui/login.");
        return;
      }
      if (!access.keysRequired() && !Access.loopbackHost(ctx)) {
        pages.error(ctx, 403, "Open on this machine only",
            "The dashboard is open without a key only when reached as localhost or 127.0.0.1.");
        return;
      }
      Optional<Access.Viewer> viewer;
      try {
        viewer = access.viewer(ctx);
      } catch (LedgerException e) {
        pages.error(ctx, 503, "Ledger unavailable", e.getMessage());
        return;
      }
      if (viewer.isEmpty()) {
        if (ctx.header("Authorization") != null || !"GET".equals(ctx.method().name())) {
          pages.error(ctx, 401, "Sign in", "A valid gateway key is needed: send it as Authorization: Bearer KEY, "
              + "or sign in at /ui/login.");
        } else {
          ctx.redirect("/ui/login");
        }
        return;
      }
      if (adminOnly && !viewer.get().admin()) {
        pages.error(ctx, 403, "Admin key needed", "Key management needs an admin key ('orchestrator keys create "
            + "--admin'). This key can read every other page.");
        return;
      }
      try {
        page.handle(ctx, viewer.get());
      } catch (IllegalArgumentException e) {
        pages.error(ctx, 400, "Bad request", e.getMessage());
      } catch (LedgerException e) {
        pages.error(ctx, 503, "Ledger unavailable", e.getMessage());
      }
    };
  }

  /** A state-changing form: only with the viewer's own token, so another site cannot submit it for them. */
  private static Page form(Page page) {
    return (ctx, viewer) -> {
      if (!Access.formAllowed(viewer, ctx.formParam("csrf"))) {
        throw new IllegalArgumentException("the form is stale or came from another site; reload the page");
      }
      page.handle(ctx, viewer);
    };
  }

  private boolean admitted(Context ctx) {
    if (Access.keyInUrl(ctx) != null) return false;
    if (!access.keysRequired() && !Access.loopbackHost(ctx)) return false;
    try {
      return access.viewer(ctx).isPresent();
    } catch (LedgerException e) {
      return false;
    }
  }

  private static void securityHeaders(Context ctx) {
    // Everything from this origin, nothing inline but SVG presentation attributes: injected markup cannot run.
    ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-store");
  }

  // ---- sign-in ----

  private void loginPage(Context ctx) {
    securityHeaders(ctx);
    if (!access.keysRequired()) {
      ctx.redirect("/ui");
      return;
    }
    pages.login(ctx, null);
  }

  private void login(Context ctx) {
    securityHeaders(ctx);
    if (!access.keysRequired()) {
      ctx.redirect("/ui", io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Optional<String> session;
    try {
      session = access.signIn(ctx.formParam("key"));
    } catch (LedgerException e) {
      pages.error(ctx, 503, "Ledger unavailable", e.getMessage());
      return;
    }
    if (session.isEmpty()) {
      ctx.status(401);
      pages.login(ctx, "That key is not valid (wrong, revoked or mistyped).");
      return;
    }
    ctx.header("Set-Cookie", Access.cookie(session.get(), settings.secureCookie()));
    ctx.redirect("/ui", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    securityHeaders(ctx);
    access.signOut(ctx.cookie(Access.COOKIE));
    ctx.header("Set-Cookie", Access.expiredCookie());
    ctx.redirect(access.keysRequired() ? "/ui/login" : "/ui", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private static final Map<String, String> ASSETS = Map.of("app.css", "text/css; charset=utf-8",
      "app.js", "text/javascript; charset=utf-8", "favicon.svg", "image/svg+xml");

  private void asset(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    String type = ASSETS.get(name);
    if (type == null) {
      pages.error(ctx, 404, "Not found", "No such asset.");
      return;
    }
    try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("asset missing from the build: " + name);
      ctx.header("Cache-Control", "max-age=3600");
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.contentType(type).result(in.readAllBytes());
    }
  }

  static List<String> assetNames() { return List.copyOf(ASSETS.keySet()); }
}
