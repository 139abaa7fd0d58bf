package dev.spectra.orchestrator.reliability;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The routing policies: names a user can put wherever a model is named, each choosing the order of models per
 * request. The one place these names are spelled; the cascade, the gateway's model list and the commands read them
 * from here.
 */
public enum RoutingPolicy {
  /** Local models in catalog order, then the configured fallbacks. */
  LOCAL_FIRST("local-first"),
  /** Simple requests to a small model first, complex ones to a strong model first. */
  HYBRID("hybrid"),
  /** The cheapest model that is not failing now (breaker and recent ledger health). */
  CHEAPEST_PASSING("cheapest-passing"),
  /** One model only: {@code fixed} alone is the first of local-first, {@code fixed:<model>} names it. */
  FIXED("fixed");

  private final String label;

  RoutingPolicy(String label) { this.label = label; }

  /** {@return the name users write} */
  public String label() { return label; }

  /** {@return the policy spelled {@code name} exactly, if any ({@code fixed:<model>} is not a label)} */
  public static Optional<RoutingPolicy> named(String name) {
    return Arrays.stream(values()).filter(p -> p.label.equals(name)).findFirst();
  }

  /** {@return whether {@code name} selects a policy: a label, or {@code fixed:<model>}} */
  public static boolean selects(String name) {
    return named(name).isPresent() || name.startsWith(FIXED.label + ":");
  }

  /** {@return every label, sorted, for messages} */
  public static List<String> labels() {
    return Arrays.stream(values()).map(RoutingPolicy::label).sorted().toList();
  }
}
