package dev.spectra.orchestrator.verify;

import dev.spectra.orchestrator.verify.NetworkNeededException;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
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
  private static final String GRAPH_FILE = "graph.txt";
  private static final Pattern DOWNLOADED = Pattern.compile(
      "^\\[INFO\\] Downloaded from [^:]+: (\\S+)(?: \\(([0-9.]+) (B|kB|KB|MB|GB)[ )])?");
  /** What Maven and the JDK say when the repository cannot be reached at all (as opposed to a missing artifact). */
  private static final Pattern NO_NETWORK = Pattern.compile("UnknownHostException|Unknown host|Name or service not"
      + " known|Temporary failure in name resolution|Network is unreachable|No route to host|Connection refused"
      + "|[Cc]onnect timed out|Connect to \\S+ .*failed|Could not transfer .* from/to central|in offline mode");

  private final Path root;
  private final Optional<List<String>> maven;
  private final Map<String, String> mavenEnv;
  private final Optional<Path> userRepository;

  /**
   * @param root the orchestrator's cache directory ({@code $XDG_CACHE_HOME/orchestrator})
   * @param maven the command that starts Maven (the orchestrator's wrapper), empty when none is available
   * @param mavenEnv the environment for Maven (needs {@code JAVA_HOME}, proxies, {@code HOME})
   */
  DependencyCache(Path root, Optional<List<String>> maven, Map<String, String> mavenEnv) {
    this(root, maven, mavenEnv, Optional.empty());
  }

  /**
   * @param userRepository the user's own Maven repository ({@code ~/.m2/repository}): read first, so what it
   *     already holds is copied (hard-linked where possible) instead of downloaded; the cache never points into it,
   *     because the sandbox cannot see the user's home
   */
  DependencyCache(Path root, Optional<List<String>> maven, Map<String, String> mavenEnv,
      Optional<Path> userRepository) {
    this.root = root;
    this.maven = maven.map(List::copyOf);
    this.mavenEnv = Map.copyOf(mavenEnv);
    this.userRepository = userRepository.filter(Files::isDirectory).map(p -> p.toAbsolutePath().normalize());
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
      throw new VerifySetupException("could not fill the dependency cache in " + root + ": " + e.getMessage(), e);
    }
    return read(key, dir).orElseThrow(() -> new VerifySetupException(
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
    List<String> mvn = maven.orElseThrow(() -> new VerifySetupException(
        "the dependency cache has no entry for this project's dependencies and no Maven was found to fill it"
            + " (looked for the orchestrator's ./mvnw and for mvn on PATH)"));
    String jupiter = deps.stream()
        .filter(d -> d.groupId().equals("org.junit.jupiter"))
        .map(ProjectDescriptor.Dependency::version).findFirst()
        .orElseThrow(() -> new VerifySetupException(
            "the project has no org.junit.jupiter dependency; the verifier runs JUnit Platform tests only"));
    Path work = Files.createTempDirectory(root, "fill-");
    try {
      Path pom = work.resolve("pom.xml");
      Files.writeString(pom, pom(deps, jupiter, work));
      progress.onProgress("cache", "filling the dependency cache " + repository() + " for " + deps.size()
          + " dependencies (first use of this set; downloads from Maven Central"
          + userRepository.map(r -> " what " + r + " lacks").orElse("") + ")");
      List<String> cmd = new ArrayList<>(mvn);
      // -U: Maven remembers a failed download (no network last time) and would otherwise not try again for a day.
      cmd.addAll(List.of("-B", "-U", "-f", pom.toString(), "-Dmaven.repo.local=" + repository()));
      // Maven 3.9 reads a "tail" of further local repositories before going to the network.
      userRepository.ifPresent(r -> cmd.add("-Dmaven.repo.local.tail=" + r));
      cmd.addAll(List.of("dependency:tree@graph", "dependency:build-classpath@main", "dependency:build-classpath@test"));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true);
      pb.environment().putAll(mavenEnv);
      Process p = pb.start();
      Deque<String> last = new ArrayDeque<>();
      int downloaded = 0;
      long bytes = 0;
      // Unknown until the graph is resolved; then the files so far plus the libraries neither repository holds.
      long total = -1;
      String offline = null;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (last.size() == 30) last.removeFirst();
          last.addLast(line);
          Matcher m = DOWNLOADED.matcher(line);
          if (m.find()) {
            downloaded++;
            bytes += size(m.group(2), m.group(3));
            // A download the graph did not foresee (a library's extra file) moves the total along with it.
            if (total >= 0 && downloaded > total) total = downloaded;
            String url = m.group(1);
            progress.onCount("cache", "files downloaded", downloaded, total, bytes,
                "downloaded " + url.substring(url.lastIndexOf('/') + 1));
          } else if (total < 0 && line.contains(":build-classpath (main)")) {
            long missing = missingLibraries(work.resolve(GRAPH_FILE));
            if (missing >= 0) {
              total = downloaded + missing;
              progress.onCount("cache", "files downloaded", downloaded, total, bytes, null);
            }
          } else if (offline == null && line.startsWith("[ERROR]")) {
            Matcher n = NO_NETWORK.matcher(line);
            if (n.find()) offline = line.substring("[ERROR]".length()).strip();
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
      if (code != 0 && offline != null) {
        throw new NetworkNeededException("the first build needs Maven Central once, to fill the dependency cache ("
            + repository() + ") with the generated project's libraries, and it could not be reached: "
            + shorten(offline) + ". Connect to the network (or configure a proxy in ~/.m2/settings.xml) and run the"
            + " same command again; later builds run offline.");
      }
      if (code != 0) {
        throw new VerifySetupException("could not resolve the project's dependencies (Maven exit " + code
            + "); the last lines of its output:\n" + String.join("\n", last));
      }
      Path staged = work.resolve("entry");
      Files.createDirectories(staged);
      java.util.Set<Path> reused = new java.util.HashSet<>();
      for (String name : List.of("main.classpath", "test.classpath")) {
        List<Path> jars = new ArrayList<>();
        for (Path jar : split(Files.readString(work.resolve(name)))) jars.add(localize(jar, reused));
        Files.writeString(staged.resolve(name), String.join(java.io.File.pathSeparator,
            jars.stream().map(Path::toString).toList()));
      }
      // A stale entry (its jars were cleaned away) is replaced; the lock keeps other readers out meanwhile.
      deleteTree(dir);
      Files.move(staged, dir, StandardCopyOption.ATOMIC_MOVE);
      progress.onProgress("cache", "dependency cache ready: " + downloaded + " files (" + megabytes(bytes)
          + ") downloaded" + (userRepository.isPresent() ? ", " + reused.size() + " libraries ("
          + megabytes(sizes(reused)) + ") taken from " + userRepository.get() : ""));
    } finally {
      deleteTree(work);
    }
  }

  /**
   * {@return how many libraries of the resolved graph neither the cache nor the user's repository holds yet, or -1
   * when the graph file is missing or unreadable} The graph is Maven's text tree: a root line, then one
   * {@code group:artifact:type[:classifier]:version:scope} per library behind the tree's drawing characters.
   */
  long missingLibraries(Path graphFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(graphFile);
    } catch (IOException e) {
      return -1;
    }
    long missing = 0;
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] parts = line.replaceFirst("^[\\s|+\\\\-]+", "").strip().split(":");
      if (parts.length != 5 && parts.length != 6) continue;
      if (!parts[2].equals("jar")) continue;
      String classifier = parts.length == 6 ? "-" + parts[3] : "";
      String version = parts[parts.length - 2];
      String relative = parts[0].replace('.', '/') + "/" + parts[1] + "/" + version + "/" + parts[1] + "-" + version
          + classifier + ".jar";
      boolean held = Files.isRegularFile(repository().resolve(relative))
          || userRepository.map(r -> Files.isRegularFile(r.resolve(relative))).orElse(false);
      if (!held) missing++;
    }
    return missing;
  }

  /**
   * Brings a jar Maven found in the user's repository into the cache (same relative path), so the sandbox, which
   * sees only the cache, can read it; a hard link costs nothing when both are on one file system.
   */
  private Path localize(Path jar, java.util.Set<Path> reused) throws IOException {
    Path abs = jar.toAbsolutePath().normalize();
    if (userRepository.isEmpty() || abs.startsWith(repository()) || !abs.startsWith(userRepository.get())) return abs;
    Path target = repository().resolve(userRepository.get().relativize(abs).toString()).normalize();
    if (!target.startsWith(repository())) return abs;
    if (!Files.isRegularFile(target)) {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling(target.getFileName() + ".part");
      Files.deleteIfExists(tmp);
      try {
        Files.createLink(tmp, abs);
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(abs, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    reused.add(target);
    return target;
  }

  private static long sizes(java.util.Set<Path> files) throws IOException {
    long total = 0;
    for (Path f : files) total += Files.size(f);
    return total;
  }

  /** Maven prints sizes as "305 B", "9.6 kB", "1.2 MB" (powers of 1000). */
  static long size(String number, String unit) {
    if (number == null || unit == null) return 0;
    double n = Double.parseDouble(number);
    return (long) switch (unit) {
      case "kB", "KB" -> n * 1e3;
      case "MB" -> n * 1e6;
      case "GB" -> n * 1e9;
      default -> n;
    };
  }

  private static String megabytes(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
  }

  private static String shorten(String line) {
    // Maven's reason comes last ("...: repo.maven.apache.org: Name or service not known").
    return line.length() <= 200 ? line : "..." + line.substring(line.length() - 200);
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
                  <!-- The graph first (POM files only): it tells how many libraries are still to download. -->
                  <execution><id>graph</id><phase>none</phase>
                    <configuration><outputType>text</outputType><outputFile>%s</outputFile></configuration>
                  </execution>
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
        """.formatted(xml(jupiterVersion), d, DEPENDENCY_PLUGIN, xml(work.resolve(GRAPH_FILE).toString()),
        xml(work.resolve("main.classpath").toString()), xml(work.resolve("test.classpath").toString()));
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
