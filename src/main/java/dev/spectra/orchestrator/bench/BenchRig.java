package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.gateway.GatewayOptions;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.KeyLookup;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.CascadeSettings;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything {@code orchestrator bench gateway} measures, started in one process: the simulator as the upstream,
 * our gateway in front of it through the real cascade (retry, breaker, structured engine, ledger), and the Portkey
 * gateway as a Node process when Node and its npm package are available, and a minimal relay on the gateway's own
 * server and client stack as the floor for one more hop. Closing stops all of it, the Node process included.
 */
public final class BenchRig implements AutoCloseable {
  /** The Portkey version measured; installed into a cache directory with npm when missing. */
  public static final String PORTKEY_PACKAGE = "@portkey-ai/gateway@1.15.2";

  /**
   * The one model name the benchmark's gateways serve: the body sends {@code "model": "bench"}, and the gateway
   * serves exactly the names its directory lists.
   */
  private static final java.util.function.Supplier<List<Gateway.Listed>> BENCH_MODEL =
      () -> List.of(new Gateway.Listed("bench", "local"));

  private final Simulator sim;
  private final Providers providers;
  private final Ledger ledger;
  private final Path tmp;
  private final Gateway gateway;
  private final Gateway alone;
  private final MinimalRelay relay;
  private PortkeyProcess portkey;
  private String portkeyNote;

  private BenchRig(Simulator sim, Providers providers, Ledger ledger, Path tmp, Gateway gateway, Gateway alone,
      MinimalRelay relay) {
    this.sim = sim;
    this.relay = relay;
    this.providers = providers;
    this.ledger = ledger;
    this.tmp = tmp;
    this.gateway = gateway;
    this.alone = alone;
  }

  /**
   * Starts the simulator and our gateway, whose cascade records into a scratch ledger as {@code recording} wires it;
   * {@link #startPortkey} adds the peer.
   */
  public static BenchRig start(LedgerRecording recording) throws IOException {
    Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42));
    Path tmp = Files.createTempDirectory("orchestrator-bench-gateway");
    Providers providers = new Providers(KeyLookup.NONE, Providers.Options.DEFAULTS);
    Ledger ledger = Ledger.openFile(tmp.resolve("ledger.db"), Clock.systemUTC());
    ModelSpec spec = new ModelSpec("bench-local", ProviderKind.OPENAI_COMPATIBLE, URI.create(sim.baseUrl() + "/v1"),
        "bench", true, Price.FREE, 8192, EnumSet.of(Capability.JSON_MODE, Capability.STREAMING), Timeouts.LOCAL_DEFAULT,
        null, 1024);
    Cascade cascade = recording.into(new CascadeBuilder(CascadeSettings.defaults(List.of(spec), "bench",
        List.of()).withDefaultModel("bench-local")).providers(providers::model), ledger).build();
    // Every target gets the same body (model "bench"); the gateway serves it through the cascade's one route.
    Gateway gateway = Gateway.builder(Gateway.directory(name -> cascade, BENCH_MODEL))
        .options(GatewayOptions.defaults().withPort(0)).start();
    // The same gateway code in front of a model that answers in-process: no cascade, no upstream HTTP exchange. What
    // it adds over nothing is the gateway's own cost plus the client's one loopback exchange.
    Model inProcess = new InProcessModel();
    Gateway alone = Gateway.builder(Gateway.directory(name -> inProcess, BENCH_MODEL))
        .options(GatewayOptions.defaults().withPort(0)).start();
    // The floor for the gateway's hop: the same server and client stack, forwarding bytes and nothing else.
    MinimalRelay relay = MinimalRelay.start(URI.create(sim.baseUrl() + "/v1/chat/completions"));
    return new BenchRig(sim, providers, ledger, tmp, gateway, alone, relay);
  }

  /** Answers every request at once with a fixed short reply, the size of the simulator's. */
  private static final class InProcessModel implements Model {
    private static final String REPLY = "Hello! This is an in-process reply for measuring the gateway alone.";

    @Override public String name() { return "bench-in-process"; }

    @Override public ModelReply chat(ModelRequest request, TokenListener listener) {
      if (request.stream()) listener.onToken(REPLY);
      return new ModelReply(REPLY, null, new Usage(12, 14, false), FinishReason.STOP, name(), name(), Duration.ZERO,
          Duration.ZERO, Money.ZERO, Money.ZERO, List.of());
    }
  }

  public URI simulatorChatUrl() { return URI.create(sim.baseUrl() + "/v1/chat/completions"); }

  public URI gatewayChatUrl() { return URI.create(gateway.baseUrl() + "/v1/chat/completions"); }

  /** {@return the chat URL of the gateway whose model answers in-process (no cascade, no upstream exchange)} */
  public URI gatewayAloneChatUrl() { return URI.create(alone.baseUrl() + "/v1/chat/completions"); }

  /** {@return the chat URL of the minimal relay (same server and client stack, no gateway logic) to the simulator} */
  public URI relayChatUrl() { return relay.chatUrl(); }

  public Optional<URI> portkeyChatUrl() {
    return portkey == null ? Optional.empty()
        : Optional.of(URI.create("http://127.0.0.1:" + portkey.port() + "/v1/chat/completions"));
  }

  /** {@return Portkey's upstream headers: provider openai at the simulator's /v1} */
  public Map<String, String> portkeyHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("x-portkey-provider", "openai");
    h.put("x-portkey-custom-host", sim.baseUrl() + "/v1");
    h.put("Authorization", "Bearer sk-bench-not-a-key");
    return h;
  }

  /** {@return why Portkey is not measured, or null when it runs} */
  public String portkeyNote() { return portkeyNote; }

  /**
   * Starts Portkey from {@code cacheDir} (installing it there with npm when missing). Never fails the benchmark:
   * when Node, npm or the package is unavailable, {@link #portkeyNote} says why and Portkey is skipped.
   */
  public void startPortkey(Path cacheDir, Consumer<String> progress) throws InterruptedException {
    switch (PortkeyProcess.start(cacheDir, PORTKEY_PACKAGE, tmp, progress)) {
      case PortkeyProcess.Outcome.Started s -> portkey = s.portkey();
      case PortkeyProcess.Outcome.Skipped s -> portkeyNote = s.why();
    }
  }

  /** {@return the Portkey node process while it runs} */
  public Optional<ProcessHandle> portkeyProcess() {
    return portkey == null ? Optional.empty() : Optional.of(portkey.handle());
  }

  /** Portkey did not answer correctly: stop it and say why in the report. */
  public void dropPortkey(String why) {
    portkeyNote = why;
    if (portkey != null) portkey.close();
    portkey = null;
  }

  @Override public void close() {
    List<RuntimeException> errors = new ArrayList<>();
    // Node first: it is the one thing this rig starts outside the JVM.
    if (portkey != null) portkey.close();
    portkey = null;
    for (Runnable r : List.<Runnable>of(relay::close, gateway::close, alone::close, ledger::close, providers::close, sim::close)) {
      try {
        r.run();
      } catch (RuntimeException e) {
        errors.add(e);
      }
    }
    try (var files = Files.walk(tmp)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind is harmless.
    }
    if (!errors.isEmpty()) throw errors.getFirst();
  }

}
