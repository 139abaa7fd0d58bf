package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError.ArtifactFailed;
import dev.spectra.orchestrator.model.ModelError.AuthFailed;
import dev.spectra.orchestrator.model.ModelError.BadRequest;
import dev.spectra.orchestrator.model.ModelError.BudgetExhausted;
import dev.spectra.orchestrator.model.ModelError.CircuitOpen;
import dev.spectra.orchestrator.model.ModelError.ConnectionRefused;
import dev.spectra.orchestrator.model.ModelError.ContextTooLong;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import dev.spectra.orchestrator.model.ModelError.MalformedResponse;
import dev.spectra.orchestrator.model.ModelError.ModelNotFound;
import dev.spectra.orchestrator.model.ModelError.RateLimited;
import dev.spectra.orchestrator.model.ModelError.ServerError;
import dev.spectra.orchestrator.model.ModelError.StreamCutOff;
import dev.spectra.orchestrator.model.ModelError.Timeout;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;

/**
 * The only place that decides "again?": after each failed attempt on a route, one exhaustive switch over the
 * error chooses to wait and retry the same route, move on, or stop. Every attempt it makes is recorded.
 * {@link FallbackCascade} runs it once per route and gets the decision back as a {@link RouteOutcome}.
 */
final class Retry {
  private final CascadeSettings.RetryPolicy policy;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Random jitter;

  Retry(CascadeSettings.RetryPolicy policy, Sleeper sleeper, Clock clock) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.clock = clock;
    this.jitter = new Random(policy.seed());
  }

  /**
   * Calls the rest of the chain on {@code exchange}'s route until it answers or this route is done.
   *
   * @return the reply, or the last error with where the cascade should go next
   */
  RouteOutcome attempt(Interceptor.Chain chain, ChainCall exchange) {
    Route route = exchange.requireRoute("Retry");
    CallState state = exchange.state();
    for (int attempt = 1; ; attempt++) {
      Instant started = clock.instant();
      long t0 = System.nanoTime();
      state.started(route);
      try {
        ModelReply reply = chain.proceed(exchange);
        state.succeeded(route, started, Duration.ofNanos(System.nanoTime() - t0), reply);
        return new RouteOutcome.Served(reply);
      } catch (java.util.concurrent.CancellationException cancelled) {
        // The caller went away mid-stream and cancelled the call: record the attempt, never retry it.
        state.failed(route, started, Duration.ofNanos(System.nanoTime() - t0), new ModelException(
            new ModelError.StreamCutOff("", "caller cancelled the call: " + cancelled.getMessage())),
            Decision.GIVE_UP);
        throw cancelled;
      } catch (ModelException e) {
        Decision decision = decide(e.error(), attempt, state.streamed());
        state.failed(route, started, Duration.ofNanos(System.nanoTime() - t0), e, decision);
        Duration wait = switch (decision) {
          case Decision.Backoff b -> b.delay();
          case Decision.RetryAfter r -> r.delay();
          // Not this route again: the fallback above moves on or stops by this decision.
          case Decision.NextRoute n -> null;
          case Decision.LargerWindow l -> null;
          case Decision.GiveUp g -> null;
        };
        if (wait == null) return new RouteOutcome.Failed(e, decision);
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          // The caller is shutting down: stop with the error we have, and keep the interrupt visible.
          Thread.currentThread().interrupt();
          return new RouteOutcome.Failed(e, decision);
        }
      }
    }
  }

  /** Retry the same route, move to another, or stop. {@code attempt} counts from 1. */
  Decision decide(ModelError error, int attempt, boolean streamedToCaller) {
    // Text already reached the caller: another attempt would repeat it, so the caller must decide.
    if (streamedToCaller) return Decision.GIVE_UP;
    boolean again = attempt < policy.maxAttempts();
    return switch (error) {
      // Nothing listens: a restarting server comes back in a moment; then the next route.
      case ConnectionRefused c -> again ? backoff(attempt) : Decision.NEXT_ROUTE;
      // A connect timeout is cheap to retry; first-token and total timeouts already waited the model's limits
      // (the first-token limit is generous so a loading local model is not taken for a dead one).
      case Timeout t -> t.phase() == Timeout.Phase.CONNECT && again ? backoff(attempt) : Decision.NEXT_ROUTE;
      // Honour Retry-After when it is reasonable; a long one is a cooldown better spent on another route.
      case RateLimited r -> !again ? Decision.NEXT_ROUTE
          : r.retryAfter() == null ? backoff(attempt)
          : r.retryAfter().compareTo(policy.maxRetryAfter()) > 0 ? Decision.NEXT_ROUTE
          : new Decision.RetryAfter(r.retryAfter().isNegative() ? Duration.ZERO : r.retryAfter());
      // The key will not fix itself; another route may not need one.
      case AuthFailed a -> Decision.NEXT_ROUTE;
      // Not pulled here; another route may have it.
      case ModelNotFound m -> Decision.NEXT_ROUTE;
      // Retrying the same window cannot help.
      case ContextTooLong c -> Decision.LARGER_WINDOW;
      // Our request does not suit this server; the same bytes would fail again.
      case BadRequest b -> Decision.NEXT_ROUTE;
      case ServerError s -> s.status() >= 500 && again ? backoff(attempt) : Decision.NEXT_ROUTE;
      // Garbled or cut transport is usually transient.
      case MalformedResponse m -> again ? backoff(attempt) : Decision.NEXT_ROUTE;
      case StreamCutOff s -> again ? backoff(attempt) : Decision.NEXT_ROUTE;
      // Repair and re-ask already ran below us: this model cannot produce it.
      case InvalidOutput i -> Decision.NEXT_ROUTE;
      case CircuitOpen c -> Decision.NEXT_ROUTE;
      // A later route may be local, and $0 models are never blocked by a budget.
      case BudgetExhausted b -> Decision.NEXT_ROUTE;
      // The caller found the answer unusable: a stronger route is the point of escalating.
      case ArtifactFailed a -> Decision.NEXT_ROUTE;
    };
  }

  /** Exponential (base * 2^(attempt-1), capped) with equal jitter: half fixed, half random, seeded. */
  private Decision backoff(int attempt) {
    long base = policy.baseDelay().toMillis();
    long exp = Math.min(policy.maxDelay().toMillis(), base << Math.min(attempt - 1, 20));
    long half = exp / 2;
    long random;
    synchronized (jitter) {
      random = half == 0 ? 0 : (long) (jitter.nextDouble() * (half + 1));
    }
    return new Decision.Backoff(Duration.ofMillis(half + random));
  }
}
