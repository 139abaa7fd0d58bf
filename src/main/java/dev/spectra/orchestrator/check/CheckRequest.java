package dev.spectra.orchestrator.check;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to check and how hard.
 *
 * @param contract the OpenAPI 3 document
 * @param url the service's base URL; every request goes to it and to nothing else
 * @param scenarios scenario files or directories of them (may be empty)
 * @param fuzz requests per operation for contract fuzzing (0: no fuzzing)
 * @param seed makes generated requests reproducible
 * @param security run the security probes
 * @param stateful run the checks inferred from collection/item pairs and links
 * @param timeout per request; a request that takes longer is a finding
 * @param headers sent with every request (credentials, for example); their values are never printed
 */
public record CheckRequest(Path contract, URI url, List<Path> scenarios, int fuzz, long seed, boolean security,
    boolean stateful, Duration timeout, Map<String, String> headers) {

  public static final int DEFAULT_FUZZ = 20;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  public CheckRequest {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(url, "url");
    scenarios = List.copyOf(scenarios);
    headers = Map.copyOf(headers);
    if (fuzz < 0) throw new IllegalArgumentException("fuzz must be >= 0, was " + fuzz);
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
  }

  /** {@return a request with the defaults: fuzzing, stateful checks, security probes, seed 1} */
  public static CheckRequest of(Path contract, URI url) {
    return new CheckRequest(contract, url, List.of(), DEFAULT_FUZZ, 1, true, true, DEFAULT_TIMEOUT, Map.of());
  }

  public CheckRequest withScenarios(List<Path> s) {
    return new CheckRequest(contract, url, s, fuzz, seed, security, stateful, timeout, headers);
  }

  public CheckRequest withFuzz(int n) {
    return new CheckRequest(contract, url, scenarios, n, seed, security, stateful, timeout, headers);
  }

  public CheckRequest withSeed(long s) {
    return new CheckRequest(contract, url, scenarios, fuzz, s, security, stateful, timeout, headers);
  }

  public CheckRequest withSecurity(boolean on) {
    return new CheckRequest(contract, url, scenarios, fuzz, seed, on, stateful, timeout, headers);
  }

  public CheckRequest withStateful(boolean on) {
    return new CheckRequest(contract, url, scenarios, fuzz, seed, security, on, timeout, headers);
  }

  public CheckRequest withTimeout(Duration t) {
    return new CheckRequest(contract, url, scenarios, fuzz, seed, security, stateful, t, headers);
  }

  public CheckRequest withHeaders(Map<String, String> h) {
    return new CheckRequest(contract, url, scenarios, fuzz, seed, security, stateful, timeout, h);
  }
}
