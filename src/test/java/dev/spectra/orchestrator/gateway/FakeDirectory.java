package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.Model;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Names to models, listed as {@code local} unless registered as a policy. */
final class FakeDirectory implements Gateway.Directory {
  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Map<String, String> owners = new LinkedHashMap<>();

  FakeDirectory add(Model m) {
    return add(m, "local");
  }

  FakeDirectory add(Model m, String owner) {
    models.put(m.name(), m);
    owners.put(m.name(), owner);
    return this;
  }

  @Override public Optional<Model> find(String name) {
    return Optional.ofNullable(models.get(name));
  }

  @Override public List<Gateway.Listed> list() {
    List<Gateway.Listed> out = new ArrayList<>();
    owners.forEach((n, o) -> out.add(new Gateway.Listed(n, o)));
    return out;
  }
}
