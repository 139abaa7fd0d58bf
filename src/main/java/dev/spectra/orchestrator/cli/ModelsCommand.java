package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator models}: the catalog in effect, each model checked against its server now. */
@Command(name = "models", description = {
    "List every configured model: kind, endpoint, local or cloud, prices, context window, capabilities, reachable now.",
    "For Ollama models: whether the model is pulled, and the `ollama pull` command when it is not."})
public final class ModelsCommand implements Callable<Integer> {
  /** Servers are probed in parallel; a dead cloud endpoint must not hold the listing up longer than this. */
  static final Duration PROBE_LIMIT = Duration.ofSeconds(3);

  private final Io io;

  @Option(names = "--json", description = "Print the list as JSON.")
  boolean json;

  @Option(names = "--offline", description = "Do not contact any server (reachability is left out).")
  boolean offline;

  public ModelsCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws InterruptedException {
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    List<Providers.Probe> probes;
    try (Providers providers = ModelFailures.providers(io, config)) {
      probes = offline ? List.of() : probeAll(providers, config.catalog().all(), PROBE_LIMIT);
    }
    if (json) printJson(config, probes);
    else printText(config, probes);
    return ExitCodes.OK;
  }

  /** {@return one probe per spec, in order, run in parallel on virtual threads} */
  static List<Providers.Probe> probeAll(Providers providers, List<ModelSpec> specs, Duration limit)
      throws InterruptedException {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Providers.Probe>> futures = new ArrayList<>();
      for (ModelSpec s : specs) futures.add(pool.submit(() -> providers.probe(s, limit)));
      List<Providers.Probe> out = new ArrayList<>();
      for (Future<Providers.Probe> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("probe failed unexpectedly", e.getCause());
        }
      }
      return out;
    }
  }

  private Providers.Probe probeOf(List<Providers.Probe> probes, ModelSpec spec) {
    return probes.stream().filter(p -> p.spec().name().equals(spec.name())).findFirst().orElse(null);
  }

  private void printText(Config config, List<Providers.Probe> probes) {
    String fmt = "%-26s %-17s %-5s %-32s %-16s %-28s %8s  %-34s %s%n";
    io.out().printf(fmt, "NAME", "KIND", "WHERE", "ENDPOINT", "$/1M IN/OUT", "PRICE FROM", "CONTEXT", "CAPABILITIES",
        "STATUS");
    List<String> pulls = new ArrayList<>();
    for (ModelSpec s : config.catalog().all()) {
      String role = s.name().equals(config.defaultModel()) ? " *"
          : config.fallbackModel().filter(s.name()::equals).isPresent() ? " +" : "";
      Providers.Probe p = probeOf(probes, s);
      io.out().printf(fmt, s.name() + role, s.kind().configName(), s.local() ? "local" : "cloud", s.endpoint(),
          price(s), config.catalog().priceSource(s.name()), s.contextWindow(), caps(s), status(p));
      if (p != null && Boolean.FALSE.equals(p.pulled())) pulls.add("ollama pull " + s.modelId());
    }
    io.out().println();
    io.out().println("* default model   + fallback model   catalog " + config.catalog().version());
    if (!pulls.isEmpty()) {
      io.out().println("Not pulled yet; to use them run:");
      for (String cmd : pulls) io.out().println("  " + cmd);
    }
  }

  private static String status(Providers.Probe p) {
    if (p == null) return "not checked";
    if (!p.reachable()) return "unreachable: " + p.detail();
    if (Boolean.FALSE.equals(p.pulled())) return "reachable, NOT PULLED";
    if (Boolean.TRUE.equals(p.pulled())) return "ready (pulled)";
    return p.detail().isEmpty() ? "reachable" : "reachable (" + p.detail() + ")";
  }

  private static String price(ModelSpec s) {
    return s.priceIfKnown().map(p -> "$" + p.inputPerMillion().stripTrailingZeros().toPlainString() + " / $"
        + p.outputPerMillion().stripTrailingZeros().toPlainString()).orElse("unpriced");
  }

  private static String caps(ModelSpec s) {
    return s.capabilities().stream().sorted().map(Capability::configName).collect(Collectors.joining(","));
  }

  private void printJson(Config config, List<Providers.Probe> probes) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("catalogVersion", config.catalog().version());
    root.put("defaultModel", config.defaultModel());
    root.put("fallbackModel", config.fallbackModel().orElse(null));
    ArrayNode models = root.putArray("models");
    for (ModelSpec s : config.catalog().all()) {
      ObjectNode m = models.addObject();
      m.put("name", s.name());
      m.put("kind", s.kind().configName());
      m.put("endpoint", s.endpoint().toString());
      m.put("modelId", s.modelId());
      m.put("local", s.local());
      if (s.price() == null) {
        m.putNull("price");
      } else {
        ObjectNode price = m.putObject("price");
        price.put("inputPerMillionUsd", s.price().inputPerMillion());
        price.put("outputPerMillionUsd", s.price().outputPerMillion());
      }
      m.put("priceSource", config.catalog().priceSource(s.name()));
      m.put("contextWindow", s.contextWindow());
      ArrayNode caps = m.putArray("capabilities");
      s.capabilities().stream().sorted().forEach(c -> caps.add(c.configName()));
      ObjectNode t = m.putObject("timeoutsMs");
      t.put("connect", s.timeouts().connect().toMillis());
      t.put("firstToken", s.timeouts().firstToken().toMillis());
      t.put("total", s.timeouts().total().toMillis());
      m.put("maxConcurrent", s.maxConcurrent());
      m.put("apiKeyEnv", s.apiKeyEnv());
      if (s.apiKeyEnv() != null) m.put("apiKeySet", config.secrets().isSet(s.apiKeyEnv()));
      Providers.Probe p = probeOf(probes, s);
      if (p == null) {
        m.putNull("reachable");
      } else {
        m.put("reachable", p.reachable());
        m.put("status", status(p));
        if (s.kind() == ProviderKind.OLLAMA && p.pulled() != null) {
          m.put("pulled", p.pulled());
          if (!p.pulled()) m.put("pullCommand", "ollama pull " + s.modelId());
        }
      }
    }
    io.out().println(root.toPrettyString());
  }
}
