package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelSpec;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One circuit breaker per endpoint (scheme, host, port and path of the server): models served by the same dead
 * server are skipped together. Shared by every cascade built from one builder.
 */
final class Breakers {
  enum State { CLOSED, OPEN, HALF_OPEN }

  /** What an attempt proved about the endpoint. */
  enum Outcome {
    /** It answered (even an invalid answer or a 4xx proves it is up). */
    ALIVE,
    /** It failed at transport or server level. */
    FAILED,
    /** Nothing reached it (a budget refused the call): the attempt says nothing. */
    NOT_CALLED
  }

  /** Whether a call may go ahead; when denied, until when. */
  record Permit(boolean allowed, boolean probe, Instant openUntil) {}

  private final CascadeSettings.BreakerPolicy policy;
  private final MonotonicClock time;
  private final AttemptListener listener;
  private final Map<String, Breaker> byEndpoint = new ConcurrentHashMap<>();

  Breakers(CascadeSettings.BreakerPolicy policy, MonotonicClock time, AttemptListener listener) {
    this.policy = policy;
    this.time = time;
    this.listener = listener;
  }

  static String key(ModelSpec spec) { return spec.endpoint().toString(); }

  Breaker of(ModelSpec spec) {
    String key = key(spec);
    // Looked up first: every call asks, and computeIfAbsent would build its capturing function each time.
    Breaker b = byEndpoint.get(key);
    return b != null ? b : byEndpoint.computeIfAbsent(key, Breaker::new);
  }

  /** {@return whether a call to {@code spec} would be let through now (without taking the half-open probe)} */
  boolean wouldAllow(ModelSpec spec) {
    Breaker b = byEndpoint.get(key(spec));
    return b == null || b.wouldAllow();
  }

  final class Breaker {
    private final String endpoint;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private final ArrayDeque<Boolean> window = new ArrayDeque<>();
    private long openedAt;
    private boolean probeInFlight;

    Breaker(String endpoint) { this.endpoint = endpoint; }

    synchronized Permit acquire() {
      long now = time.millis();
      switch (state) {
        case CLOSED -> {
          return new Permit(true, false, null);
        }
        case OPEN -> {
          long remaining = openedAt + policy.cooldown().toMillis() - now;
          if (remaining > 0) return new Permit(false, false, until(remaining));
          // Cooldown over: let exactly one probe through to see whether the endpoint is back.
          transition(State.HALF_OPEN);
          probeInFlight = true;
          return new Permit(true, true, null);
        }
        case HALF_OPEN -> {
          if (probeInFlight) return new Permit(false, false, until(policy.cooldown().toMillis()));
          probeInFlight = true;
          return new Permit(true, true, null);
        }
      }
      throw new AssertionError(state);
    }

    synchronized boolean wouldAllow() {
      return switch (state) {
        case CLOSED -> true;
        case OPEN -> openedAt + policy.cooldown().toMillis() - time.millis() <= 0;
        case HALF_OPEN -> !probeInFlight;
      };
    }

    synchronized void record(Permit permit, Outcome outcome) {
      if (permit.probe()) probeInFlight = false;
      switch (outcome) {
        case NOT_CALLED -> {
          // The probe never reached the endpoint: the next call may probe instead.
        }
        case ALIVE -> {
          consecutiveFailures = 0;
          remember(true);
          if (state != State.CLOSED) {
            window.clear();
            transition(State.CLOSED);
          }
        }
        case FAILED -> {
          consecutiveFailures++;
          remember(false);
          if (state == State.HALF_OPEN) {
            open();
          } else if (state == State.CLOSED && tripped()) {
            open();
          }
        }
      }
    }

    synchronized State state() { return state; }

    private boolean tripped() {
      if (consecutiveFailures >= policy.consecutiveFailures()) return true;
      if (window.size() < policy.minCalls()) return false;
      long failures = window.stream().filter(ok -> !ok).count();
      return (double) failures / window.size() >= policy.failureRatio();
    }

    private void open() {
      openedAt = time.millis();
      transition(State.OPEN);
    }

    private void remember(boolean ok) {
      window.addLast(ok);
      while (window.size() > policy.window()) window.removeFirst();
    }

    private Instant until(long remainingMillis) {
      return time.wall().instant().plusMillis(Math.max(0, remainingMillis));
    }

    private void transition(State to) {
      State from = state;
      state = to;
      if (from != to) listener.breakerChanged(endpoint, from.name().toLowerCase(java.util.Locale.ROOT),
          to.name().toLowerCase(java.util.Locale.ROOT));
    }
  }
}
