package dev.spectra.orchestrator.model;

import java.util.Optional;

/**
 * Finds an API key by the name of the variable that holds it (a catalog entry's {@code api-key-env}). Providers see
 * only this, never where keys come from; the application passes the configuration's secrets.
 */
@FunctionalInterface
public interface KeyLookup {
  /** {@return the key the variable {@code name} holds; empty when unset, blank or {@code name} is null} */
  Optional<String> key(String name);

  /** No keys at all: local servers and simulators need none. */
  KeyLookup NONE = name -> Optional.empty();
}
