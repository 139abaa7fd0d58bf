package dev.spectra.orchestrator.verify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The generated projects' dependencies, resolved once outside the sandbox into a local Maven repository
 * ({@code <cache>/m2}) and remembered as class-path files keyed by a hash of the dependency set
 * ({@code <cache>/classpaths/<hash>/}). A later verify of any project with the same set reads those files and does
 * not start Maven at all, so verification needs neither Maven nor the network.
 *
 * <p>Resolution runs the orchestrator's own Maven wrapper on a small POM listing the project's direct
 * dependencies, plus the JUnit Platform launcher that the verify runner needs, aligned through the JUnit BOM with
 * the project's JUnit Jupiter version.
 */
final class DependencyCache {
  /** The two class paths of a dependency set: compile scope for main, everything for tests. */
  record Classpaths(String key, Path mainFile, Path testFile, List<Path> main, List<Path> test) {
    /** {@return every jar, for read-only access inside the sandbox} */
    List<Path> jars() {
      return test;
    }
  }

  /** Bumped when the layout of a cache entry changes, so old entries are not misread. */
  private static final String FORMAT = "v1";
  private static final String DEPENDENCY_PLUGIN = "3.8.1";
  private static final Pattern DOWNLOADED = Pattern.compile("^\\[INFO\\] Downloaded from [^:]+: (\\S+)");

  private final Path root;
  private final Optional<List<String>> maven;
  private final Map<String, String> mavenEnv;

  /**
   * @param root the orchestrator's cache directory ({@code $XDG_CACHE_HOME/orchestrator})
   * @param maven the command that starts Maven (the orchestrator's wrapper), empty when none is available
   * @param mavenEnv the environment for Maven (needs {@code JAVA_HOME}, proxies, {@code HOME})
   */
  DependencyCache(Path root, Optional<List<String>> maven, Map<String, String> mavenEnv) {
    this.root = root;
    this.maven = maven.map(List::copyOf);
    this.mavenEnv = Map.copyOf(mavenEnv);
  }

  Path repository() {
    return root.resolve("m2");
  }

  /** {@return the cache key of a dependency set: the same set in any order gives the same key} */
  static String key(List<ProjectDescriptor.Dependency> deps) {
    List<String> lines = deps.stream().map(ProjectDescriptor.Dependency::coordinates).sorted().toList();
    return sha256(FORMAT + "\n" + String.join("\n", lines)).substring(0, 24);
  }

  /** Returns the cached class paths, filling the cache first when this dependency set was never resolved. */
  synchronized Classpaths resolve(List<ProjectDescriptor.Dependency> deps, ProgressListener progress)
      throws SandboxUnavailableException, InterruptedException {
    String key = key(deps);
    Path dir = root.resolve("classpaths").resolve(key);
    Optional<Classpaths> cached = read(key, dir);
    if (cached.isPresent()) return cached.get();
    try {
      Files.createDirectories(dir.getParent());
      // Another orchestrator process may be filling the same entry: wait for it, then use its result.
      try (FileChannel lock = FileChannel.open(dir.getParent().resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); var ignored = acquire(lock)) {
        cached = read(key, dir);
        if (cached.isPresent()) return cached.get();
        fill(deps, dir, progress);
      }
    } catch (IOException e) {
      throw new SandboxUnavailableException("could not fill the dependency cache in " + root + ": " + e.getMessage(), e);
    }
    return read(key, dir).orElseThrow(() -> new SandboxUnavailableException(
        "the dependency cache in " + dir + " is incomplete after filling it; delete that directory and retry"));
  }

  /**
   * Takes the cache's file lock. A file lock belongs to the whole JVM, so a second verifier in this process gets
   * {@link OverlappingFileLockException} instead of waiting: wait for it by polling.
   */
  private static FileLock acquire(FileChannel channel) throws IOException, InterruptedException {
    while (true) {
      try {
        return channel.lock();
      } catch (OverlappingFileLockException held) {
        Thread.sleep(200);
      }
    }
  }

  private Optional<Classpaths> read(String key, Path dir) {
    Path mainFile = dir.resolve("main.classpath");
    Path testFile = dir.resolve("test.classpath");
    if (!Files.isRegularFile(mainFile) || !Files.isRegularFile(testFile)) return Optional.empty();
    try {
      List<Path> main = split(Files.readString(mainFile));
      List<Path> test = split(Files.readString(testFile));
      // A jar deleted from the repository (a cleaned cache) means the entry must be filled again.
      if (!test.stream().allMatch(Files::isRegularFile)) return Optional.empty();
      return Optional.of(new Classpaths(key, mainFile, testFile, main, test));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static List<Path> split(String text) {
    return Stream.of(text.strip().split(java.io.File.pathSeparator)).map(String::strip).filter(s -> !s.isEmpty())
        .map(Path::of).toList();
  }

  private void fill(List<ProjectDescriptor.Dependency> deps, Path dir, ProgressListener progress)
      throws IOException, InterruptedException, SandboxUnavailableException {
    List<String> mvn = maven.orElseThrow(() -> new SandboxUnavailableException(
        "the dependency cache has no entry for this project's dependencies and no Maven was found to fill it"
            + " (looked for the orchestrator's ./mvnw and for mvn on PATH)"));
    String jupiter = deps.stream()
        .filter(d -> d.groupId().equals("org.junit.jupiter"))
        .map(ProjectDescriptor.Dependency::version).findFirst()
        .orElseThrow(() -> new SandboxUnavailableException(
            "the project has no org.junit.jupiter dependency; the verifier runs JUnit Platform tests only"));
    Path work = Files.createTempDirectory(root, "fill-");
    try {
      Path pom = work.resolve("pom.xml");
      Files.writeString(pom, pom(deps, jupiter, work));
      progress.onProgress("cache", "resolving " + deps.size() + " dependencies into " + repository()
          + " (first use of this dependency set; needs the network once)");
      List<String> cmd = new ArrayList<>(mvn);
      cmd.addAll(List.of("-B", "-f", pom.toString(), "-Dmaven.repo.local=" + repository(),
          "dependency:build-classpath@main", "dependency:build-classpath@test"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
      pb.environment().putAll(mavenEnv);
      Process p = pb.start();
      Deque<String> last = new ArrayDeque<>();
      int downloaded = 0;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (last.size() == 30) last.removeFirst();
          last.addLast(line);
          Matcher m = DOWNLOADED.matcher(line);
          if (m.find()) {
            downloaded++;
            String url = m.group(1);
            progress.onProgress("cache", "downloaded " + url.substring(url.lastIndexOf('/') + 1)
                + " (" + downloaded + " files)");
          }
        }
      } catch (IOException e) {
        // Maven closed its output; its exit code says the rest.
      }
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        ProcessTree.killTree(p);
        throw e;
      }
      if (code != 0) {
        throw new SandboxUnavailableException("could not resolve the project's dependencies (Maven exit " + code
            + "); the last lines of its output:\n" + String.join("\n", last));
      }
      Path staged = work.resolve("entry");
      Files.createDirectories(staged);
      Files.move(work.resolve("main.classpath"), staged.resolve("main.classpath"));
      Files.move(work.resolve("test.classpath"), staged.resolve("test.classpath"));
      // A stale entry (its jars were cleaned away) is replaced; the lock keeps other readers out meanwhile.
      deleteTree(dir);
      Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
      progress.onProgress("cache", "dependency cache ready (" + downloaded + " files downloaded)");
    } finally {
      deleteTree(work);
    }
  }

  private static String pom(List<ProjectDescriptor.Dependency> deps, String jupiterVersion, Path work) {
    StringBuilder d = new StringBuilder();
    for (var dep : deps) {
      d.append("    <dependency><groupId>").append(xml(dep.groupId())).append("</groupId><artifactId>")
          .append(xml(dep.artifactId())).append("</artifactId><version>").append(xml(dep.version()))
          .append("</version><scope>").append(xml(dep.scope())).append("</scope></dependency>\n");
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>dev.spectra.orchestrator.cache</groupId>
          <artifactId>dependency-set</artifactId>
          <version>1</version>
          <packaging>pom</packaging>
          <dependencyManagement>
            <dependencies>
              <!-- Keeps the launcher on the same JUnit Platform version as the project's Jupiter. -->
              <dependency><groupId>org.junit</groupId><artifactId>junit-bom</artifactId><version>%s</version>
                <type>pom</type><scope>import</scope></dependency>
            </dependencies>
          </dependencyManagement>
          <dependencies>
        %s    <dependency><groupId>org.junit.platform</groupId><artifactId>junit-platform-launcher</artifactId>
              <scope>test</scope></dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-dependency-plugin</artifactId>
                <version>%s</version>
                <executions>
                  <execution><id>main</id><phase>none</phase>
                    <configuration><includeScope>compile</includeScope><outputFile>%s</outputFile></configuration>
                  </execution>
                  <execution><id>test</id><phase>none</phase>
                    <configuration><includeScope>test</includeScope><outputFile>%s</outputFile></configuration>
                  </execution>
                </executions>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(xml(jupiterVersion), d, DEPENDENCY_PLUGIN, xml(work.resolve("main.classpath").toString()),
        xml(work.resolve("test.classpath").toString()));
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Best effort: a leftover temp directory in the cache is harmless.
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
    }
  }
}
