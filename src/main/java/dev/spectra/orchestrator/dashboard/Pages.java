package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.LedgerQueries;
import dev.spectra.orchestrator.ledger.LedgerQueries.DayFigures;
import dev.spectra.orchestrator.model.Money;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The page layout, and the pages over the ledger: overview, calls, a request's attempts, models. */
final class Pages {
  static final int PAGE_SIZE = 50;
  private static final Set<String> OUTCOMES = Set.of("ok", "failed", "skipped");

  private final Dashboard.Settings settings;
  private final LedgerQueries queries;
  private final BuildList builds;
  private final EvalRuns evals;
  private final KeyAdmin keyAdmin;

  Pages(Dashboard.Settings settings, LedgerQueries queries) {
    this.settings = settings;
    this.queries = queries;
    this.builds = new BuildList(settings, queries, this);
    this.evals = new EvalRuns(settings.evalsDir(), this);
    this.keyAdmin = new KeyAdmin(settings.keys(), this);
  }

  // ---- layout ----

  Html open(String title, String current, Access.Viewer viewer) {
    Html h = new Html();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>").text(title).raw(" · Spectra Orchestrator</title>")
        .raw("<link rel=\"icon\" href=\"/ui/assets/favicon.svg\" type=\"image/svg+xml\">")
        .raw("<link rel=\"stylesheet\" href=\"/ui/assets/app.css\">")
        .raw("<script src=\"/ui/assets/app.js\" defer></script></head><body>")
        .raw("<a class=\"skip\" href=\"#main\">Skip to content</a><header><nav aria-label=\"Dashboard\">")
        .raw("<span class=\"brand\">Spectra</span><ul>");
    String[][] items = {{"overview", "/ui", "Overview"}, {"calls", "/ui/calls", "Calls"},
        {"models", "/ui/models", "Models"}, {"builds", "/ui/builds", "Builds"}, {"evals", "/ui/evals", "Evals"},
        {"keys", "/ui/keys", "Keys"}};
    for (String[] it : items) {
      if (it[0].equals("keys") && (viewer == null || !viewer.admin())) continue;
      h.raw("<li><a href=\"").raw(it[1]).raw("\"").raw(it[0].equals(current) ? " aria-current=\"page\"" : "")
          .raw(">").text(it[2]).raw("</a></li>");
    }
    h.raw("</ul>");
    if (viewer instanceof Access.Viewer.Keyed k) {
      h.raw("<span class=\"who\">").text(viewer.label()).raw("</span>");
      if (k.session() != null) {
        h.raw("<form method=\"post\" action=\"/ui/logout\" class=\"inline\"><button type=\"submit\">Sign out"
            + "</button></form>");
      }
    }
    h.raw("</nav></header><main id=\"main\" tabindex=\"-1\"><h1>").text(title).raw("</h1>");
    return h;
  }

  void close(Context ctx, Html h) {
    h.raw("</main><footer>Times are shown in your browser's time zone; days and months are UTC days, as in "
        + "<code>orchestrator stats</code>.</footer></body></html>");
    ctx.contentType("text/html; charset=utf-8").result(h.toString());
  }

  void error(Context ctx, int status, String title, String message) {
    Html h = open(title, "", null);
    h.raw("<p class=\"error\" role=\"alert\">").text(message).raw("</p><p><a href=\"/ui\">Back to the overview</a></p>");
    ctx.status(status);
    close(ctx, h);
  }

  void login(Context ctx, String problem) {
    Html h = open("Sign in", "", null);
    if (problem != null) h.raw("<p class=\"error\" role=\"alert\">").text(problem).raw("</p>");
    h.raw("<form method=\"post\" action=\"/ui/login\" class=\"card login\"><label for=\"key\">Gateway key</label>")
        .raw("<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required autofocus>")
        .raw("<button type=\"submit\">Sign in</button><p class=\"hint\">The key is checked once; the browser keeps "
            + "only a session cookie. Create a key with <code>orchestrator keys create</code>.</p></form>");
    close(ctx, h);
  }

  static void hidden(Html h, Access.Viewer viewer) {
    if (viewer.csrf() != null) h.raw("<input type=\"hidden\" name=\"csrf\" value=\"").raw(Html.attr(viewer.csrf())).raw("\">");
  }

  // ---- overview ----

  void overview(Context ctx, Access.Viewer viewer) {
    Instant now = settings.clock().instant();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    int bpm = intParam(ctx, "bpm", settings.buildsPerMonth(), 0, 1_000_000);
    int chartDays = intParam(ctx, "days", 30, 7, 400);
    LedgerQueries.Summary month = queries.summary(today.withDayOfMonth(1), now, bpm);
    LedgerQueries.Summary day = queries.summary(today, now, bpm);
    Html h = open("Overview", "overview", viewer);
    h.raw("<div class=\"cards\">");
    period(h, "Today", "today", day);
    period(h, "This month", "month", month);
    h.raw("<section class=\"card\" aria-labelledby=\"budget-h\"><h2 id=\"budget-h\">Budget</h2><dl>");
    Money budget = settings.monthlyBudget();
    figure(h, "Spent this month", "month.spent", month.monthToDate());
    figure(h, "Projected for the month", "month.projection", month.monthProjection());
    if (budget == null) {
      h.raw("<dt>Monthly budget</dt><dd>none set (<code>budgets.monthly-usd</code>)</dd>");
    } else {
      figure(h, "Monthly budget", "budget.limit", budget);
      figure(h, "Left this month", "budget.left", budget.minus(month.monthToDate()));
      h.raw("<dt>Projection</dt><dd>").text(month.monthProjection().exceeds(budget)
          ? "over budget at this pace" : "within budget at this pace").raw("</dd>");
    }
    h.raw("</dl></section></div>");

    h.raw("<section class=\"card\" aria-labelledby=\"bpm-h\"><h2 id=\"bpm-h\">Builds per month</h2>");
    if (month.builds() == 0) {
      h.raw("<p>No build made calls this month yet, so there is no cost per build to project from.</p>");
    } else {
      h.raw("<p>Mean cost per build this month: <b data-figure=\"month.costPerBuild\" data-usd=\"")
          .text(month.costPerBuildMean().usd().toPlainString()).raw("\">").text(Html.usd(month.costPerBuildMean()))
          .raw("</b> over ").text(month.builds()).raw(" builds (p50 ").text(Html.usd(month.costPerBuildP50()))
          .raw(", p95 ").text(Html.usd(month.costPerBuildP95())).raw(").</p>");
    }
    h.raw("<form method=\"get\" action=\"/ui\" class=\"row\"><label for=\"bpm\">Builds a month</label>")
        .raw("<input id=\"bpm\" name=\"bpm\" type=\"number\" min=\"0\" max=\"1000000\" value=\"").text(bpm)
        .raw("\"><button type=\"submit\">Project</button></form>");
    h.raw("<div class=\"scroll\"><table><caption>Projected monthly cost at this month's mean cost per build"
        + "</caption><thead><tr><th scope=\"col\">Builds a month</th><th scope=\"col\" class=\"n\">Projected cost"
        + "</th></tr></thead><tbody>");
    for (int n : new java.util.TreeSet<>(List.of(10, 100, 1000, bpm))) {
      h.raw("<tr").raw(n == bpm ? " class=\"chosen\"" : "").raw("><td>").text(n).raw("</td><td class=\"n\"")
          .raw(n == bpm ? " data-figure=\"month.projectionForBuilds\" data-usd=\""
              + Html.attr(month.projectionForBuilds().usd().toPlainString()) + "\"" : "")
          .raw(">").text(Html.usd2(month.costPerBuildMean().times(n))).raw("</td></tr>");
    }
    h.raw("</tbody></table></div></section>");

    List<DayFigures> recent = queries.days(today.minusDays(chartDays - 1L), today);
    Map<LocalDate, long[]> perDay = new TreeMap<>();
    Map<LocalDate, Money> costPerDay = new TreeMap<>();
    for (int i = chartDays - 1; i >= 0; i--) {
      perDay.put(today.minusDays(i), new long[2]);
      costPerDay.put(today.minusDays(i), Money.ZERO);
    }
    for (DayFigures d : recent) {
      perDay.get(d.day())[d.local() ? 0 : 1] += d.calls();
      costPerDay.merge(d.day(), d.cost(), Money::plus);
    }
    h.raw("<section class=\"card\" aria-labelledby=\"chart-h\"><h2 id=\"chart-h\">Last ").text(chartDays)
        .raw(" days</h2><p class=\"row\">");
    for (int d : new int[] {30, 90, 365}) {
      h.raw("<a href=\"/ui?days=").text(d).raw("&amp;bpm=").text(bpm).raw("\"")
          .raw(d == chartDays ? " aria-current=\"true\"" : "").raw(">").text(d + " days").raw("</a> ");
    }
    h.raw("</p>");
    h.raw(Charts.stackedDays("Calls per day: local and cloud", perDay, new String[] {"local", "cloud"}));
    Map<LocalDate, Double> cost = new TreeMap<>();
    costPerDay.forEach((k, v) -> cost.put(k, v.usd().doubleValue()));
    h.raw(Charts.days("Cost per day (USD)", cost));
    h.raw("</section>");
    close(ctx, h);
  }

  private void period(Html h, String title, String key, LedgerQueries.Summary s) {
    long localOk = 0;
    for (DayFigures d : s.days()) if (d.local()) localOk += d.ok();
    h.raw("<section class=\"card\" aria-labelledby=\"").text(key).raw("-h\"><h2 id=\"").text(key).raw("-h\">")
        .text(title).raw("</h2><dl>");
    h.raw("<dt>Calls</dt><dd data-figure=\"").text(key).raw(".calls\">").text(s.calls()).raw("</dd>");
    figure(h, "Cost", key + ".cost", s.cost());
    figure(h, "Saved by local models", key + ".saved", s.saved());
    h.raw("<dt>Answered locally</dt><dd>").text(s.ok() == 0 ? "-" : Html.percent((double) localOk / s.ok()))
        .raw("</dd>");
    h.raw("<dt>Fallback rate</dt><dd data-figure=\"").text(key).raw(".fallbacks\" data-count=\"").text(s.fallbacks())
        .raw("\">").text(s.ok() == 0 ? "-" : Html.percent(s.fallbackRate())).raw(" (").text(s.fallbacks())
        .raw(" of ").text(s.ok()).raw(" answers)</dd>");
    if (s.unpriced() > 0) {
      h.raw("<dt>Unpriced</dt><dd>").text(s.unpriced()).raw(" paid calls without a price (not in the cost)</dd>");
    }
    h.raw("</dl></section>");
  }

  private static void figure(Html h, String label, String key, Money m) {
    h.raw("<dt>").text(label).raw("</dt><dd data-figure=\"").text(key).raw("\" data-usd=\"")
        .text(m.usd().toPlainString()).raw("\">").text(Html.usd2(m)).raw(" <small>").text(Html.usd(m))
        .raw("</small></dd>");
  }

  // ---- calls ----

  void calls(Context ctx, Access.Viewer viewer) {
    String model = param(ctx, "model");
    String route = param(ctx, "route");
    // "keyid", not "key": a parameter called key is refused everywhere, as keys never travel in URLs.
    String key = param(ctx, "keyid");
    String outcome = param(ctx, "outcome");
    if (outcome != null && !OUTCOMES.contains(outcome)) {
      throw new IllegalArgumentException("outcome must be ok, failed or skipped, got '" + outcome + "'");
    }
    int tz = intParam(ctx, "tz", 0, -14 * 60, 14 * 60);
    Instant from = localTime(ctx, "from", tz);
    Instant to = localTime(ctx, "to", tz);
    String before = param(ctx, "before");
    LedgerQueries.CallPage page = queries.calls(new LedgerQueries.CallQuery(model, route, key, outcome, from, to,
        before, PAGE_SIZE));
    List<List<String>> options = queries.modelsAndRoutes();
    Map<String, String> keyNames = keyNames();
    Html h = open("Calls", "calls", viewer);
    h.raw("<form method=\"get\" action=\"/ui/calls\" class=\"filters\" id=\"filters\">");
    select(h, "model", "Model", options.get(0), model);
    select(h, "route", "Route", options.get(1), route);
    Map<String, String> keyOptions = new LinkedHashMap<>(keyNames);
    selectMap(h, "keyid", "Key", keyOptions, key);
    select(h, "outcome", "Outcome", List.of("ok", "failed", "skipped"), outcome);
    h.raw("<label>From <input type=\"datetime-local\" name=\"from\" value=\"").text(param(ctx, "from") == null ? ""
        : param(ctx, "from")).raw("\"></label>");
    h.raw("<label>To <input type=\"datetime-local\" name=\"to\" value=\"").text(param(ctx, "to") == null ? ""
        : param(ctx, "to")).raw("\"></label>");
    h.raw("<input type=\"hidden\" name=\"tz\" value=\"").text(tz).raw("\" data-tz>");
    h.raw("<button type=\"submit\">Filter</button> <a href=\"/ui/calls\">Clear</a></form>");
    boolean live = before == null && to == null;
    h.raw("<p class=\"hint\" id=\"live-status\" aria-live=\"polite\">")
        .text(live ? "New calls appear here as they are recorded." : "Older page: live updates are off.")
        .raw("</p>");
    h.raw("<div class=\"scroll\"><table class=\"calls\"><caption class=\"sr\">Calls, newest first</caption><thead><tr>")
        .raw("<th scope=\"col\">Time</th><th scope=\"col\">Request</th><th scope=\"col\">Model</th>")
        .raw("<th scope=\"col\">Route</th><th scope=\"col\">Key</th><th scope=\"col\">Outcome</th>")
        .raw("<th scope=\"col\">Failure</th><th scope=\"col\" class=\"n\">Tokens in/out</th>")
        .raw("<th scope=\"col\" class=\"n\">Cost</th><th scope=\"col\" class=\"n\">Latency</th></tr></thead>")
        .raw("<tbody id=\"call-rows\"");
    if (live) {
      h.raw(" data-live=\"1\" data-model=\"").text(model == null ? "" : model).raw("\" data-route=\"")
          .text(route == null ? "" : route).raw("\" data-key=\"").text(key == null ? "" : key)
          .raw("\" data-outcome=\"").text(outcome == null ? "" : outcome).raw("\"");
    }
    h.raw(">");
    for (CallRecord c : page.calls()) callRow(h, c, keyNames);
    h.raw("</tbody></table></div>");
    if (page.calls().isEmpty()) h.raw("<p id=\"no-calls\">No calls match.</p>");
    if (page.next() != null) {
      Map<String, String> q = new LinkedHashMap<>();
      for (String p : List.of("model", "route", "keyid", "outcome", "from", "to", "tz")) {
        if (param(ctx, p) != null) q.put(p, param(ctx, p));
      }
      q.put("before", page.next());
      h.raw("<p><a rel=\"next\" href=\"/ui/calls?").text(query(q)).raw("\">Older calls</a></p>");
    }
    close(ctx, h);
  }

  private static void callRow(Html h, CallRecord c, Map<String, String> keyNames) {
    h.raw("<tr class=\"o-").text(c.outcome()).raw("\">");
    h.raw("<td>").time(c.started()).raw("</td><td>");
    if (c.requestId() != null) {
      h.raw("<a href=\"/ui/calls/").text(URLEncoder.encode(c.requestId(), StandardCharsets.UTF_8)).raw("\">")
          .text(shortId(c.requestId())).raw("</a>");
    } else {
      h.text(c.buildId() == null ? "-" : "build " + shortId(c.buildId()));
    }
    h.raw("</td>").td(c.model()).td(c.route() == null ? "-" : c.route())
        .td(c.keyId() == null ? "-" : keyNames.getOrDefault(c.keyId(), c.keyId()))
        .td(c.outcome()).td(c.failureType() == null ? "" : c.failureType()
            + (c.failureMessage() == null ? "" : ": " + c.failureMessage()))
        .num(c.tokensIn() + " / " + c.tokensOut() + (c.estimated() ? " (est.)" : ""))
        .num(c.cost() == null ? (c.local() ? "$0" : "unpriced") : Html.usd(c.cost()))
        .num(c.latency() == null ? "-" : c.latency().toMillis() + " ms");
    h.raw("</tr>");
  }

  void request(Context ctx, Access.Viewer viewer) {
    String id = ctx.pathParam("request");
    List<CallRecord> attempts = queries.request(id);
    if (attempts.isEmpty()) {
      error(ctx, 404, "No such request", "No call in the ledger belongs to request " + id + ".");
      return;
    }
    Html h = open("Request " + shortId(id), "calls", viewer);
    Money total = Money.ZERO;
    for (CallRecord c : attempts) if (c.cost() != null) total = total.plus(c.cost());
    h.raw("<p>").text(attempts.size()).raw(" attempts, cost ").text(Html.usd(total)).raw(". Request id <code>")
        .text(id).raw("</code>.</p>");
    h.raw("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Started</th>")
        .raw("<th scope=\"col\">Model</th><th scope=\"col\">Route</th><th scope=\"col\">Outcome</th>")
        .raw("<th scope=\"col\">Failure</th><th scope=\"col\">Next</th><th scope=\"col\">JSON</th>")
        .raw("<th scope=\"col\" class=\"n\">Tokens in/out</th><th scope=\"col\" class=\"n\">Cost</th>")
        .raw("<th scope=\"col\" class=\"n\">First token</th><th scope=\"col\" class=\"n\">Latency</th></tr></thead><tbody>");
    int i = 1;
    Map<String, String> names = keyNames();
    for (CallRecord c : attempts) {
      h.raw("<tr class=\"o-").text(c.outcome()).raw("\">").num(i++).raw("<td>").time(c.started()).raw("</td>")
          .td(c.model() + (c.servedModelId() == null ? "" : " (" + c.servedModelId() + ")"))
          .td(c.route() == null ? "-" : c.route()).td(c.outcome())
          .td(c.failureType() == null ? "" : c.failureType() + (c.failureMessage() == null ? "" : ": "
              + c.failureMessage()))
          .td(c.decision() == null ? "-" : c.decision())
          .td((c.jsonStage() == null ? "-" : c.jsonStage()) + (c.repairs() == null || c.repairs().isEmpty() ? ""
              : " (repairs: " + c.repairs() + ")") + (c.reasks() > 0 ? ", " + c.reasks() + " re-asks" : ""))
          .num(c.tokensIn() + " / " + c.tokensOut() + (c.estimated() ? " (est.)" : ""))
          .num(c.cost() == null ? (c.local() ? "$0" : "unpriced") : Html.usd(c.cost()))
          .num(c.timeToFirstToken() == null ? "-" : c.timeToFirstToken().toMillis() + " ms")
          .num(c.latency() == null ? "-" : c.latency().toMillis() + " ms").raw("</tr>");
    }
    h.raw("</tbody></table></div>");
    CallRecord first = attempts.get(0);
    h.raw("<p>").text((first.keyId() == null ? "No gateway key" : "Key " + names.getOrDefault(first.keyId(),
        first.keyId())) + (first.buildId() == null ? "" : "; build " + first.buildId()
        + (first.step() == null ? "" : ", step " + first.step()))).raw(". <a href=\"/ui/calls\">All calls</a></p>");
    close(ctx, h);
  }

  // ---- models ----

  void models(Context ctx, Access.Viewer viewer) {
    int days = intParam(ctx, "days", 7, 1, 400);
    LocalDate today = LocalDate.ofInstant(settings.clock().instant(), ZoneOffset.UTC);
    List<DayFigures> rows = queries.days(today.minusDays(days - 1L), today);
    record Agg(long[] n, long[] lat, Money[] money, boolean[] local) {}
    Map<String, Agg> per = new TreeMap<>();
    for (DayFigures d : rows) {
      Agg a = per.computeIfAbsent(d.model(), k -> new Agg(new long[5], new long[d.latency().length],
          new Money[] {Money.ZERO, Money.ZERO}, new boolean[1]));
      a.n()[0] += d.calls();
      a.n()[1] += d.ok();
      a.n()[2] += d.failed();
      a.n()[3] += d.skipped();
      a.n()[4] += d.escalations();
      for (int i = 0; i < a.lat().length; i++) a.lat()[i] += d.latency()[i];
      a.money()[0] = a.money()[0].plus(d.cost());
      a.money()[1] = a.money()[1].plus(d.saved());
      a.local()[0] = d.local();
    }
    Map<String, Boolean> reachable = settings.reachability().now();
    Html h = open("Models", "models", viewer);
    h.raw("<p class=\"row\">Period: ");
    for (int d : new int[] {1, 7, 30, 90}) {
      h.raw("<a href=\"/ui/models?days=").text(d).raw("\"").raw(d == days ? " aria-current=\"true\"" : "")
          .raw(">").text(d == 1 ? "today" : d + " days").raw("</a> ");
    }
    h.raw("</p><div class=\"scroll\"><table class=\"models\"><thead><tr><th scope=\"col\">Model</th>")
        .raw("<th scope=\"col\" class=\"n\">Calls</th><th scope=\"col\" class=\"n\">Success</th>")
        .raw("<th scope=\"col\" class=\"n\">Failed</th><th scope=\"col\" class=\"n\">Skipped</th>")
        .raw("<th scope=\"col\" class=\"n\">Fallbacks caused</th><th scope=\"col\" class=\"n\">p50</th>")
        .raw("<th scope=\"col\" class=\"n\">p95</th><th scope=\"col\" class=\"n\">p99</th>")
        .raw("<th scope=\"col\" class=\"n\">Cost</th><th scope=\"col\" class=\"n\">Cost per success</th>")
        .raw("<th scope=\"col\" class=\"n\">Saved</th><th scope=\"col\">Reachable now</th></tr></thead><tbody>");
    Map<String, Double> success = new LinkedHashMap<>();
    for (var e : per.entrySet()) {
      Agg a = e.getValue();
      long tried = a.n()[1] + a.n()[2];
      Money perOk = a.n()[1] == 0 ? null
          : new Money(a.money()[0].usd().divide(BigDecimal.valueOf(a.n()[1]), MathContext.DECIMAL64));
      Boolean up = reachable.get(e.getKey());
      h.raw("<tr data-model=\"").text(e.getKey()).raw("\">").td(e.getKey() + (a.local()[0] ? " (local)" : ""))
          .num(a.n()[0]).num(tried == 0 ? "-" : Html.percent((double) a.n()[1] / tried)).num(a.n()[2])
          .num(a.n()[3]).num(a.n()[4])
          .num(percentile(a.lat(), 0.50)).num(percentile(a.lat(), 0.95)).num(percentile(a.lat(), 0.99))
          .num(Html.usd(a.money()[0])).num(perOk == null ? "-" : Html.usd(perOk)).num(Html.usd(a.money()[1]))
          .td(up == null ? "unknown" : up ? "yes" : "no").raw("</tr>");
      if (tried > 0) success.put(e.getKey(), (double) a.n()[1] / tried * 100);
    }
    h.raw("</tbody></table></div>");
    if (per.isEmpty()) h.raw("<p>No calls in this period.</p>");
    else h.raw(Charts.bars("Success rate (%)", success, 100));
    h.raw("<p class=\"hint\">Success: answers among the calls actually made (skipped: circuit open or budget). "
        + "Fallbacks caused: failed calls that moved the request to another route. Latency percentiles are read "
        + "from buckets: '&le; 800 ms' means the call took at most 800 ms. Reachable now: a connection to the "
        + "model's endpoint was accepted in the last 30 s.</p>");
    close(ctx, h);
  }

  /** The bucket holding the {@code p} quantile, as "≤ N ms". */
  static String percentile(long[] buckets, double p) {
    long total = 0;
    for (long b : buckets) total += b;
    if (total == 0) return "-";
    long rank = (long) Math.ceil(p * total);
    long seen = 0;
    long[] bounds = LedgerQueries.latencyBoundsMs();
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) return i < bounds.length ? "\u2264 " + bounds[i] + " ms" : "> " + bounds[bounds.length - 1] + " ms";
    }
    return "-";
  }

  // ---- builds, evals, keys (their own classes) ----

  void builds(Context ctx, Access.Viewer viewer) throws Exception { builds.page(ctx, viewer); }

  void buildReport(Context ctx, Access.Viewer viewer) throws Exception { builds.report(ctx); }

  void evals(Context ctx, Access.Viewer viewer) throws Exception { evals.list(ctx, viewer); }

  void evalRun(Context ctx, Access.Viewer viewer) throws Exception { evals.run(ctx, viewer); }

  void evalFile(Context ctx, Access.Viewer viewer) throws Exception { evals.file(ctx); }

  void keys(Context ctx, Access.Viewer viewer) { keyAdmin.page(ctx, viewer, null); }

  void createKey(Context ctx, Access.Viewer viewer) { keyAdmin.create(ctx, viewer); }

  void revokeKey(Context ctx, Access.Viewer viewer) { keyAdmin.revoke(ctx, viewer); }

  void updateLimits(Context ctx, Access.Viewer viewer) { keyAdmin.limits(ctx, viewer); }

  // ---- small helpers ----

  private Map<String, String> keyNames() {
    Map<String, String> out = new LinkedHashMap<>();
    for (GatewayKeys.KeyInfo k : settings.keys().list()) out.put(k.id(), k.name());
    return out;
  }

  static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = param(ctx, name);
    if (v == null) return fallback;
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '" + v
          + "'");
    }
  }

  /** A {@code datetime-local} value in the browser's zone ({@code tz}: minutes behind UTC, as JavaScript says). */
  private static Instant localTime(Context ctx, String name, int tz) {
    String v = param(ctx, name);
    if (v == null) return null;
    try {
      return LocalDateTime.parse(v).toInstant(ZoneOffset.ofTotalSeconds(-tz * 60));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date and time like 2026-12-01T09:30, got '" + v + "'");
    }
  }

  private static void select(Html h, String name, String label, List<String> values, String chosen) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String v : values) m.put(v, v);
    selectMap(h, name, label, m, chosen);
  }

  private static void selectMap(Html h, String name, String label, Map<String, String> values, String chosen) {
    h.raw("<label>").text(label).raw(" <select name=\"").text(name).raw("\"><option value=\"\">any</option>");
    for (var e : values.entrySet()) {
      h.raw("<option value=\"").text(e.getKey()).raw("\"").raw(e.getKey().equals(chosen) ? " selected" : "")
          .raw(">").text(e.getValue()).raw("</option>");
    }
    if (chosen != null && !values.containsKey(chosen)) {
      h.raw("<option value=\"").text(chosen).raw("\" selected>").text(chosen).raw("</option>");
    }
    h.raw("</select></label>");
  }

  static String query(Map<String, String> q) {
    List<String> parts = new ArrayList<>();
    q.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", parts);
  }

  static String shortId(String id) {
    return id.length() <= 14 ? id : id.substring(0, 14) + "\u2026";
  }
}
