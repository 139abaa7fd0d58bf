package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;

/**
 * A cascade for one build: its calls carry the build id (per-build budget, ledger), and it remembers escalation.
 * When the caller finds an answer unusable (it does not compile, tests fail, a schema fails) it reports an
 * {@link ModelError.ArtifactFailed}, and later calls start at the next route, up to the per-build cap. Thread-safe.
 */
public final class CascadeSession implements Model {
  private final Cascade cascade;
  private final String buildId;
  private final Money buildBudget;
  private final int maxEscalations;
  private int escalations;
  private int startTier;
  private Route lastServed;
  private int lastRouteCount = -1;

  CascadeSession(Cascade cascade, String buildId, Money buildBudget, int maxEscalations) {
    this.cascade = cascade;
    this.buildId = buildId;
    this.buildBudget = buildBudget;
    this.maxEscalations = maxEscalations;
  }

  @Override public String name() { return cascade.name(); }

  @Override public ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException {
    return cascade.engine().execute(cascade.name(), cascade.planner(), request, listener, this);
  }

  public String buildId() { return buildId; }

  /** {@return this build's own limit, or {@code null} for the configured per-build budget} */
  public Money buildBudget() { return buildBudget; }

  /** {@return the route index later calls start at (0 until an escalation)} */
  public synchronized int startTier() { return startTier; }

  /** {@return escalations used by this build, by fallbacks and artifact failures together} */
  public synchronized int escalations() { return escalations; }

  /**
   * Makes later calls start at the route after the one that produced the failed artifact, and records the failure
   * in the ledger against that model.
   *
   * @return false when no route is left or the per-build escalation cap is reached: the caller should stop
   */
  public boolean reportArtifactFailure(ModelError.ArtifactFailed failure) {
    Route served;
    synchronized (this) {
      int routeCount = lastRouteCount >= 0 ? lastRouteCount
          : cascade.planner().plan(ModelRequest.of("artifact")).size();
      int from = lastServed == null ? startTier : Math.max(startTier, lastServed.tier());
      if (from + 1 >= routeCount || escalations >= maxEscalations) return false;
      escalations++;
      startTier = from + 1;
      served = lastServed;
    }
    if (served != null) {
      Engine engine = cascade.engine();
      Attempt a = new Attempt(served.spec().name(), served.name(), engine.clock.instant(), Usage.ZERO, null, null,
          failure, null, null, 0, engine.pricing.cost(served.spec(), Usage.ZERO), Money.ZERO);
      engine.listener.attemptEnded(new AttemptListener.Ended(new CallContext(null, buildId, failure.artifact(), null),
          cascade.name(), served.tier(), served.spec(), a, null, Decision.NEXT_ROUTE.wire(),
          engine.pricing.catalogVersion()));
    }
    return true;
  }

  synchronized boolean tryEscalate() {
    if (escalations >= maxEscalations) return false;
    escalations++;
    return true;
  }

  synchronized void served(Route route, int routeCount) {
    lastServed = route;
    lastRouteCount = routeCount;
  }
}
