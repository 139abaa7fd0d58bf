package dev.spectra.orchestrator.scaffold;

import java.util.List;

/**
 * A target technology for generated services. A stack turns a {@link ServicePlan} (the same for every stack) into
 * the files of a project that follows {@code docs/generated-project.md}. More stacks (Spring Boot, Helidon) are new
 * implementations registered in {@link Stacks}.
 */
interface Stack {
  /** {@return the {@code --stack} name} */
  String name();

  /** {@return one line for help and reports} */
  String description();

  /** {@return the project's files, paths relative to the project root, '/'-separated} */
  List<GeneratedFile> generate(ServicePlan plan);

  /** A file to write. */
  record GeneratedFile(String path, String content) {}
}
