package dev.spectra.orchestrator.verify;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Finds an executable by name, like {@code which}. Injected so tests can simulate a machine without bubblewrap. */
@FunctionalInterface
interface ToolLookup {
  Optional<Path> find(String program);

  /** Looks along {@code PATH} from the given environment (the usual system directories when it is unset). */
  static ToolLookup path(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin");
    return program -> {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isBlank()) continue;
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
      }
      return Optional.empty();
    };
  }
}
