package dev.spectra.orchestrator.config;

import dev.spectra.orchestrator.model.KeyLookup;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * API keys, looked up by the name of the environment variable that holds them. The value leaves this class only
 * through {@link #value}, for the one HTTP header that needs it; {@link #toString} lists names and whether each
 * is set, never a value.
 */
public final class Secrets implements KeyLookup {
  /** The keys the seed documents; catalog entries may name others in {@code api-key-env}. */
  public static final Set<String> WELL_KNOWN = Set.of("OPENAI_API_KEY", "ANTHROPIC_API_KEY");

  private final Map<String, String> env;

  private Secrets(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** {@return secrets read from {@code env} (the process environment merged over {@code .env})} */
  public static Secrets from(Map<String, String> env) {
    return new Secrets(env);
  }

  public static Secrets none() { return new Secrets(Map.of()); }

  /** {@return the key in variable {@code name}, when set and not blank; put it on the wire and nowhere else} */
  public Optional<String> value(String name) {
    if (name == null) return Optional.empty();
    String v = env.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  public boolean isSet(String name) { return value(name).isPresent(); }

  @Override public Optional<String> key(String name) { return value(name); }

  @Override public String toString() {
    Set<String> names = new TreeSet<>(WELL_KNOWN);
    StringBuilder sb = new StringBuilder("Secrets[");
    for (String n : names) sb.append(sb.length() > 8 ? ", " : "").append(n).append(isSet(n) ? "=set" : "=unset");
    return sb.append(']').toString();
  }
}
