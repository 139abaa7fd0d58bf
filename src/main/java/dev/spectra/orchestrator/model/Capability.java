package dev.spectra.orchestrator.model;

import java.util.Locale;

/** What a model endpoint can do beyond plain chat. */
public enum Capability {
  /** Constrained decoding to a JSON schema. */
  JSON_SCHEMA,
  /** A JSON mode (any valid JSON, no schema). */
  JSON_MODE,
  /** Tool / function calling. */
  TOOLS,
  /** Token streaming. */
  STREAMING;

  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Capability fromConfig(String name) {
    return Capability.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
