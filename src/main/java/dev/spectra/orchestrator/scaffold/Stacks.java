package dev.spectra.orchestrator.scaffold;

import java.util.List;
import java.util.Optional;

/** The stacks this build knows, by name. The first is the default. */
final class Stacks {
  private static final List<Stack> ALL = List.of(new JavalinStack());

  private Stacks() {}

  static Stack defaultStack() {
    return ALL.getFirst();
  }

  static Optional<Stack> byName(String name) {
    return ALL.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst();
  }

  static List<String> names() {
    return ALL.stream().map(Stack::name).toList();
  }
}
