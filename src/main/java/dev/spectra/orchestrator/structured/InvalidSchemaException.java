package dev.spectra.orchestrator.structured;

import java.nio.file.Path;
import java.util.List;

/** A schema file that cannot be used: missing, unreadable, not JSON/YAML, or not a valid draft 2020-12 schema. */
public final class InvalidSchemaException extends Exception {
  private final Path path;
  private final List<String> problems;
  private final boolean missing;

  InvalidSchemaException(Path path, List<String> problems, boolean missing) {
    super(path + ": " + String.join("; ", problems), null, false, false);
    this.path = path;
    this.problems = List.copyOf(problems);
    this.missing = missing;
  }

  /** {@return the schema file} */
  public Path path() { return path; }

  /** {@return each problem, with a JSON pointer or line and column where one applies} */
  public List<String> problems() { return problems; }

  /** {@return true when the file does not exist or cannot be read} */
  public boolean missing() { return missing; }
}
