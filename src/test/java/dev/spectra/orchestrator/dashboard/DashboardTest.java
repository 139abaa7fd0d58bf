package dev.spectra.orchestrator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.cli.Io;
import dev.spectra.orchestrator.cli.Main;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard over real HTTP: figures against {@code stats --json}, access rules, filters, live calls, files. */
class DashboardTest {
  @TempDir Path dir;
  Ledger ledger;
  Dashboard dashboard;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  @AfterEach
  void close() {
    if (dashboard != null) dashboard.close();
    if (ledger != null) ledger.close();
  }

  private Dashboard start(boolean keysRequired) {
    ledger = ledger == null ? Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC()) : ledger;
    dashboard = new Dashboard(new Dashboard.Settings(ledger, keys(), keysRequired, dir.resolve("eval-results"), null,
        Money.usd("50"), "gpt-4o-mini", 100, () -> Map.of("gpt-4o-mini", true), Clock.systemUTC(), false));
    return dashboard.start("127.0.0.1", 0);
  }

  private GatewayKeys keys() {
    return new GatewayKeys(ledger.database(), Clock.systemUTC());
  }

  private String base() { return "http://127.0.0.1:" + dashboard.port(); }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, Map<String, String> form, String... headers) throws Exception {
    StringBuilder body = new StringBuilder();
    for (var e : form.entrySet()) {
      if (!body.isEmpty()) body.append('&');
      body.append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode stats(String... extra) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    String[] args = new String[extra.length + 2];
    args[0] = "stats";
    args[1] = "--json";
    System.arraycopy(extra, 0, args, 2, extra.length);
    int code = Main.run(args, new Io(new PrintWriter(out), new PrintWriter(err),
        new ByteArrayInputStream(new byte[0]), env, dir));
    assertThat(code).as(err.toString()).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  static BigDecimal figure(String html, String name) {
    Matcher m = Pattern.compile("data-figure=\"" + Pattern.quote(name) + "\" data-usd=\"([^\"]+)\"").matcher(html);
    assertThat(m.find()).as("figure " + name).isTrue();
    return new BigDecimal(m.group(1));
  }

  static long count(String html, String name) {
    Matcher m = Pattern.compile("data-figure=\"" + Pattern.quote(name) + "\"[^>]*>(\\d+)<").matcher(html);
    assertThat(m.find()).as("count " + name).isTrue();
    return Long.parseLong(m.group(1));
  }

  static long fallbacks(String html, String period) {
    Matcher m = Pattern.compile("data-figure=\"" + period + ".fallbacks\" data-count=\"(\\d+)\"").matcher(html);
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  static BigDecimal cents(BigDecimal v) { return v.setScale(2, RoundingMode.HALF_UP); }

  @Test
  void overviewFiguresEqualStatsJsonToTheCentForTodayAndThisMonth() throws Exception {
    ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC());
    LedgerSeed.seed(ledger, 3000, 7, Instant.now());
    start(false);
    String html = get("/ui").body();
    JsonNode month = stats();
    JsonNode today = stats("--since", LocalDate.now(ZoneOffset.UTC).toString());

    assertThat(count(html, "month.calls")).isEqualTo(month.path("calls").asLong());
    assertThat(cents(figure(html, "month.cost"))).isEqualTo(cents(month.path("totalCostUsd").decimalValue()));
    assertThat(cents(figure(html, "month.saved"))).isEqualTo(cents(month.path("savedUsd").decimalValue()));
    assertThat(cents(figure(html, "month.spent"))).isEqualTo(cents(month.path("monthToDateUsd").decimalValue()));
    assertThat(figure(html, "month.projection").subtract(month.path("monthProjectionUsd").decimalValue()).abs())
        .as("the projection moves with the clock between the two readings, by far less than a cent")
        .isLessThan(new BigDecimal("0.005"));
    assertThat(fallbacks(html, "month")).isEqualTo(month.path("fallbacksTaken").asLong());
    assertThat(cents(figure(html, "month.costPerBuild")))
        .isEqualTo(cents(month.path("costPerBuild").path("meanUsd").decimalValue()));
    assertThat(cents(figure(html, "month.projectionForBuilds")))
        .isEqualTo(cents(month.path("projectionForBuildsUsd").decimalValue()));

    assertThat(count(html, "today.calls")).isEqualTo(today.path("calls").asLong()).isPositive();
    assertThat(cents(figure(html, "today.cost"))).isEqualTo(cents(today.path("totalCostUsd").decimalValue()));
    assertThat(cents(figure(html, "today.saved"))).isEqualTo(cents(today.path("savedUsd").decimalValue()));
    assertThat(fallbacks(html, "today")).isEqualTo(today.path("fallbacksTaken").asLong());
    assertThat(cents(figure(html, "budget.left"))).isEqualTo(cents(new BigDecimal("50")
        .subtract(month.path("monthToDateUsd").decimalValue())));
  }

  @Test
  void modelsPageShowsEveryModelWithLatencyPercentilesAndReachability() throws Exception {
    ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC());
    LedgerSeed.seed(ledger, 400, 3, Instant.now());
    start(false);
    String html = get("/ui/models?days=30").body();
    for (String m : LedgerSeed.MODELS) assertThat(html).contains("data-model=\"" + m + "\"");
    assertThat(html).contains("\u2264 ").contains(">yes<").contains("<svg");
  }

  @Test
  void callFiltersNarrowTheListAndPagesFollowEachOther() throws Exception {
    ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC());
    LedgerSeed.seed(ledger, 300, 5, Instant.now());
    start(false);
    String all = get("/ui/calls").body();
    assertThat(all).contains("gpt-4o-mini").contains("mistral-7b").contains("rel=\"next\"");
    String only = get("/ui/calls?model=gpt-4o-mini&outcome=failed").body();
    String rows = only.substring(only.indexOf("<tbody id=\"call-rows\""), only.indexOf("</tbody>"));
    assertThat(rows).contains("gpt-4o-mini").doesNotContain("mistral-7b").doesNotContain(">ok<");
    Matcher next = Pattern.compile("rel=\"next\" href=\"([^\"]+)\"").matcher(all);
    assertThat(next.find()).isTrue();
    String second = get(next.group(1).replace("&amp;", "&")).body();
    assertThat(second).contains("Older page");
    Matcher firstRow = Pattern.compile("href=\"/ui/calls/([^\"]+)\"").matcher(all);
    assertThat(firstRow.find()).isTrue();
    assertThat(get("/ui/calls/" + firstRow.group(1)).body()).contains("attempts").contains("HTTP 503")
        .as("a request page lists its attempts with their failure reasons");
    assertThat(get("/ui/calls?outcome=bogus").statusCode()).isEqualTo(400);
  }

  @Test
  void aRecordedCallReachesAnOpenEventStreamWithoutReadingTheDatabase() throws Exception {
    start(false);
    HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/events"))
        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        for (String l; (l = reader.readLine()) != null; ) if (l.startsWith("data: {")) return l;
        return null;
      } catch (java.io.IOException e) {
        return null;
      }
    });
    for (int i = 0; i < 100 && dashboard.liveClients() == 0; i++) Thread.sleep(20);
    ledger.record(new CallRecord("live-1", Instant.now(), "req-live", null, null, "local-first", "local-first#1", 0,
        "mistral-7b", null, true, 10, 5, false, null, Duration.ofMillis(42), "ok", null, null, "served", "parsed", "",
        0, null, Money.ZERO, "test", null));
    assertThat(line.get(10, TimeUnit.SECONDS)).contains("\"id\":\"live-1\"").contains("\"model\":\"mistral-7b\"");
    stream.body().close();
  }

  @Test
  void beyondLoopbackEveryPageNeedsAKeyAndKeysNeverTravelInTheUrl() throws Exception {
    start(true);
    GatewayKeys.Created reader = keys().create("reader", null, null, false);
    GatewayKeys.Created admin = keys().create("admin", null, null, true);
    assertThat(get("/ui").statusCode()).isEqualTo(302);
    assertThat(get("/ui/calls", "Authorization", "Bearer sko_nope_x").statusCode()).isEqualTo(401);
    assertThat(get("/ui/calls?key=" + reader.secret()).statusCode()).isEqualTo(400);
    assertThat(get("/ui/calls?model=" + reader.secret()).statusCode()).isEqualTo(400);
    assertThat(get("/ui", "Authorization", "Bearer " + reader.secret()).statusCode()).isEqualTo(200);
    HttpResponse<String> readerKeys = get("/ui/keys", "Authorization", "Bearer " + reader.secret());
    assertThat(readerKeys.statusCode()).isEqualTo(403);
    assertThat(readerKeys.body()).doesNotContain(admin.info().id());
    assertThat(get("/ui/keys", "Authorization", "Bearer " + admin.secret()).statusCode()).isEqualTo(200);
    assertThat(post("/ui/keys", Map.of("name", "sneaky"), "Authorization", "Bearer " + reader.secret()).statusCode())
        .isEqualTo(403);
  }

  @Test
  void signingInSetsAnHttpOnlyCookieThatEndsWhenTheKeyIsRevoked() throws Exception {
    start(true);
    GatewayKeys.Created admin = keys().create("admin", null, null, true);
    GatewayKeys.Created other = keys().create("other", null, null, false);
    assertThat(post("/ui/login", Map.of("key", "sko_wrong_key")).statusCode()).isEqualTo(401);
    HttpResponse<String> login = post("/ui/login", Map.of("key", admin.secret()));
    assertThat(login.statusCode()).isEqualTo(303);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(admin.secret());
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    HttpResponse<String> keysPage = get("/ui/keys", "Cookie", cookie);
    assertThat(keysPage.statusCode()).isEqualTo(200);
    assertThat(keysPage.body()).contains(other.info().id());
    Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(keysPage.body());
    assertThat(csrf.find()).isTrue();
    assertThat(post("/ui/keys/" + other.info().id() + "/revoke", Map.of(), "Cookie", cookie).statusCode())
        .as("a form without the page's token is refused").isEqualTo(400);
    assertThat(post("/ui/keys/" + other.info().id() + "/revoke", Map.of("csrf", csrf.group(1)), "Cookie", cookie)
        .statusCode()).isEqualTo(303);
    assertThat(get("/ui/keys", "Cookie", cookie).body()).doesNotContain("data-key=\"" + other.info().id() + "\"");
    assertThat(keys().authenticate(other.secret())).isEmpty();
    keys().revoke(admin.info().id());
    assertThat(get("/ui", "Cookie", cookie).statusCode()).as("the session of a revoked key ends").isEqualTo(302);
  }

  @Test
  void evalReportsAreServedByNameOnlyAndNeverThroughLinksOrDotDot() throws Exception {
    Path runs = dir.resolve("eval-results");
    Path run = runs.resolve("run-1");
    Files.createDirectories(run);
    Files.writeString(run.resolve("report.json"), """
        {"run_id":"run-1","mode":"plan","started":"2026-12-01T10:00:00Z","partial":false,"command":"orchestrator eval",
         "subjects":[{"subject":"gpt-4o-mini","scores":{"spectra":8.1}},{"subject":"mistral-7b","scores":{"spectra":5.5}}],
         "tables":[{"id":"scorecard","title":"SPECTRA scorecard","header":["subject","score"],
                    "rows":[["gpt-4o-mini","8.1"],["mistral-7b","5.5"]]},
                   {"id":"tasks","title":"Per task","header":["task","gpt-4o-mini"],"rows":[["todo","pass"]]}]}
        """);
    Files.writeString(run.resolve("report.html"), "<html><body>report</body></html>");
    Files.writeString(dir.resolve("secret.txt"), "top secret");
    Files.createSymbolicLink(run.resolve("report.md"), dir.resolve("secret.txt"));
    Files.createSymbolicLink(runs.resolve("linked"), run);
    start(false);
    String list = get("/ui/evals").body();
    assertThat(list).contains("run-1").doesNotContain("linked");
    String page = get("/ui/evals/run-1").body();
    assertThat(page).contains("Scorecard").contains("Per task").contains("<svg").contains("report.html")
        .doesNotContain("files/report.md");
    HttpResponse<String> html = get("/ui/evals/run-1/files/report.html");
    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.headers().firstValue("Content-Security-Policy").orElse("")).contains("sandbox");
    assertThat(get("/ui/evals/run-1/files/report.md").statusCode()).isEqualTo(404);
    assertThat(get("/ui/evals/linked/files/report.json").statusCode()).isEqualTo(404);
    assertThat(get("/ui/evals/run-1/files/..%2F..%2Fsecret.txt").body()).doesNotContain("top secret");
    assertThat(get("/ui/evals/..%2F/files/report.json").body()).doesNotContain("top secret");
  }

  @Test
  void pagesLoadNothingFromElsewhereAndForbidInlineScript() throws Exception {
    start(false);
    HttpResponse<String> page = get("/ui");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("script-src 'self'");
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script>")
        .doesNotContain("style=");
    for (String asset : Dashboard.assetNames()) assertThat(get("/ui/assets/" + asset).statusCode()).isEqualTo(200);
    assertThat(get("/ui/assets/..%2Fledger.db").statusCode()).isEqualTo(404);
    // A page from another site that reached us through a name pointing at 127.0.0.1 (DNS rebinding).
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", dashboard.port())) {
      s.getOutputStream().write("GET /ui HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).contains(" 403");
    }
  }
}
