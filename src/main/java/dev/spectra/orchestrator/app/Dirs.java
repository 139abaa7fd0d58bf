package dev.spectra.orchestrator.app;

import java.nio.file.Path;
import java.util.Map;

/**
 * The orchestrator's directories after the XDG Base Directory rules: {@code $XDG_CONFIG_HOME/orchestrator}, else
 * {@code ~/.config/orchestrator}; likewise data ({@code ~/.local/share}) and cache ({@code ~/.cache}). The one place
 * these are resolved; every package gets the paths it needs from here. A relative {@code XDG_*} value is ignored,
 * as the specification says.
 *
 * @param config configuration: {@code orchestrator.yaml}, the gateway's keys
 * @param data what the orchestrator keeps: the ledger, build history, stopped runs
 * @param cache what can be rebuilt: the verifier's dependency cache, downloaded benchmark tools
 */
public record Dirs(Path config, Path data, Path cache) {
  /** Names the gateway's key file instead of {@code gateway-keys.json} in the config directory. */
  public static final String GATEWAY_KEYS_ENV = "ORCHESTRATOR_GATEWAY_KEYS";

  /** {@return the directories for {@code env}; {@code HOME} falls back to the JVM's {@code user.home}} */
  public static Dirs from(Map<String, String> env) {
    String h = env.get("HOME");
    Path home = Path.of(h != null && !h.isBlank() ? h : System.getProperty("user.home"));
    return new Dirs(base(env, "XDG_CONFIG_HOME", home.resolve(".config")),
        base(env, "XDG_DATA_HOME", home.resolve(".local").resolve("share")),
        base(env, "XDG_CACHE_HOME", home.resolve(".cache")));
  }

  private static Path base(Map<String, String> env, String variable, Path fallback) {
    String v = env.get(variable);
    Path base = v != null && !v.isBlank() && Path.of(v).isAbsolute() ? Path.of(v) : fallback;
    return base.resolve("orchestrator").toAbsolutePath().normalize();
  }

  /** {@return the user's {@code orchestrator.yaml}} */
  public Path configFile() { return config.resolve("orchestrator.yaml"); }

  /** {@return the default SQLite ledger} */
  public Path ledgerFile() { return data.resolve("ledger.db"); }

  /** {@return the list of past {@code build} runs, one JSON line each} */
  public Path buildHistoryFile() { return data.resolve("builds.jsonl"); }

  /** {@return where stopped {@code run} builds are indexed by id} */
  public Path runsDir() { return data.resolve("runs"); }

  /** {@return the gateway's key file: {@value #GATEWAY_KEYS_ENV} when set, else {@code gateway-keys.json}} */
  public static Path gatewayKeysFile(Map<String, String> env) {
    String explicit = env.get(GATEWAY_KEYS_ENV);
    if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
    return from(env).config().resolve("gateway-keys.json");
  }
}
