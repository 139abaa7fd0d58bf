package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache's fill-once logic, with a recording stand-in for Maven (a script that writes the class-path files). */
class DependencyCacheTest {
  @TempDir Path dir;

  static final List<ProjectDescriptor.Dependency> DEPS = List.of(
      new ProjectDescriptor.Dependency("org.junit.jupiter", "junit-jupiter", "5.14.4", "test"));

  Path jar;
  Path calls;

  Optional<List<String>> fakeMaven(int exitCode) throws Exception {
    jar = Files.writeString(dir.resolve("lib.jar"), "not really a jar");
    calls = dir.resolve("calls");
    Path script = dir.resolve("fake-mvn");
    Files.writeString(script, """
        #!/bin/sh
        echo run >> '%s'
        echo "[INFO] Downloaded from central: https://repo.example/lib/1.0/lib-1.0.jar (12 kB)"
        printf '%%s' '%s' > main.classpath
        printf '%%s' '%s' > test.classpath
        exit %d
        """.formatted(calls, jar, jar, exitCode));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return Optional.of(List.of(script.toString()));
  }

  int mavenRuns() throws Exception {
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }

  @Test
  void fillsOnceThenReusesTheEntryWithoutMavenEvenAcrossVerifiersInOneProcess() throws Exception {
    Optional<List<String>> maven = fakeMaven(0);
    Path root = dir.resolve("cache");
    List<String> progress = Collections.synchronizedList(new ArrayList<>());
    Callable<DependencyCache.Classpaths> resolve = () ->
        new DependencyCache(root, maven, Map.of()).resolve(DEPS, (step, detail) -> progress.add(detail));

    List<Future<DependencyCache.Classpaths>> results;
    try (var pool = Executors.newFixedThreadPool(2)) {
      results = pool.invokeAll(List.of(resolve, resolve));
    }

    assertThat(mavenRuns()).isEqualTo(1);
    for (var r : results) assertThat(r.get().test()).containsExactly(jar);
    assertThat(progress).anyMatch(p -> p.contains("lib-1.0.jar"));
    assertThat(new DependencyCache(root, Optional.empty(), Map.of()).resolve(DEPS, (s, d) -> {}).main())
        .as("a filled entry needs no Maven").containsExactly(jar);
  }

  @Test
  void refillsWhenAJarOfTheEntryWasCleanedAway() throws Exception {
    Optional<List<String>> maven = fakeMaven(0);
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), maven, Map.of());
    cache.resolve(DEPS, (s, d) -> {});
    Files.delete(jar);
    Files.writeString(jar, "back");

    cache.resolve(DEPS, (s, d) -> {});
    assertThat(mavenRuns()).isEqualTo(1);

    Files.delete(jar);
    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {})).isInstanceOf(SandboxUnavailableException.class);
    assertThat(mavenRuns()).as("the missing jar sent it back to Maven").isEqualTo(2);
  }

  @Test
  void mavenFailureIsReportedWithItsOutput() throws Exception {
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), fakeMaven(1), Map.of());

    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {}))
        .isInstanceOf(SandboxUnavailableException.class)
        .hasMessageContaining("Maven exit 1").hasMessageContaining("lib-1.0.jar");
  }

  @Test
  void withoutMavenAnEmptyCacheIsARefusalThatSaysWhy() {
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), Optional.empty(), Map.of());

    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {}))
        .isInstanceOf(SandboxUnavailableException.class).hasMessageContaining("no Maven");
  }
}
