package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.dashboard.Dashboard;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times every dashboard page over a ledger of many calls: seeds the ledger through {@link Ledger#record} (so the
 * daily figures are kept exactly as in production), serves the dashboard on a free loopback port and requests each
 * page in turn, the way a browser would, after a warm-up.
 */
public final class DashboardBench {
  static final String[] MODELS = {"mistral-7b", "qwen2.5-coder-32b", "llama3.3-70b", "gpt-4o-mini",
      "claude-3-5-sonnet", "gpt-4-turbo"};

  /** One page's timings in milliseconds. */
  public record PageTiming(String page, double medianMs, double p95Ms, double maxMs, int bytes) {}

  private final Consumer<String> progress;

  public DashboardBench(Consumer<String> progress) {
    this.progress = progress;
  }

  /** Records {@code rows} calls spread over the last {@code days} days, and a build for every 500 calls. */
  public void seed(Ledger ledger, int rows, int days, String keyId, long seed) {
    Random r = new Random(seed);
    Instant now = Instant.now();
    long span = Duration.ofDays(days).toMillis();
    int builds = Math.max(1, rows / 500);
    for (int b = 0; b < builds; b++) ledger.buildStarted("bench-build-" + b, BuildRecord.Kind.BUILD, "bench");
    // Builds are spread over the period; a build's calls fall within its own half hour, as a real build's do.
    long[] buildAt = new long[builds];
    for (int b = 0; b < builds; b++) buildAt[b] = now.toEpochMilli() - (long) (r.nextDouble() * span);
    long t0 = System.nanoTime();
    for (int i = 0; i < rows; i++) {
      int m = r.nextInt(MODELS.length);
      boolean local = m < 3;
      String outcome = r.nextInt(10) < 8 ? "ok" : r.nextInt(4) == 0 ? "skipped" : "failed";
      int tier = r.nextInt(3);
      int in = 50 + r.nextInt(4000);
      int out = 10 + r.nextInt(2000);
      Money cost = local || !"ok".equals(outcome) ? null
          : Money.usd(String.format(Locale.ROOT, "%.9f", (in * 0.15 + out * 0.6) / 1_000_000 * (m - 2)));
      int b = r.nextInt(3) == 0 ? r.nextInt(builds) : -1;
      String build = b < 0 ? null : "bench-build-" + b;
      long at = b < 0 ? now.toEpochMilli() - (long) (r.nextDouble() * span)
          : Math.min(now.toEpochMilli(), buildAt[b] + r.nextInt(30 * 60_000));
      ledger.record(new CallRecord(String.format("b%09d", i), Instant.ofEpochMilli(at), "breq-" + (i / 2), build, build == null ? null : "implement",
          "local-first", "local-first#" + (tier + 1), tier, MODELS[m], null, local, in, out, false, null,
          Duration.ofMillis(40 + r.nextInt(8000)), outcome, "ok".equals(outcome) ? null : "server_error",
          "ok".equals(outcome) ? null : "HTTP 503", "ok".equals(outcome) ? "served" : "next-route", "parsed", "", 0,
          cost, local && "ok".equals(outcome) ? Money.usd("0.0021") : Money.ZERO, "bench",
          i % 4 == 0 ? keyId : null));
      if ((i + 1) % 100_000 == 0) {
        ledger.flush();
        progress.accept(String.format(Locale.ROOT, "seeded %,d of %,d calls (%.0f s)", i + 1, rows,
            (System.nanoTime() - t0) / 1e9));
      }
    }
    for (int b = 0; b < builds; b++) ledger.buildFinished("bench-build-" + b, b % 3 == 0 ? "failed" : "verified");
    ledger.flush();
  }

  /** Requests each page {@code warmup} times, then {@code runs} times, and returns the timings of the last. */
  public List<PageTiming> time(Ledger ledger, GatewayKeys keys, Path evalsDir, String keyId, int warmup, int runs)
      throws IOException, InterruptedException {
    try (Dashboard d = new Dashboard(new Dashboard.Settings(ledger, keys, false, evalsDir, null, Money.usd("100"),
        "gpt-4o-mini", 100, Map::of, Clock.systemUTC(), false)).start("127.0.0.1", 0);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()) {
      String base = "http://127.0.0.1:" + d.port();
      List<String> pages = new ArrayList<>(List.of("/ui", "/ui/calls", "/ui/calls?model=gpt-4o-mini",
          "/ui/calls?outcome=failed", "/ui/calls?keyid=" + keyId, "/ui/calls?model=claude-3-5-sonnet&outcome=failed",
          "/ui/models?days=30", "/ui/models?days=90", "/ui/builds", "/ui/evals", "/ui/keys"));
      // A deep page and a request's attempts, from links the calls page gives.
      String calls = fetch(http, base + "/ui/calls").body();
      Matcher next = Pattern.compile("rel=\"next\" href=\"([^\"]+)\"").matcher(calls);
      if (next.find()) pages.add(next.group(1).replace("&amp;", "&"));
      Matcher req = Pattern.compile("href=\"(/ui/calls/[^\"]+)\"").matcher(calls);
      if (req.find()) pages.add(req.group(1));
      List<PageTiming> out = new ArrayList<>();
      for (String p : pages) {
        for (int i = 0; i < warmup; i++) fetch(http, base + p);
        double[] ms = new double[runs];
        int bytes = 0;
        for (int i = 0; i < runs; i++) {
          long t0 = System.nanoTime();
          HttpResponse<String> r = fetch(http, base + p);
          ms[i] = (System.nanoTime() - t0) / 1e6;
          bytes = r.body().length();
          if (r.statusCode() != 200) throw new IOException(p + " answered " + r.statusCode());
        }
        Arrays.sort(ms);
        out.add(new PageTiming(p, ms[ms.length / 2], ms[(int) Math.ceil(0.95 * ms.length) - 1], ms[ms.length - 1],
            bytes));
        progress.accept(String.format(Locale.ROOT, "%-50s median %6.1f ms  p95 %6.1f ms", p, ms[ms.length / 2],
            ms[(int) Math.ceil(0.95 * ms.length) - 1]));
      }
      return out;
    }
  }

  private static HttpResponse<String> fetch(HttpClient http, String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
