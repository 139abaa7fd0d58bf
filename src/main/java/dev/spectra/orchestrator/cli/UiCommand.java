package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Dashboards;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.SetupException;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.dashboard.Dashboard;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.gateway.GatewayOptions;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import io.javalin.util.JavalinBindException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator ui}: the dashboard alone, for a machine where no gateway runs. */
@Command(name = "ui", mixinStandardHelpOptions = true, description = {
    "Serve the web dashboard (overview, calls, models, builds, evals, keys) from the ledger, without a gateway.",
    "'orchestrator serve' serves the same pages at /ui. Beyond loopback it asks for a gateway key; key management",
    "needs an admin key ('orchestrator keys create --admin'). Ctrl-C stops."})
public final class UiCommand implements Callable<Integer> {
  private final Io io;
  private final Consumer<Dashboard> started;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host = GatewayOptions.DEFAULT_HOST;

  @Option(names = "--port", paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = 8090;

  @Option(names = "--require-keys", description = "Ask for a gateway key even on loopback.")
  boolean requireKeys;

  @Option(names = "--evals", paramLabel = "DIR", description = "Eval runs to list (default: ./eval-results).")
  Path evals;

  @Option(names = "--json", description = "Print the startup line as JSON on stdout.")
  boolean json;

  public UiCommand(Io io) {
    this(io, d -> {});
  }

  /** For tests: {@code started} gets the running dashboard (closing it ends the command). */
  UiCommand(Io io, Consumer<Dashboard> started) {
    this.io = io;
    this.started = started;
  }

  @Override public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) throw ExitException.usage("--port must be 0..65535, got " + port);
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    GatewayOptions options = new GatewayOptions(host, port, GatewayOptions.DEFAULT_MAX_BODY, requireKeys, List.of(),
        Duration.ZERO);
    boolean keysRequired = Gateway.keysRequired(options);
    Ledger ledger;
    try {
      ledger = Ledgers.open(config, io.env(), Clock.systemUTC());
    } catch (LedgerException e) {
      throw ExitException.usage(e.getMessage());
    }
    Dashboard dashboard;
    try {
      if (keysRequired && !new GatewayKeys(ledger.database(), Clock.systemUTC()).hasActiveKeys()) {
        throw ExitException.usage(requireKeys && !host.startsWith("127.") && !host.equals("localhost")
            ? "binding to " + host + " (not loopback) requires gateway keys; create one with 'orchestrator keys "
                + "create --name NAME --admin', or bind to 127.0.0.1"
            : "gateway keys are required but none exists; create one with 'orchestrator keys create --name NAME "
                + "--admin'");
      }
      dashboard = Dashboards.create(config, io.env(), ledger, keysRequired,
          evals != null ? evals.toAbsolutePath().normalize() : io.cwd().resolve("eval-results"), Clock.systemUTC());
      dashboard.start(host, port);
    } catch (SetupException e) {
      ledger.close();
      throw ExitException.usage(e.getMessage());
    } catch (JavalinBindException e) {
      ledger.close();
      throw ExitException.usage("cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); pass another --port or stop what uses it");
    } catch (RuntimeException e) {
      ledger.close();
      throw e;
    }
    // Ctrl-C and SIGTERM: stop serving; the command then closes the ledger (it only reads, nothing is lost).
    Thread hook = new Thread(dashboard::close, "ui-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    String h = host.contains(":") ? "[" + host + "]" : host;
    String url = "http://" + h + ":" + dashboard.port() + "/ui";
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("event", "listening");
      o.put("dashboard_url", url);
      o.put("keys_required", keysRequired);
      o.put("ledger", ledger.location());
      io.out().println(o);
      io.out().flush();
    } else {
      io.err().println("Dashboard: " + url + (keysRequired ? " (sign in with a gateway key)" : ""));
      io.err().println("Ledger: " + ledger.location() + ". Calls recorded by other processes show when a page "
          + "loads; live updates come from 'serve' itself. Ctrl-C stops.");
      io.err().flush();
    }
    started.accept(dashboard);
    dashboard.awaitClosed();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is what closed the dashboard.
    }
    ledger.close();
    return ExitCodes.OK;
  }
}
