package dev.spectra.orchestrator.model.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.KeyLookup;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Probes (`models`, `doctor`) find a server that is not running with a plain connection attempt, and report it as
 * a request would have; a running server is still asked over HTTP.
 */
class ServerProbeTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  @Test
  void aPortWhereNothingListensIsRefusedWithTheHintARequestWouldGive() throws Exception {
    URI dead = SimSpecs.deadBase();
    var refused = Transport.refusesConnection(dead, LIMIT, dead + "/api/tags", "start it with `ollama serve`");
    assertThat(refused).get().isInstanceOf(ModelError.ConnectionRefused.class);
    assertThat(refused.get().message())
        .isEqualTo("cannot connect to " + dead + "/api/tags: start it with `ollama serve`");
  }

  @Test
  void aHostNameThatDoesNotResolveSaysToCheckTheUrl() {
    URI nowhere = URI.create("https://no-such-host.invalid/v1");
    var refused = Transport.refusesConnection(nowhere, LIMIT, nowhere.toString(), "unused");
    assertThat(refused).get().extracting(ModelError::message)
        .isEqualTo("cannot connect to https://no-such-host.invalid/v1: cannot resolve the host name; check the URL");
  }

  @Test
  void aRunningServerIsNotRefusedAndItsProbeStillAsksOverHttp() {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withModels("qwen2.5-coder:32b"));
         Providers providers = new Providers(KeyLookup.NONE, Providers.Options.DEFAULTS)) {
      assertThat(Transport.refusesConnection(sim.baseUrl(), LIMIT, "sim", "unused")).isEmpty();
      ModelSpec pulled = SimSpecs.spec(ProviderKind.OLLAMA, sim.baseUrl(), "qwen2.5-coder:32b");
      ModelSpec missing = SimSpecs.spec(ProviderKind.OLLAMA, sim.baseUrl(), "mistral:7b");
      // Whether a model is pulled is only known from the server's answer, so these show the HTTP probe ran.
      assertThat(providers.probe(pulled, LIMIT)).satisfies(p -> {
        assertThat(p.reachable()).isTrue();
        assertThat(p.pulled()).isTrue();
      });
      assertThat(providers.probe(missing, LIMIT).pulled()).isFalse();
    }
  }

  @Test
  void aProbeOfAStoppedServerIsUnreachableWithTheRequestsMessage() throws Exception {
    URI dead = SimSpecs.deadBase();
    try (Providers providers = new Providers(KeyLookup.NONE, Providers.Options.DEFAULTS)) {
      Providers.Probe p = providers.probe(SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, dead, "m"), LIMIT);
      assertThat(p.reachable()).isFalse();
      assertThat(p.detail()).isEqualTo("cannot connect to " + dead + "/v1: check the URL and that the server runs");
    }
  }
}
