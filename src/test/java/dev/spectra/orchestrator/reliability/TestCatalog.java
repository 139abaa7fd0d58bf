package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Timeouts;
import java.net.URI;
import java.util.Set;

/** Catalog entries for tests. Each model gets its own endpoint unless one is given. */
final class TestCatalog {
  private TestCatalog() {}

  static ModelSpec local(String name, int window) {
    return new ModelSpec(name, ProviderKind.OLLAMA, URI.create("http://local-" + name + ":11434"), name, true,
        Price.FREE, window, Set.of(Capability.JSON_MODE), Timeouts.LOCAL_DEFAULT, null, 2);
  }

  static ModelSpec cloud(String name, String in, String out, int window) {
    return new ModelSpec(name, ProviderKind.OPENAI, URI.create("https://cloud-" + name + "/v1"), name, false,
        in == null ? null : Price.perMillion(in, out), window, Set.of(Capability.JSON_SCHEMA), Timeouts.CLOUD_DEFAULT,
        "OPENAI_API_KEY", 8);
  }
}
