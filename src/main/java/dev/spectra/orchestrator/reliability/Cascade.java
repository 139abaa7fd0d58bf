package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A model name resolved to an ordered list of routes, behind the plain {@link Model} contract: every call goes
 * through fallback across routes, retry, circuit breaker, structured output, budget guard and the provider, and
 * every attempt reaches the listeners (the ledger). The reply carries every attempt, the summed usage, the cost
 * priced by the models that actually served, and what local answers saved.
 *
 * <p>Build one with {@link CascadeBuilder}; {@link #resolve} gives the cascade of another name sharing the same
 * breakers, budgets and ledger. Thread-safe.
 */
public final class Cascade implements Model {
  private final Engine engine;
  private final String name;
  private final RouteTable.Planner planner;

  Cascade(Engine engine, String name) {
    this.engine = engine;
    this.name = name;
    this.planner = engine.table.planner(name);
  }

  /** {@return the name this cascade was resolved from: a policy, a route or a catalog model} */
  @Override public String name() { return name; }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    return engine.execute(name, planner, request, listener, null);
  }

  /**
   * {@return the cascade for another name (policy, named route, catalog model or {@code fixed:MODEL}), sharing
   * breakers, budgets and listeners with this one}
   *
   * @throws IllegalArgumentException naming the unknown name and listing the known ones
   */
  public Cascade resolve(String modelOrPolicy) {
    return new Cascade(engine, modelOrPolicy == null || modelOrPolicy.isBlank()
        ? engine.settings.defaultModel() : modelOrPolicy.strip());
  }

  /** {@return a model that keeps escalation state for one build, with the build's own budget ({@code null}: the configured one)} */
  public CascadeSession session(String buildId, Money buildBudget) {
    return new CascadeSession(this, buildId, buildBudget, engine.settings.caps().perBuild());
  }

  /** {@return the catalog models this cascade would try for {@code request}, in order} */
  public List<String> plan(ModelRequest request) {
    return planner.plan(request).stream().map(ModelSpec::name).toList();
  }

  /**
   * Loads the local models of this cascade's routes with a one-token request, so the first real call does not pay
   * the load time (Ollama keeps a model loaded for its {@code keep_alive} after a call). A model that is still
   * loading is not mistaken for a dead one during the real call either way: the provider's first-token timeout
   * (which includes the load) is separate from, and more generous than, the connect timeout.
   */
  public List<WarmUp> warmUp() {
    List<WarmUp> out = new ArrayList<>();
    ModelRequest ping = new ModelRequest(List.of(Message.user("Reply with OK.")), 1, 0.0, false, ResponseFormat.TEXT,
        null);
    for (ModelSpec spec : planner.plan(ping)) {
      if (!spec.local()) continue;
      long t0 = System.nanoTime();
      try {
        engine.provider(spec).chat(ping);
        out.add(new WarmUp(spec.name(), true, Duration.ofNanos(System.nanoTime() - t0), null));
      } catch (ModelException e) {
        out.add(new WarmUp(spec.name(), false, Duration.ofNanos(System.nanoTime() - t0), e.error().message()));
      }
    }
    return out;
  }

  /** How warming one local model went. */
  public record WarmUp(String model, boolean ok, Duration took, String error) {}

  Engine engine() { return engine; }

  RouteTable.Planner planner() { return planner; }
}
