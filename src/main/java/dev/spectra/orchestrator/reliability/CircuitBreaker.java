package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;

/**
 * Skips an endpoint that keeps failing, without calling it, until its cooldown has passed; then lets one probe
 * through. Below {@link Retry}, so every attempt counts and an opening breaker ends the retries on its route.
 */
final class CircuitBreaker implements Interceptor {
  private final Breakers breakers;

  CircuitBreaker(Breakers breakers) { this.breakers = breakers; }

  @Override public ModelReply intercept(Chain chain) throws ModelException {
    Route route = chain.exchange().requireRoute("CircuitBreaker");
    Breakers.Breaker breaker = breakers.of(route.spec());
    Breakers.Permit permit = breaker.acquire();
    if (!permit.allowed()) {
      throw new ModelException(new ModelError.CircuitOpen(route.spec().name(), Breakers.key(route.spec()),
          permit.openUntil()));
    }
    try {
      ModelReply reply = chain.proceed(chain.exchange());
      breaker.record(permit, Breakers.Outcome.ALIVE);
      return reply;
    } catch (ModelException e) {
      breaker.record(permit, outcome(e.error()));
      throw e;
    } catch (RuntimeException | Error e) {
      // A bug below must not leave a half-open breaker waiting forever for its probe.
      breaker.record(permit, Breakers.Outcome.NOT_CALLED);
      throw e;
    }
  }

  /** Which errors say the endpoint itself is unwell. */
  static Breakers.Outcome outcome(ModelError error) {
    return switch (error) {
      case ModelError.ConnectionRefused c -> Breakers.Outcome.FAILED;
      case ModelError.Timeout t -> Breakers.Outcome.FAILED;
      case ModelError.ServerError s -> s.status() >= 500 ? Breakers.Outcome.FAILED : Breakers.Outcome.ALIVE;
      case ModelError.MalformedResponse m -> Breakers.Outcome.FAILED;
      case ModelError.StreamCutOff s -> Breakers.Outcome.FAILED;
      // It answered: a refusal, a missing model or a bad answer proves the server is up.
      case ModelError.RateLimited r -> Breakers.Outcome.ALIVE;
      case ModelError.AuthFailed a -> Breakers.Outcome.ALIVE;
      case ModelError.ModelNotFound m -> Breakers.Outcome.ALIVE;
      case ModelError.ContextTooLong c -> Breakers.Outcome.ALIVE;
      case ModelError.BadRequest b -> Breakers.Outcome.ALIVE;
      case ModelError.InvalidOutput i -> Breakers.Outcome.ALIVE;
      // Nothing was sent.
      case ModelError.CircuitOpen c -> Breakers.Outcome.NOT_CALLED;
      case ModelError.BudgetExhausted b -> Breakers.Outcome.NOT_CALLED;
      case ModelError.ArtifactFailed a -> Breakers.Outcome.NOT_CALLED;
    };
  }
}
