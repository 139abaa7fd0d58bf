package dev.spectra.orchestrator.sim;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to start a {@link Simulator}.
 *
 * @param host interface to bind
 * @param port TCP port, 0 for a free one
 * @param profile a built-in profile name or the path of a profile file (YAML or JSON)
 * @param seed seed of every random draw; the same seed gives the same answers and faults per model id
 * @param requiredApiKey when non-null, OpenAI and Anthropic routes demand this key (Authorization bearer /
 *     {@code x-api-key}) and answer 401 otherwise
 * @param realisticLatency sleep for the profile's first-token latency and token rate; off by default so tests
 *     never wait
 * @param fixtureDir a directory of fixture files tried before the built-in ones, or null
 * @param models model ids the simulator serves; empty means the profile's list, or any id when it has none
 */
public record SimOptions(String host, int port, String profile, long seed, String requiredApiKey,
    boolean realisticLatency, Path fixtureDir, List<String> models) {

  /** The port {@code orchestrator sim} binds by default: not Ollama's 11434, not the gateway's 8080. */
  public static final int DEFAULT_CLI_PORT = 8089;

  public SimOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(profile, "profile");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535: " + port);
    models = List.copyOf(models);
  }

  /** {@return loopback, a free port, the {@code perfect} profile, seed 42, no key, no latency} */
  public static SimOptions defaults() {
    return new SimOptions("127.0.0.1", 0, "perfect", 42L, null, false, null, List.of());
  }

  public SimOptions withHost(String newHost) {
    return new SimOptions(newHost, port, profile, seed, requiredApiKey, realisticLatency, fixtureDir, models);
  }

  public SimOptions withPort(int newPort) {
    return new SimOptions(host, newPort, profile, seed, requiredApiKey, realisticLatency, fixtureDir, models);
  }

  /** A built-in profile name ({@code perfect}, {@code flaky}, ...) or a profile file path. */
  public SimOptions withProfile(String newProfile) {
    return new SimOptions(host, port, newProfile, seed, requiredApiKey, realisticLatency, fixtureDir, models);
  }

  public SimOptions withSeed(long newSeed) {
    return new SimOptions(host, port, profile, newSeed, requiredApiKey, realisticLatency, fixtureDir, models);
  }

  public SimOptions withRequiredApiKey(String key) {
    return new SimOptions(host, port, profile, seed, key, realisticLatency, fixtureDir, models);
  }

  public SimOptions withRealisticLatency(boolean on) {
    return new SimOptions(host, port, profile, seed, requiredApiKey, on, fixtureDir, models);
  }

  public SimOptions withFixtureDir(Path dir) {
    return new SimOptions(host, port, profile, seed, requiredApiKey, realisticLatency, dir, models);
  }

  /** Serve only these model ids: others get each protocol's "model not found" 404. */
  public SimOptions withModels(String... ids) {
    return new SimOptions(host, port, profile, seed, requiredApiKey, realisticLatency, fixtureDir, List.of(ids));
  }

  @Override public String toString() {
    // Never print the key itself.
    return "SimOptions[host=" + host + ", port=" + port + ", profile=" + profile + ", seed=" + seed
        + ", requiredApiKey=" + (requiredApiKey == null ? "none" : "set") + ", realisticLatency=" + realisticLatency
        + ", fixtureDir=" + fixtureDir + ", models=" + models + "]";
  }
}
