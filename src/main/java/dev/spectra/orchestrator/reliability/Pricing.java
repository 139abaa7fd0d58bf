package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Usage;

/**
 * Prices usage by the model that actually served it, from the catalog: local is $0, a paid model without a price
 * is {@code null} (unknown, never shown as $0), and a local call's {@code saved} is the same tokens on the
 * reference cloud model.
 */
record Pricing(String catalogVersion, ModelSpec reference) {

  Money cost(ModelSpec spec, Usage usage) {
    if (spec.local()) return Money.ZERO;
    return spec.price() == null ? null : spec.price().cost(usage);
  }

  Money saved(ModelSpec spec, Usage usage) {
    if (!spec.local() || reference == null || reference.price() == null) return Money.ZERO;
    return reference.price().cost(usage);
  }
}
