package dev.spectra.orchestrator.config;

import dev.spectra.orchestrator.model.ModelSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models the user can call, by name, in the order they were defined (built-ins first). The version is
 * stamped on ledger rows so a cost can be traced to the prices in effect.
 */
public final class Catalog {
  private final String version;
  private final Map<String, ModelSpec> byName;
  private final Map<String, String> priceSources;

  Catalog(String version, Collection<ModelSpec> specs) {
    this(version, specs, Map.of());
  }

  Catalog(String version, Collection<ModelSpec> specs, Map<String, String> priceSources) {
    this.version = version;
    Map<String, ModelSpec> m = new LinkedHashMap<>();
    for (ModelSpec s : specs) m.put(s.name(), s);
    this.byName = java.util.Collections.unmodifiableMap(m);
    this.priceSources = Map.copyOf(priceSources);
  }

  /**
   * {@return where the price of {@code name} came from: {@code catalog VERSION}, the configuration file and line
   * that set it ({@code orchestrator.yaml:12}), {@code free: ...} for a local model of the user's own, or
   * {@code unpriced: ...}}
   */
  public String priceSource(String name) {
    String s = priceSources.get(name);
    if (s != null) return s;
    ModelSpec spec = byName.get(name);
    if (spec == null) return "unknown model";
    return spec.price() == null ? "unpriced" : "catalog " + version;
  }

  /** {@return e.g. {@code 2026-11-builtin-1}, or with {@code +local} when a file changed the built-ins} */
  public String version() { return version; }

  public List<ModelSpec> all() { return new ArrayList<>(byName.values()); }

  public List<String> names() { return new ArrayList<>(byName.keySet()); }

  /** {@return the model named {@code name}} */
  public Optional<ModelSpec> get(String name) { return Optional.ofNullable(byName.get(name)); }

  /** {@return the model named {@code nameOrId}, else the first whose model id is {@code nameOrId}} */
  public Optional<ModelSpec> find(String nameOrId) {
    ModelSpec s = byName.get(nameOrId);
    if (s != null) return Optional.of(s);
    return byName.values().stream().filter(m -> m.modelId().equals(nameOrId)).findFirst();
  }

  @Override public String toString() { return "Catalog[" + version + ", " + byName.keySet() + "]"; }
}
