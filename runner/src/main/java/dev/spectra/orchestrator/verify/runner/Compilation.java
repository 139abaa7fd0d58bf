package dev.spectra.orchestrator.verify.runner;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one source set with the in-process compiler, skipping the work when nothing it depends on changed.
 *
 * <p>The fix loop of {@code run} verifies the same workspace many times with only the tests or one handler changed;
 * hashing every source plus the class path and options is far cheaper than starting javac on unchanged sources.
 */
final class Compilation {
  /** What compiling one source set did. */
  record Outcome(boolean ok, boolean skipped, String hash, List<Map<String, Object>> errors, String log) {}

  private final Path project;
  private final JavaCompiler compiler;
  private final StandardJavaFileManager files;

  Compilation(Path project) {
    this.project = project;
    this.compiler = ToolProvider.getSystemJavaCompiler();
    if (compiler == null) {
      throw new IllegalStateException("this Java runtime has no compiler (a JDK is needed, not a JRE)");
    }
    // One file manager for both source sets: it caches the index of every jar on the class path.
    this.files = compiler.getStandardFileManager(null, null, StandardCharsets.UTF_8);
  }

  /**
   * Compiles every {@code *.java} under {@code sources} into {@code output}, with {@code resources} copied there too.
   *
   * @param upstreamHash the hash of what this set depends on besides its class path (main's hash for tests)
   */
  Outcome compile(String name, Path sources, Path resources, Path output, List<Path> classpath, int release,
      String upstreamHash, Path stateDir) throws IOException {
    Files.createDirectories(output);
    copyResources(resources, output);
    List<Path> javaFiles = javaFiles(sources);
    List<String> options = new ArrayList<>(List.of(
        "--release", Integer.toString(release), "-encoding", "UTF-8", "-d", output.toString(),
        // Generated projects use no annotation processors; scanning for them costs time on every compile.
        "-proc:none", "-implicit:none", "-g", "-nowarn", "-Xlint:none", "-Xmaxerrs", "100",
        "-classpath", joinPaths(classpath)));
    String hash = hash(options, javaFiles, upstreamHash);
    Path hashFile = stateDir.resolve(name + ".sha256");
    if (Files.isRegularFile(hashFile) && Files.readString(hashFile).strip().equals(hash)) {
      return new Outcome(true, true, hash, List.of(), "");
    }
    Files.deleteIfExists(hashFile);
    // Classes of deleted or renamed sources must not survive into the test run.
    deleteClassFiles(output);
    if (javaFiles.isEmpty()) {
      Files.writeString(hashFile, hash);
      return new Outcome(true, false, hash, List.of(), "");
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter out = new StringWriter();
    Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(javaFiles);
    boolean ok = compiler.getTask(out, files, diagnostics, options, null, units).call();
    List<Map<String, Object>> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) continue;
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("file", d.getSource() == null ? "" : relative(Path.of(d.getSource().toUri())));
      e.put("line", Math.max(0, d.getLineNumber()));
      e.put("message", d.getMessage(null));
      errors.add(e);
    }
    if (ok) Files.writeString(hashFile, hash);
    return new Outcome(ok, false, hash, errors, out.toString());
  }

  private String relative(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    return abs.startsWith(project) ? project.relativize(abs).toString() : abs.toString();
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return List.of();
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java") && Files.isRegularFile(p)).sorted().toList();
    }
  }

  private static void copyResources(Path from, Path to) throws IOException {
    if (from == null || !Files.isDirectory(from)) return;
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isRegularFile(target) && Files.mismatch(p, target) == -1) continue;
        Files.createDirectories(target.getParent());
        Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteClassFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(p -> p.toString().endsWith(".class")).sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String hash(List<String> options, List<Path> sources, String upstream) {
    MessageDigest md = sha256();
    md.update(String.join("\u0000", options).getBytes(StandardCharsets.UTF_8));
    md.update(("\u0001" + upstream).getBytes(StandardCharsets.UTF_8));
    for (Path p : sources) {
      md.update(("\u0002" + p).getBytes(StandardCharsets.UTF_8));
      try {
        md.update(Files.readAllBytes(p));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
    }
  }

  static String joinPaths(List<Path> paths) {
    return String.join(java.io.File.pathSeparator, paths.stream().map(Path::toString).toList());
  }

  static List<Path> readClasspathFile(Path file) throws IOException {
    String text = Files.readString(file).strip();
    if (text.isEmpty()) return List.of();
    return Arrays.stream(text.split("[\\n" + java.io.File.pathSeparator + "]"))
        .map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).toList();
  }
}
