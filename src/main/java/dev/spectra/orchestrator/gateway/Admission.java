package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.LedgerException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides whether a request may use the gateway at all, before its body is read: not while draining, only with an
 * active key (when keys are required), within the key's requests per minute and while its budget lasts. Keys, rate
 * windows and spend are read from the ledger database on every request, so all replicas on one database agree.
 */
final class Admission {

  /** The outcome; a refusal has already been answered. */
  sealed interface Verdict {
    record Admitted(GatewayKeys.KeyInfo key) implements Verdict {}

    record Refused() implements Verdict {}
  }

  private final GatewayKeys keys;
  private final AtomicBoolean draining;
  private final Accounting accounting;

  /** @param keys null when keys are not required (loopback) */
  Admission(GatewayKeys keys, AtomicBoolean draining, Accounting accounting) {
    this.keys = keys;
    this.draining = draining;
    this.accounting = accounting;
  }

  Verdict admitChat(Context ctx) {
    if (draining.get()) {
      // Connection: close, so a client's pool does not send its next request here either.
      ctx.header("Connection", "close");
      accounting.reject(ctx, GatewayError.draining());
      return new Verdict.Refused();
    }
    if (keys == null) return new Verdict.Admitted(null);
    Optional<GatewayKeys.KeyInfo> k = authenticate(ctx);
    if (k.isEmpty()) return new Verdict.Refused();
    GatewayKeys.KeyInfo key = k.get();
    try {
      if (key.rateLimitRpm() != null) {
        Optional<Duration> wait = keys.admitRequest(key.id(), key.rateLimitRpm());
        if (wait.isPresent()) {
          accounting.reject(ctx, GatewayError.rateLimited(key.id(), key.rateLimitRpm(), wait.get()));
          return new Verdict.Refused();
        }
      }
    } catch (LedgerException e) {
      accounting.reject(ctx, GatewayError.storeUnavailable());
      return new Verdict.Refused();
    }
    if (key.exhausted()) {
      accounting.reject(ctx, GatewayError.keyBudgetExhausted(key.id(), key.spent().toString(),
          key.budget().toString()));
      return new Verdict.Refused();
    }
    return new Verdict.Admitted(key);
  }

  /** For the read-only endpoints: a valid key when keys are required. */
  boolean admitRead(Context ctx) {
    return keys == null || authenticate(ctx).isPresent();
  }

  /** Checks the bearer key; on failure the 401 is already sent. */
  private Optional<GatewayKeys.KeyInfo> authenticate(Context ctx) {
    String header = ctx.header("Authorization");
    String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (token == null || token.isEmpty()) {
      accounting.reject(ctx, GatewayError.missingKey());
      return Optional.empty();
    }
    Optional<GatewayKeys.KeyInfo> key;
    try {
      key = keys.authenticate(token);
    } catch (LedgerException e) {
      accounting.reject(ctx, GatewayError.storeUnavailable());
      return Optional.empty();
    }
    if (key.isEmpty()) accounting.reject(ctx, GatewayError.unauthorized("Invalid or revoked gateway API key."));
    return key;
  }
}
