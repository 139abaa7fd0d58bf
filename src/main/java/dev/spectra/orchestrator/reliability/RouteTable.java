package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Resolves the names a user can put wherever a model is named: a catalog model, a named route from the config,
 * or a routing policy. Everything is checked when it is built, so a config naming an unknown model or a cycle of
 * routes fails at start-up with a message naming it, not on the first call.
 */
final class RouteTable {
  /** The order of models for one request. */
  @FunctionalInterface interface Planner {
    List<ModelSpec> plan(ModelRequest request);
  }

  private final CascadeSettings settings;
  private final Map<String, ModelSpec> catalog = new LinkedHashMap<>();
  private final Map<String, List<ModelSpec>> named = new LinkedHashMap<>();
  private final List<ModelSpec> localFirst;
  private final Predicate<ModelSpec> passing;

  /**
   * @param passing whether a model is currently fit for {@code cheapest-passing} (breaker closed, not failing
   *     recently in the ledger)
   */
  RouteTable(CascadeSettings settings, Predicate<ModelSpec> passing) {
    this.settings = settings;
    this.passing = passing;
    for (ModelSpec spec : settings.catalog()) {
      if (RoutingPolicy.named(spec.name()).isPresent()) {
        throw new IllegalArgumentException("catalog model '" + spec.name() + "' has the name of a routing policy; "
            + "rename it (policies: " + RoutingPolicy.labels() + ")");
      }
      if (catalog.putIfAbsent(spec.name(), spec) != null) {
        throw new IllegalArgumentException("catalog names model '" + spec.name() + "' twice; names must be unique");
      }
    }
    if (catalog.isEmpty()) throw new IllegalArgumentException("the model catalog is empty: configure at least one model");
    for (String f : settings.fallbacks()) model(f, "fallbacks");
    for (String l : settings.localModels()) model(l, "local-models");
    if (settings.hybrid().simpleModel() != null) model(settings.hybrid().simpleModel(), "hybrid.simple-model");
    if (settings.hybrid().complexModel() != null) model(settings.hybrid().complexModel(), "hybrid.complex-model");
    if (settings.referenceModel() != null) model(settings.referenceModel(), "reference-model");
    for (String route : new TreeSet<>(settings.routes().keySet())) {
      boolean policy = RoutingPolicy.named(route).isPresent();
      if (policy || catalog.containsKey(route)) {
        throw new IllegalArgumentException("route '" + route + "' has the name of a "
            + (policy ? "routing policy" : "catalog model") + "; rename it");
      }
      named.put(route, expand(route, new ArrayDeque<>()));
    }
    List<ModelSpec> locals = settings.localModels().isEmpty()
        ? catalog.values().stream().filter(ModelSpec::local).toList()
        : settings.localModels().stream().map(catalog::get).toList();
    List<ModelSpec> lf = new ArrayList<>(locals);
    for (String f : settings.fallbacks()) lf.add(catalog.get(f));
    this.localFirst = dedupe(lf);
    if (localFirst.isEmpty()) {
      throw new IllegalArgumentException("local-first has no model: the catalog has no local model and no fallback "
          + "is configured");
    }
    planner(settings.defaultModel());  // the default must resolve, too
  }

  ModelSpec model(String name, String where) {
    ModelSpec spec = catalog.get(name);
    if (spec == null) {
      throw new IllegalArgumentException(where + " names unknown model '" + name + "'; known models: "
          + String.join(", ", catalog.keySet()));
    }
    return spec;
  }

  Map<String, ModelSpec> catalog() { return catalog; }

  /** {@return the planner for a name, or throws naming what is known} */
  Planner planner(String name) {
    if (name == null || name.isBlank()) return planner(settings.defaultModel());
    RoutingPolicy policy = RoutingPolicy.named(name).orElse(null);
    if (policy != null) {
      return switch (policy) {
        case LOCAL_FIRST -> request -> localFirst;
        case FIXED -> fixed(localFirst.get(0));
        case HYBRID -> hybrid();
        case CHEAPEST_PASSING -> this::cheapestPassing;
      };
    }
    String fixedPrefix = RoutingPolicy.FIXED.label() + ":";
    if (name.startsWith(fixedPrefix)) return fixed(model(name.substring(fixedPrefix.length()), "--model"));
    List<ModelSpec> route = named.get(name);
    if (route != null) return request -> route;
    ModelSpec spec = catalog.get(name);
    if (spec != null) return fixed(spec);
    throw new IllegalArgumentException("unknown model or policy '" + name + "'; use a policy ("
        + String.join(", ", RoutingPolicy.labels()) + ")" + (named.isEmpty() ? "" : ", a route ("
        + String.join(", ", named.keySet()) + ")") + " or a catalog model (" + String.join(", ", catalog.keySet())
        + ")");
  }

  private static Planner fixed(ModelSpec spec) {
    List<ModelSpec> one = List.of(spec);
    return request -> one;
  }

  /** Simple work to the small model first, complex work to the strong one first; the rest of local-first after. */
  private Planner hybrid() {
    CascadeSettings.Hybrid h = settings.hybrid();
    ModelSpec small = h.simpleModel() != null ? catalog.get(h.simpleModel()) : localFirst.get(0);
    ModelSpec strong = h.complexModel() != null ? catalog.get(h.complexModel())
        : !settings.fallbacks().isEmpty() ? catalog.get(settings.fallbacks().get(0))
        : localFirst.get(localFirst.size() - 1);
    List<ModelSpec> simpleOrder = dedupe(concat(List.of(small, strong), localFirst));
    List<ModelSpec> complexOrder = dedupe(concat(List.of(strong), localFirst)).stream()
        .filter(s -> s != small || small == strong).toList();
    List<ModelSpec> complexWithSmallLast = dedupe(concat(complexOrder, List.of(small)));
    return request -> Complexity.of(request.promptText()).simple(h) ? simpleOrder : complexWithSmallLast;
  }

  /**
   * Every catalog model by its worst-case price for this request (local models first, in catalog order; unpriced
   * models last), with models that are not passing moved behind the passing ones.
   */
  private List<ModelSpec> cheapestPassing(ModelRequest request) {
    long prompt = request.promptText().length() / 4;
    long out = request.maxTokens() == null ? settings.budgets().defaultMaxTokens() : request.maxTokens();
    Comparator<ModelSpec> byPrice = Comparator.comparing((ModelSpec s) -> {
      if (s.local()) return BigDecimal.ZERO;
      Price p = s.price();
      return p == null ? BigDecimal.valueOf(Long.MAX_VALUE) : p.cost(prompt, out).usd();
    });
    List<ModelSpec> all = new ArrayList<>(catalog.values());
    all.sort(byPrice);  // stable: catalog order among equals
    List<ModelSpec> ordered = new ArrayList<>();
    for (ModelSpec s : all) if (passing.test(s)) ordered.add(s);
    for (ModelSpec s : all) if (!passing.test(s)) ordered.add(s);
    return ordered;
  }

  private List<ModelSpec> expand(String route, Deque<String> path) {
    if (path.contains(route)) {
      List<String> cycle = new ArrayList<>(path);
      java.util.Collections.reverse(cycle);
      cycle = cycle.subList(cycle.indexOf(route), cycle.size());
      throw new IllegalArgumentException("routes form a cycle: " + String.join(" -> ", cycle) + " -> " + route
          + "; break it in the routes section of the config");
    }
    path.push(route);
    List<ModelSpec> out = new ArrayList<>();
    List<String> entries = settings.routes().get(route);
    if (entries.isEmpty()) throw new IllegalArgumentException("route '" + route + "' lists no model");
    for (String entry : entries) {
      if (settings.routes().containsKey(entry)) out.addAll(expand(entry, path));
      else out.add(model(entry, "route '" + route + "'"));
    }
    path.pop();
    return dedupe(out);
  }

  private static List<ModelSpec> concat(List<ModelSpec> a, List<ModelSpec> b) {
    List<ModelSpec> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<ModelSpec> dedupe(List<ModelSpec> specs) {
    return List.copyOf(new LinkedHashSet<>(specs));
  }
}
