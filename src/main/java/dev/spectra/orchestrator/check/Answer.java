package dev.spectra.orchestrator.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What came back for one {@link Call}: an answer, or why there was none. */
sealed interface Answer {
  Call call();

  /** The service answered with an HTTP response. */
  record Answered(Call call, int status, Map<String, List<String>> headers, String body, boolean truncated)
      implements Answer {
    public Answered {
      headers = Map.copyOf(headers);
    }

    /** {@return the first value of a header, matched without regard to case, or ""} */
    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
      }
      return "";
    }
  }

  /** No complete answer within the per-request timeout. */
  record TimedOut(Call call, Duration after) implements Answer {}

  /** The connection failed: refused, closed before an answer, or an answer that is not HTTP. */
  record Failed(Call call, String reason) implements Answer {}
}
