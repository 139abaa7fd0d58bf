package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.check.CheckInputException;
import dev.spectra.orchestrator.check.CheckListener;
import dev.spectra.orchestrator.check.CheckReport;
import dev.spectra.orchestrator.check.CheckRequest;
import dev.spectra.orchestrator.check.Checker;
import dev.spectra.orchestrator.check.InputProblem;
import dev.spectra.orchestrator.check.ReportWriter;
import dev.spectra.orchestrator.verify.ProgressListener;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator check}: tests a running service against its contract, whoever wrote it. */
@Command(name = "check", description = {
    "Check a running service against its OpenAPI contract: scenarios, fuzzing, stateful checks, security probes.",
    "Sends requests to --url only. Exit 0: no failure; 1: failures or operations pending (501); 2: bad input or"
        + " nothing listening at --url."})
public final class CheckCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Io io;

  @Option(names = "--openapi", required = true, paramLabel = "FILE", description = "OpenAPI 3.0/3.1 contract.")
  Path openapi;

  @Option(names = "--url", required = true, paramLabel = "URL",
      description = "Base URL of the running service, e.g. http://127.0.0.1:8080; operation paths are appended.")
  String url;

  @Option(names = "--scenarios", paramLabel = "FILE|DIR",
      description = "Scenario file, or a directory of *.yaml scenario files (repeatable; format: docs/check.md).")
  List<Path> scenarios = new ArrayList<>();

  @Option(names = "--fuzz", paramLabel = "N", defaultValue = "" + CheckRequest.DEFAULT_FUZZ,
      description = "Generated requests per operation (default: ${DEFAULT-VALUE}; 0: no fuzzing).")
  int fuzz;

  @Option(names = "--seed", paramLabel = "N",
      description = "Seed of the generated requests; the report prints it (default: a new one each run).")
  Long seed;

  @Option(names = "--security", description = "Also run the security probes (injection, leaks, mass assignment, auth).")
  boolean security;

  @Option(names = "--no-stateful", description = "Skip the checks inferred from collection/item pairs and links.")
  boolean noStateful;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
      description = "Per-request timeout; a request that takes longer is a finding (default: ${DEFAULT-VALUE}).")
  double timeoutSeconds;

  // The label has no space: the usage line may wrap between any two words, and would cut it in half.
  @Option(names = {"-H", "--header"}, paramLabel = "'NAME:VALUE'",
      description = "Header sent with every request, as 'Name: value' (credentials, for example); its value is never"
          + " printed.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write a JUnit XML report to FILE.")
  Path junit;

  @Option(names = "--json", description = "Print the report as JSON instead of text.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public CheckCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws IOException {
    if (fuzz < 0) throw ExitException.usage("--fuzz must be 0 or more, was " + fuzz);
    if (!(timeoutSeconds > 0) || timeoutSeconds > 600) {
      throw ExitException.usage("--timeout must be between 0 and 600 seconds, was " + timeoutSeconds);
    }
    URI base = baseUrl();
    long usedSeed = seed != null ? seed : new SecureRandom().nextInt(1_000_000);
    CheckRequest request = CheckRequest.of(resolve(openapi), base)
        .withScenarios(scenarios.stream().map(this::resolve).toList())
        .withFuzz(fuzz)
        .withSeed(usedSeed)
        .withSecurity(security)
        .withStateful(!noStateful)
        .withTimeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
        .withHeaders(parseHeaders());
    CheckReport report;
    ProgressListener line = ProgressLine.forCommand(io, quiet, json, false);
    try {
      report = new Checker(progress(line), Clock.systemUTC()).check(request);
    } catch (CheckInputException e) {
      finish(line);   // the errors start on a line of their own
      for (InputProblem p : e.problems()) io.err().println("error: " + p);
      return ExitCodes.USAGE;
    } finally {
      finish(line);
    }
    ReportWriter writer = new ReportWriter();
    if (junit != null) writeAtomically(resolve(junit), writer.junit(report));
    if (json) {
      io.out().println(JSON.writeValueAsString(writer.json(report)));
    } else {
      io.out().print(writer.text(report));
    }
    return report.passed() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private URI baseUrl() {
    try {
      URI u = new URI(url.strip());
      if (u.getScheme() == null || u.getHost() == null) throw new URISyntaxException(url, "no scheme or host");
      return u;
    } catch (URISyntaxException e) {
      throw ExitException.usage("--url '" + url + "' is not a URL; give e.g. http://127.0.0.1:8080");
    }
  }

  private Map<String, String> parseHeaders() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0 || !h.substring(0, colon).strip().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        // The value may be a credential: the message names the option, never echoes the value.
        throw ExitException.usage("--header must look like 'Name: value' (a header name, a colon, a value)");
      }
      out.put(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    return out;
  }

  private Path resolve(Path p) {
    return io.cwd().resolve(p).normalize();
  }

  /**
   * Progress as builds and eval show it: one updating line per phase on a terminal, plain lines elsewhere, nothing
   * with {@code --quiet} or {@code --json}.
   */
  private static CheckListener progress(ProgressListener line) {
    if (line == ProgressListener.NONE) return CheckListener.NONE;
    return (phase, done, total) -> line.onCount(phase, unit(phase), done, total, -1, null);
  }

  /** {@return what a phase counts, as {@link dev.spectra.orchestrator.check.CheckListener} documents its phases} */
  private static String unit(String phase) {
    return switch (phase) {
      case "scenarios" -> "scenarios";
      case "stateful" -> "resources";
      default -> "operations";
    };
  }

  private static void finish(ProgressListener line) {
    if (line instanceof ProgressLine p) p.finish();
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (dir != null) Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".junit-", ".xml.tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
