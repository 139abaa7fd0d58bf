package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.dashboard.Dashboard;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.ModelSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Builds the dashboard from the configuration: its ledger, keys, budget, eval directory and endpoint probe. */
public final class Dashboards {
  private Dashboards() {}

  /**
   * {@return the dashboard over {@code ledger}}
   *
   * @param evalsDir where eval runs are, or null
   * @throws SetupException for a budget setting that is not an amount
   */
  public static Dashboard create(Config config, Map<String, String> env, Ledger ledger, boolean keysRequired,
      Path evalsDir, Clock clock) {
    dev.spectra.orchestrator.model.Money budget;
    try {
      budget = CascadeSettingsReader.monthlyBudget(config);
    } catch (ConfigException e) {
      throw SetupException.usage(e.getMessage());
    }
    return new Dashboard(new Dashboard.Settings(ledger, new GatewayKeys(ledger.database(), clock), keysRequired,
        evalsDir, Dirs.from(env).buildHistoryFile(), budget, config.referenceModel(), 100,
        new EndpointProbe(config.catalog().all(), Duration.ofSeconds(30), clock), clock, false));
  }

  /**
   * Whether each model's endpoint accepts a connection now: a TCP connect, at most once per {@code ttl} for all
   * models together, in parallel with a short timeout, so a page never waits long on an unreachable server.
   */
  static final class EndpointProbe implements Dashboard.Reachability {
    private static final int CONNECT_TIMEOUT_MS = 700;
    private final List<ModelSpec> models;
    private final Duration ttl;
    private final Clock clock;
    private Map<String, Boolean> last = Map.of();
    private Instant at = Instant.MIN;

    EndpointProbe(List<ModelSpec> models, Duration ttl, Clock clock) {
      this.models = List.copyOf(models);
      this.ttl = ttl;
      this.clock = clock;
    }

    @Override public synchronized Map<String, Boolean> now() {
      Instant now = clock.instant();
      if (at.plus(ttl).isAfter(now)) return last;
      Map<String, Future<Boolean>> pending = new LinkedHashMap<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (ModelSpec m : models) pending.put(m.name(), pool.submit(() -> reachable(m.endpoint())));
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (var e : pending.entrySet()) {
          try {
            out.put(e.getKey(), e.getValue().get());
          } catch (Exception failed) {
            out.put(e.getKey(), false);
          }
        }
        last = Map.copyOf(out);
        at = now;
        return last;
      }
    }

    static boolean reachable(URI endpoint) {
      String host = endpoint.getHost();
      if (host == null) return false;
      int port = endpoint.getPort() >= 0 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return true;
      } catch (IOException | IllegalArgumentException e) {
        return false;
      }
    }
  }
}
