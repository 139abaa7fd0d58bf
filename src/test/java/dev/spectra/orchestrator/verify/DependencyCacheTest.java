package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.verify.NetworkNeededException;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
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
    List<String> items = Collections.synchronizedList(new ArrayList<>());
    ProgressListener listener = new ProgressListener() {
      @Override public void onProgress(String step, String detail) {
        progress.add(detail);
      }

      @Override public void onCount(String step, String unit, long done, long total, long bytes, String item) {
        items.add(done + " " + bytes + " " + item);
      }
    };
    Callable<DependencyCache.Classpaths> resolve = () ->
        new DependencyCache(root, maven, Map.of()).resolve(DEPS, listener);

    List<Future<DependencyCache.Classpaths>> results;
    try (var pool = Executors.newFixedThreadPool(2)) {
      results = pool.invokeAll(List.of(resolve, resolve));
    }

    assertThat(mavenRuns()).isEqualTo(1);
    for (var r : results) assertThat(r.get().test()).containsExactly(jar);
    // One line per phase; each file only as a count (shown one by one with --verbose).
    assertThat(progress).noneMatch(p -> p.contains("lib-1.0.jar"))
        .anyMatch(p -> p.startsWith("dependency cache ready: 1 files (0.0 MB) downloaded"));
    assertThat(items).containsExactly("1 12000 downloaded lib-1.0.jar");
    assertThat(new DependencyCache(root, Optional.empty(), Map.of()).resolve(DEPS, (s, d) -> {}).main())
        .as("a filled entry needs no Maven").containsExactly(jar);
  }

  @Test
  void onceTheGraphIsResolvedTheCountHasATotalOfTheLibrariesNeitherRepositoryHolds() throws Exception {
    Path userRepo = dir.resolve("home/.m2/repository");
    Path held = userRepo.resolve("org/example/held/1.0/held-1.0.jar");
    Files.createDirectories(held.getParent());
    Files.writeString(held, "already here");
    jar = Files.writeString(dir.resolve("lib.jar"), "not really a jar");
    Path script = dir.resolve("graph-mvn");
    // Maven's order: the graph's POM files, the graph written, then the libraries it lacked.
    Files.writeString(script, """
        #!/bin/sh
        echo "[INFO] Downloaded from central: https://repo.example/a/1.0/a-1.0.pom (2 kB at 1 kB/s)"
        echo "[INFO] Downloaded from central: https://repo.example/b/1.0/b-1.0.pom (2 kB at 1 kB/s)"
        cat > graph.txt <<'TREE'
        dev.spectra.orchestrator.cache:dependency-set:pom:1
        +- org.example:a:jar:1.0:compile
        |  \\- org.example:held:jar:1.0:compile
        \\- org.example:b:jar:linux:1.0:test (optional)
        TREE
        echo "[INFO] --- dependency:3.8.1:build-classpath (main) @ dependency-set ---"
        echo "[INFO] Downloaded from central: https://repo.example/a/1.0/a-1.0.jar (1.5 MB at 1 MB/s)"
        echo "[INFO] Downloaded from central: https://repo.example/b/1.0/b-1.0-linux.jar (0.5 MB at 1 MB/s)"
        printf '%%s' '%s' > main.classpath
        printf '%%s' '%s' > test.classpath
        """.formatted(jar, jar));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    List<String> counts = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override public void onProgress(String step, String detail) {}

      @Override public void onCount(String step, String unit, long done, long total, long bytes, String item) {
        counts.add(done + "/" + total);
      }
    };
    new DependencyCache(dir.resolve("cache"), Optional.of(List.of(script.toString())), Map.of(), Optional.of(userRepo))
        .resolve(DEPS, listener);

    // Two POM files with no total yet; then 2 done of 2 + the 2 libraries missing (held is in ~/.m2).
    assertThat(counts).containsExactly("1/-1", "2/-1", "2/4", "3/4", "4/4");
  }

  @Test
  void withoutAGraphTheCountStaysWithoutATotal() throws Exception {
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), Optional.empty(), Map.of());
    assertThat(cache.missingLibraries(dir.resolve("no-such-graph.txt"))).isEqualTo(-1);
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
  void withoutNetworkTheFirstFillSaysItNeedsMavenCentralOnce() throws Exception {
    Path script = dir.resolve("offline-mvn");
    Files.writeString(script, """
        #!/bin/sh
        echo "[INFO] Scanning for projects..."
        echo "[ERROR] Failed to execute goal on project dependency-set: Could not resolve dependencies: Could not \
        transfer artifact io.javalin:javalin:pom:6.7.0 from/to central (https://repo.maven.apache.org/maven2): \
        repo.maven.apache.org: Name or service not known"
        exit 1
        """);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), Optional.of(List.of(script.toString())),
        Map.of());

    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {}))
        .isInstanceOf(NetworkNeededException.class)
        .hasMessageContaining("needs Maven Central once").hasMessageContaining("Name or service not known")
        .hasMessageNotContaining("[INFO]");
  }

  @Test
  void librariesAlreadyInTheUsersRepositoryAreTakenFromThereIntoTheCache() throws Exception {
    Path userRepo = dir.resolve("home/.m2/repository");
    Path userJar = userRepo.resolve("org/example/lib/1.0/lib-1.0.jar");
    Files.createDirectories(userJar.getParent());
    Files.writeString(userJar, "a jar from ~/.m2");
    calls = dir.resolve("calls");
    Path script = dir.resolve("tail-mvn");
    Files.writeString(script, """
        #!/bin/sh
        echo "$@" >> '%s'
        printf '%%s' '%s' > main.classpath
        printf '%%s' '%s' > test.classpath
        """.formatted(calls, userJar, userJar));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Path root = dir.resolve("cache");
    List<String> progress = new ArrayList<>();
    DependencyCache cache = new DependencyCache(root, Optional.of(List.of(script.toString())), Map.of(),
        Optional.of(userRepo));

    DependencyCache.Classpaths cp = cache.resolve(DEPS, (s, d) -> progress.add(d));

    assertThat(Files.readString(calls)).contains("-Dmaven.repo.local.tail=" + userRepo);
    Path cached = root.resolve("m2/org/example/lib/1.0/lib-1.0.jar");
    assertThat(cp.test()).as("the sandbox sees the cache, not the user's home").containsExactly(cached);
    assertThat(Files.readString(cached)).isEqualTo("a jar from ~/.m2");
    assertThat(progress).anyMatch(p -> p.contains("1 libraries") && p.contains("taken from " + userRepo));
  }

  @Test
  void mavenFailureIsReportedWithItsOutput() throws Exception {
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), fakeMaven(1), Map.of());

    // Neither a sandbox nor the network would help: a failed setup, not "no sandbox".
    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {}))
        .isInstanceOf(VerifySetupException.class)
        .hasMessageContaining("Maven exit 1").hasMessageContaining("lib-1.0.jar");
  }

  @Test
  void withoutMavenAnEmptyCacheIsARefusalThatSaysWhy() {
    DependencyCache cache = new DependencyCache(dir.resolve("cache"), Optional.empty(), Map.of());

    assertThatThrownBy(() -> cache.resolve(DEPS, (s, d) -> {}))
        .isInstanceOf(VerifySetupException.class).hasMessageContaining("no Maven");
  }
}
