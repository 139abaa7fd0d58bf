package dev.spectra.orchestrator.verify;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The class path of the running orchestrator, for the check runner's JVM in the sandbox: the entries of
 * {@code java.class.path}, plus the {@code Class-Path} of each jar's manifest ({@code java -jar orchestrator.jar}
 * names only the jar; its libraries are listed in its manifest; Surefire does the same with a booter jar). Every
 * entry is bound read-only into the sandbox: the orchestrator's own code and libraries, nothing private.
 */
final class CheckerClasspath {
  private CheckerClasspath() {}

  /** {@return the existing entries, in class path order, without duplicates} */
  static List<Path> of(String javaClassPath) {
    Set<Path> out = new LinkedHashSet<>();
    for (String e : javaClassPath.split(File.pathSeparator)) {
      if (e.isBlank()) continue;
      add(Path.of(e).toAbsolutePath().normalize(), out, 0);
    }
    return new ArrayList<>(out);
  }

  private static void add(Path entry, Set<Path> out, int depth) {
    if (!Files.exists(entry) || !out.add(entry)) return;
    if (depth > 2 || !Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) return;
    try (JarFile jar = new JarFile(entry.toFile())) {
      Manifest m = jar.getManifest();
      String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      if (cp == null) return;
      for (String ref : cp.trim().split("\\s+")) {
        if (ref.isEmpty()) continue;
        Path p;
        try {
          URI u = entry.getParent().toUri().resolve(ref);
          p = "file".equals(u.getScheme()) ? Path.of(u) : null;
        } catch (IllegalArgumentException e) {
          p = null;
        }
        if (p != null) add(p.toAbsolutePath().normalize(), out, depth + 1);
      }
    } catch (IOException e) {
      // Not a readable jar: it stays on the path as it is.
    }
  }
}
