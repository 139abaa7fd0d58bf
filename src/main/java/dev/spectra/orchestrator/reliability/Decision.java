package dev.spectra.orchestrator.reliability;

import java.time.Duration;

/** What {@link Retry} decided after a failed attempt. */
sealed interface Decision {
  /** Same route again after an exponential, jittered wait. */
  record Backoff(Duration delay) implements Decision {}
  /** Same route again after the server's Retry-After. */
  record RetryAfter(Duration delay) implements Decision {}
  /** This route is done; try the next one. */
  record NextRoute() implements Decision {}
  /** The prompt does not fit: skip to a route with a larger context window. */
  record LargerWindow() implements Decision {}
  /** Stop: no other route would help or the answer has already started reaching the caller. */
  record GiveUp() implements Decision {}

  Decision NEXT_ROUTE = new NextRoute();
  Decision LARGER_WINDOW = new LargerWindow();
  Decision GIVE_UP = new GiveUp();

  /** {@return the name written to the ledger} */
  default String wire() {
    return switch (this) {
      case Backoff b -> "retry";
      case RetryAfter r -> "retry";
      case NextRoute n -> "next-route";
      case LargerWindow l -> "larger-window";
      case GiveUp g -> "give-up";
    };
  }
}
