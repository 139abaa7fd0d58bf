package dev.spectra.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {
  final ModelSpec small = TestCatalog.local("small", 8_192);
  final ModelSpec big = TestCatalog.local("big", 32_768);
  final ModelSpec mini = TestCatalog.cloud("gpt-4o-mini", "0.15", "0.60", 128_000);
  final CascadeSettings base = CascadeSettings.defaults(List.of(small, big, mini), "v", List.of("gpt-4o-mini"));

  List<String> plan(CascadeSettings s, String name) {
    return new RouteTable(s, spec -> true).planner(name).plan(ModelRequest.of("x")).stream()
        .map(ModelSpec::name).toList();
  }

  @Test
  void localFirstTriesLocalModelsInCatalogOrderThenTheFallback() {
    assertThat(plan(base, "local-first")).containsExactly("small", "big", "gpt-4o-mini");
  }

  @Test
  void aCatalogModelNameIsThatModelAlone() {
    assertThat(plan(base, "big")).containsExactly("big");
    assertThat(plan(base, "fixed:gpt-4o-mini")).containsExactly("gpt-4o-mini");
  }

  @Test
  void namedRoutesExpandOtherRoutesInOrderWithoutDuplicates() {
    CascadeSettings s = base.withRoutes(Map.of("fast", List.of("small", "cloud"), "cloud", List.of("gpt-4o-mini",
        "small")));
    assertThat(plan(s, "fast")).containsExactly("small", "gpt-4o-mini");
  }

  @Test
  void unknownModelInARouteIsNamedAtStartUp() {
    CascadeSettings s = base.withRoutes(Map.of("fast", List.of("small", "mistral-8b")));
    assertThatThrownBy(() -> new RouteTable(s, spec -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route 'fast'").hasMessageContaining("unknown model 'mistral-8b'")
        .hasMessageContaining("known models: small, big, gpt-4o-mini");
  }

  @Test
  void aCycleOfRoutesIsNamedAtStartUp() {
    CascadeSettings s = base.withRoutes(Map.of("a", List.of("b"), "b", List.of("c"), "c", List.of("a")));
    assertThatThrownBy(() -> new RouteTable(s, spec -> true))
        .hasMessageContaining("routes form a cycle: a -> b -> c -> a");
  }

  @Test
  void unknownDefaultOrFallbackIsNamedAtStartUp() {
    assertThatThrownBy(() -> new RouteTable(base.withDefaultModel("gpt-5"), spec -> true))
        .hasMessageContaining("unknown model or policy 'gpt-5'").hasMessageContaining("local-first");
    CascadeSettings badFallback = CascadeSettings.defaults(List.of(small), "v", List.of("gpt-4o"));
    assertThatThrownBy(() -> new RouteTable(badFallback, spec -> true))
        .hasMessageContaining("fallbacks names unknown model 'gpt-4o'");
  }

  @Test
  void complexityCountsEntitiesOperationsAndRules() {
    Complexity c = Complexity.of("Build a service. Track Order and Customer records. Create and delete orders; "
        + "emails must be unique.");
    assertThat(c.entities()).isEqualTo(2);
    assertThat(c.operations()).isEqualTo(2);
    assertThat(c.rules()).isEqualTo(2);
    assertThat(c.simple(CascadeSettings.Hybrid.DEFAULTS)).isTrue();
    assertThat(Complexity.of("entities: users, orders, products, invoices").entities()).isEqualTo(4);
  }
}
