package dev.spectra.orchestrator.scaffold;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test contracts: the shipped examples, and small documents written on the fly. */
final class Contracts {
  private Contracts() {}

  static Path example(String name) {
    Path p = Path.of("examples", name).toAbsolutePath();
    if (!Files.exists(p)) throw new IllegalStateException("example missing: " + p);
    return p;
  }

  static Path write(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }
}
