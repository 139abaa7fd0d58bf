package dev.spectra.orchestrator.model.provider;

import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Timeouts;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/** Catalog entries pointing at a simulator, for provider tests over real HTTP. */
public final class SimSpecs {
  /** Generous limits: tests assert error types, never durations, and the machine is shared and slow. */
  public static final Timeouts RELAXED = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));

  private SimSpecs() {}

  public static ModelSpec spec(ProviderKind kind, URI base, String modelId, Price price, Set<Capability> caps,
      Timeouts timeouts) {
    String b = base.toString();
    URI endpoint = switch (kind) {
      case OLLAMA -> base;
      default -> URI.create(b + "/v1");
    };
    return new ModelSpec("sim-" + kind.configName(), kind, endpoint, modelId, price.isFree(), price, 8192, caps,
        timeouts, kind == ProviderKind.ANTHROPIC ? "ANTHROPIC_API_KEY" : kind == ProviderKind.OPENAI
            ? "OPENAI_API_KEY" : null, 4);
  }

  public static ModelSpec spec(ProviderKind kind, URI base, String modelId) {
    return spec(kind, base, modelId, Price.perMillion("0.15", "0.60"), EnumSet.allOf(Capability.class), RELAXED);
  }

  /** {@return a base URL where nothing listens: a port that was just free} */
  public static URI deadBase() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }
}
