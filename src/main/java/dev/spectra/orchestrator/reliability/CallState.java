package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one cascade call: the routes planned for it, every attempt made so far (priced), and whether
 * streamed text has reached the caller. Confined to the calling thread.
 */
final class CallState {
  final CallContext context;
  final String requestedAs;
  final List<Route> routes;
  final CascadeSession session;
  final int startTier;
  private final Pricing pricing;
  private final AttemptListener listener;
  private final List<Attempt> attempts = new ArrayList<>();
  private boolean streamed;
  private Route current;
  private int servedTier = -1;

  CallState(CallContext context, String requestedAs, List<Route> routes, CascadeSession session, int startTier,
      Pricing pricing, AttemptListener listener) {
    this.context = context;
    this.requestedAs = requestedAs;
    this.routes = routes;
    this.session = session;
    this.startTier = startTier;
    this.pricing = pricing;
    this.listener = listener;
  }

  /** Wraps the caller's listener so we know once text has reached the caller: no retry can take it back. */
  TokenListener gate(TokenListener caller) {
    if (caller == TokenListener.NONE) return caller;
    return delta -> {
      if (!delta.isEmpty() && !streamed) {
        streamed = true;
        if (current != null) caller.servedBy(current.spec().name());
      }
      caller.onToken(delta);
    };
  }

  boolean streamed() { return streamed; }

  void started(Route route) {
    current = route;
    listener.attemptStarted(context, route.name(), route.spec());
  }

  /** Records a successful attempt. */
  void succeeded(Route route, Instant started, Duration latency, ModelReply reply) {
    Attempt inner = reply.attempts().isEmpty() ? null : reply.attempts().get(reply.attempts().size() - 1);
    Usage usage = reply.usage();
    Attempt a = new Attempt(route.spec().name(), route.name(), started, usage, reply.timeToFirstToken(), latency,
        null, inner == null ? null : inner.json(), inner == null ? null : inner.repairs(),
        inner == null ? 0 : inner.reasks(), pricing.cost(route.spec(), usage), pricing.saved(route.spec(), usage));
    attempts.add(a);
    servedTier = route.tier();
    listener.attemptEnded(new AttemptListener.Ended(context, requestedAs, route.tier(), route.spec(), a,
        reply.servedModelId(), "served", pricing.catalogVersion()));
  }

  /** Records a failed attempt with what was decided next. Tokens the failure still consumed are priced too. */
  void failed(Route route, Instant started, Duration latency, ModelException e, Decision decision) {
    Usage usage = Usage.ZERO;
    Attempt.JsonStage stage = null;
    List<String> repairs = List.of();
    int reasks = 0;
    for (Attempt inner : e.attempts()) {
      usage = usage.plus(inner.usage());
      stage = inner.json();
      repairs = inner.repairs();
      reasks = Math.max(reasks, inner.reasks());
    }
    if (e.error() instanceof ModelError.InvalidOutput) stage = Attempt.JsonStage.FAILED;
    Attempt a = new Attempt(route.spec().name(), route.name(), started, usage, null, latency, e.error(), stage,
        repairs, reasks, pricing.cost(route.spec(), usage), pricing.saved(route.spec(), usage));
    attempts.add(a);
    listener.attemptEnded(new AttemptListener.Ended(context, requestedAs, route.tier(), route.spec(), a, null,
        decision.wire(), pricing.catalogVersion()));
  }

  int servedTier() { return servedTier; }

  List<Attempt> attempts() { return List.copyOf(attempts); }

  /** {@return {@code reply} with usage, cost and saved summed over every attempt of this call} */
  ModelReply account(ModelReply reply) {
    Usage usage = Usage.ZERO;
    Money cost = Money.ZERO;
    Money saved = Money.ZERO;
    for (Attempt a : attempts) {
      usage = usage.plus(a.usage());
      saved = saved.plus(a.saved());
      // An unpriced paid attempt makes the total unknown, unless it consumed nothing.
      if (a.cost() == null) {
        if (a.usage().totalTokens() > 0) cost = null;
      } else if (cost != null) {
        cost = cost.plus(a.cost());
      }
    }
    return reply.withAccounting(usage, cost, saved, attempts);
  }
}
