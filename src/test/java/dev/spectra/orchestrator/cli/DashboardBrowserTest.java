package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.dashboard.LedgerSeed;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium}) driven through Debian's
 * {@code chromedriver} by Selenium, against {@code serve} with keys required and a seeded ledger. Each page loads
 * without console errors, a filter changes the rows, a call made through the gateway appears live, a revoked key
 * leaves the list and stops working, an ordinary key cannot reach key management. Screenshots go to
 * {@code target/dashboard-screenshots}. Skipped, saying so, where the browser or the driver is missing.
 */
@Tag("e2e")
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SHOTS = Path.of("target", "dashboard-screenshots");

  @TempDir Path dir;
  Simulator local;
  Simulator cloud;
  Gateway gateway;
  CompletableFuture<Integer> exit;
  ChromeDriver browser;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    if (browser != null) browser.quit();
    if (gateway != null) gateway.close();
    if (exit != null) exit.get(30, TimeUnit.SECONDS);
    if (local != null) local.close();
    if (cloud != null) cloud.close();
  }

  @Test
  void everyPageWorksInABrowserAndKeysGovernWhatItShows() throws Exception {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "no headless browser here: install the "
        + "Debian packages 'chromium' and 'chromium-driver' (apt-get install -y --no-install-recommends chromium "
        + "chromium-driver) to run the dashboard's browser tests");
    Files.createDirectories(SHOTS);
    GatewayKeys.Created admin;
    GatewayKeys.Created reader;
    GatewayKeys.Created victim;
    try (Ledger ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC())) {
      GatewayKeys keys = new GatewayKeys(ledger.database(), Clock.systemUTC());
      admin = keys.create("ops-admin", null, null, true);
      reader = keys.create("team-reader", null, 120, false);
      victim = keys.create("to-revoke", null, null, false);
      LedgerSeed.seed(ledger, 600, 11, Instant.now(), admin.info().id(), reader.info().id(), null);
    }
    serve();
    String base = gateway.baseUrl().toString();
    browser = browser();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

    // Sign in: the key goes into the form once; the browser keeps a cookie scripts cannot read.
    browser.get(base + "/ui");
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    browser.findElement(By.id("key")).sendKeys(admin.secret());
    browser.findElement(By.cssSelector("form.login button")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-figure='month.calls']")));
    assertThat(String.valueOf(((JavascriptExecutor) browser).executeScript("return document.cookie"))).isEmpty();

    for (String[] page : List.of(new String[] {"/ui", "overview"}, new String[] {"/ui/calls", "calls"},
        new String[] {"/ui/models?days=30", "models"}, new String[] {"/ui/builds", "builds"},
        new String[] {"/ui/evals", "evals"}, new String[] {"/ui/keys", "keys"})) {
      browser.get(base + page[0]);
      wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("h1")));
      assertThat(browser.findElements(By.cssSelector("p.error"))).as(page[0]).isEmpty();
      assertThat(consoleErrors()).as("console errors on " + page[0]).isEmpty();
      shot(page[1]);
    }
    // Times are rewritten into the browser's zone, not left as UTC text.
    browser.get(base + "/ui/calls");
    assertThat(browser.findElement(By.cssSelector("#call-rows time")).getText()).doesNotContain("UTC");

    // Phone width: nothing makes the page scroll sideways (wide tables scroll inside their own box).
    browser.manage().window().setSize(new Dimension(390, 844));
    for (String p : List.of("/ui", "/ui/calls", "/ui/models", "/ui/keys")) {
      browser.get(base + p);
      Object overflow = ((JavascriptExecutor) browser).executeScript(
          "return document.documentElement.scrollWidth - window.innerWidth");
      Object culprits = ((JavascriptExecutor) browser).executeScript("var w = window.innerWidth, out = [];"
          + "document.querySelectorAll('body *').forEach(function (e) { var r = e.getBoundingClientRect();"
          + " if (r.right > w + 1 && !e.closest('.scroll')) out.push(e.tagName + '.' + e.className + ' ' + "
          + "Math.round(r.right)); }); return out.slice(0, 8).join(', ');");
      assertThat(((Number) overflow).intValue()).as("sideways scroll on %s: %s", p, culprits)
          .isLessThanOrEqualTo(1);
    }
    shot("overview-phone");
    browser.manage().window().setSize(new Dimension(1280, 900));

    // Keyboard: the first Tab lands on the skip link, which moves focus to the content.
    browser.get(base + "/ui");
    browser.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");

    // Filters change what is shown.
    browser.get(base + "/ui/calls");
    int all = browser.findElements(By.cssSelector("#call-rows tr")).size();
    new Select(browser.findElement(By.name("model"))).selectByValue("gpt-4o-mini");
    new Select(browser.findElement(By.name("outcome"))).selectByValue("failed");
    WebElement before = browser.findElement(By.id("call-rows"));
    browser.findElement(By.cssSelector("#filters button[type=submit]")).click();
    wait.until(ExpectedConditions.stalenessOf(before));
    assertThat(browser.getCurrentUrl()).contains("model=gpt-4o-mini").contains("outcome=failed");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("call-rows")));
    List<WebElement> rows = browser.findElements(By.cssSelector("#call-rows tr"));
    assertThat(rows).isNotEmpty();
    for (WebElement r : rows) {
      List<WebElement> cells = r.findElements(By.tagName("td"));
      assertThat(cells.get(2).getText()).isEqualTo("gpt-4o-mini");
      assertThat(cells.get(5).getText()).isEqualTo("failed");
    }
    assertThat(rows.size()).isLessThan(all);
    shot("calls-filtered");

    // A call made through the gateway appears on the open calls page, pushed by the server.
    browser.get(base + "/ui/calls");
    wait.until(ExpectedConditions.attributeToBe(By.id("call-rows"), "data-connected", "1"));
    HttpResponse<String> chat = chat(base, reader.secret());
    assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#call-rows tr.new")));
    assertThat(browser.findElement(By.cssSelector("#call-rows tr.new")).getText()).contains("ok");
    shot("calls-live");
    assertThat(consoleErrors()).isEmpty();

    // Revoking a key: it leaves the list and the gateway refuses it from the next request.
    assertThat(chat(base, victim.secret()).statusCode()).isEqualTo(200);
    browser.get(base + "/ui/keys");
    browser.findElement(By.cssSelector("tr[data-key='" + victim.info().id() + "'] button.danger")).click();
    wait.until(ExpectedConditions.alertIsPresent()).accept();
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("tr[data-key='" + victim.info().id() + "']"),
        0));
    assertThat(chat(base, victim.secret()).statusCode()).isEqualTo(401);
    shot("keys-after-revoke");

    // An ordinary key reads every page but cannot reach key management.
    browser.findElement(By.cssSelector("header form button")).click();
    wait.until(ExpectedConditions.urlContains("/ui/login"));
    browser.findElement(By.id("key")).sendKeys(reader.secret());
    browser.findElement(By.cssSelector("form.login button")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-figure='month.calls']")));
    assertThat(browser.findElements(By.cssSelector("nav a[href='/ui/keys']"))).isEmpty();
    consoleErrors();
    browser.get(base + "/ui/keys");
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Admin key needed");
    assertThat(browser.getPageSource()).doesNotContain(admin.info().id());
    shot("keys-refused-for-reader");
  }

  private void serve() throws Exception {
    local = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7));
    cloud = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(8));
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_LLM_URL", local.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "mistral-7b-instruct");
    env.put("ORCHESTRATOR_FALLBACK_URL", cloud.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        dir);
    CompletableFuture<Gateway> started = new CompletableFuture<>();
    CommandLine cl = new CommandLine(new ServeCommand(io, started::complete));
    exit = new CompletableFuture<>();
    Thread.ofPlatform().name("serve-under-test").start(() -> exit.complete(cl.execute("--port", "0",
        "--require-keys", "--quiet")));
    gateway = CompletableFuture.anyOf(started, exit).thenApply(x -> started.getNow(null)).get(60, TimeUnit.SECONDS);
    assertThat(gateway).as("serve started; stderr: %s", err).isNotNull();
  }

  private ChromeDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--no-first-run", "--disable-extensions");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // The driver is the Debian package's: Selenium Manager would otherwise try to download one.
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private List<String> consoleErrors() {
    return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue()).map(LogEntry::getMessage).toList();
  }

  private void shot(String name) throws Exception {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  private HttpResponse<String> chat(String base, String key) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"local-first\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Say hello.\"}],\"max_tokens\":16}")).build(), HttpResponse.BodyHandlers.ofString());
  }
}
