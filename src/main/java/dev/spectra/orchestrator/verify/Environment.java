package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads the verifier's settings from the process environment and the orchestrator's install. */
final class Environment {
  private Environment() {}

  /** @param cacheRoot the orchestrator's cache directory ({@code $XDG_CACHE_HOME/orchestrator}) */
  static SandboxVerifier.Settings settings(Map<String, String> env, Path cacheRoot) {
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")));
    Path javaHome = Path.of(System.getProperty("java.home"));
    ToolLookup tools = ToolLookup.path(env);
    Map<String, String> mavenEnv = new HashMap<>(env);
    // The wrapper must use the JDK that runs the orchestrator, whatever JAVA_HOME says.
    mavenEnv.put("JAVA_HOME", javaHome.toString());
    return new SandboxVerifier.Settings(cacheRoot, maven(tools), mavenEnv, tools, javaHome, home, isRoot(),
        Path.of("/sys/fs/cgroup"));
  }

  /** The orchestrator's own Maven wrapper (pinned Maven 3.9), else {@code mvn} on PATH. */
  static Optional<List<String>> maven(ToolLookup tools) {
    Optional<Path> install = install();
    if (install.isPresent()) {
      Path mvnw = install.get().resolve("mvnw");
      if (Files.isExecutable(mvnw)) return Optional.of(List.of(mvnw.toString()));
    }
    return tools.find("mvn").map(p -> List.of(p.toString()));
  }

  /**
   * The orchestrator's install directory: the {@code orchestrator.home} property the launcher sets, else the
   * directory above {@code target/} that holds the running classes (tests, IDE runs).
   */
  static Optional<Path> install() {
    String prop = System.getProperty("orchestrator.home");
    if (prop != null && !prop.isBlank()) return Optional.of(Path.of(prop));
    try {
      Path code = Path.of(Environment.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path p = code; p != null; p = p.getParent()) {
        if (p.getFileName() != null && p.getFileName().toString().equals("target") && p.getParent() != null) {
          return Optional.of(p.getParent());
        }
      }
    } catch (URISyntaxException | NullPointerException e) {
      // No code source (an unusual class loader): fall back to mvn on PATH.
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    try {
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
