package dev.spectra.orchestrator.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects findings, once per kind, operation and summary: fifty fuzzed requests that hit the same defect are one
 * finding seen fifty times, shown with the shortest request that reproduces it.
 */
final class Findings {
  private final Map<String, Finding> first = new LinkedHashMap<>();
  private final Map<String, Integer> counts = new HashMap<>();

  synchronized void add(Finding f) {
    String key = f.kind() + "|" + f.operation() + "|" + f.summary();
    counts.merge(key, 1, Integer::sum);
    Finding old = first.get(key);
    if (old == null || f.evidence().curl().length() < old.evidence().curl().length()) first.put(key, f);
  }

  synchronized List<Finding> all() {
    return new ArrayList<>(first.values());
  }

  synchronized Map<Finding, Integer> repeats() {
    Map<Finding, Integer> out = new HashMap<>();
    first.forEach((k, f) -> {
      if (counts.get(k) > 1) out.put(f, counts.get(k));
    });
    return out;
  }

  synchronized boolean any(Finding.Kind kind, String operation) {
    return first.values().stream().anyMatch(f -> f.kind() == kind && f.operation().equals(operation));
  }
}
