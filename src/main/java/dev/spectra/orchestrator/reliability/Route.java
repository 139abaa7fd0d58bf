package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;

/**
 * One tier of a cascade: a catalog model and its bare provider call.
 *
 * @param name e.g. {@code local-first#2}, for the ledger and for {@code ask}'s explanation
 * @param tier 0 for the first route
 */
record Route(String name, int tier, ModelSpec spec, Model provider) {}
