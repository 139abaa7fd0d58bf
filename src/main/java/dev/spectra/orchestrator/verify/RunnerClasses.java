package dev.spectra.orchestrator.verify;

import dev.spectra.orchestrator.verify.runner.VerifyRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Copies the verify runner's classes (and only them) out of the orchestrator's jar or class directory into
 * {@code <cache>/runner/<hash>/runner.jar}. The sandboxed JVM gets that jar on its class path instead of the
 * orchestrator's jar, whose manifest would drag the orchestrator's own libraries into the project's class path. A
 * jar, not a directory, because the JVM archives classes for faster starts only from jars.
 */
final class RunnerClasses {
  private static final String PACKAGE_DIR = VerifyRunner.class.getPackageName().replace('.', '/') + "/";

  private RunnerClasses() {}

  /** {@return the jar of the runner's classes, written on first use} */
  static Path extract(Path cacheRoot) throws IOException {
    Map<String, byte[]> classes = load();
    MessageDigest md = sha256();
    classes.forEach((name, bytes) -> {
      md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      md.update(bytes);
    });
    String hash = HexFormat.of().formatHex(md.digest()).substring(0, 16);
    Path dir = cacheRoot.resolve("runner").resolve(hash);
    Path jar = dir.resolve("runner.jar");
    if (Files.isRegularFile(jar)) return jar;
    Files.createDirectories(dir.getParent());
    Path staging = Files.createTempDirectory(dir.getParent(), "extract-");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(staging.resolve("runner.jar")))) {
      for (var e : classes.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
    try {
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another process wrote the same classes first; its copy is identical.
      DependencyCache.deleteTree(staging);
      if (!Files.isRegularFile(jar)) throw raced;
    }
    return jar;
  }

  private static Map<String, byte[]> load() throws IOException {
    Path source;
    try {
      source = Path.of(VerifyRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IOException("cannot locate the verify runner's classes", e);
    }
    Map<String, byte[]> classes = new LinkedHashMap<>();
    if (Files.isDirectory(source)) {
      Path pkg = source.resolve(PACKAGE_DIR);
      try (Stream<Path> s = Files.walk(pkg)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
          classes.put(source.relativize(p).toString(), Files.readAllBytes(p));
        }
      }
    } else {
      try (JarFile jar = new JarFile(source.toFile())) {
        for (JarEntry e : jar.stream().filter(e -> e.getName().startsWith(PACKAGE_DIR))
            .filter(e -> e.getName().endsWith(".class")).sorted(java.util.Comparator.comparing(JarEntry::getName))
            .toList()) {
          try (InputStream in = jar.getInputStream(e)) {
            classes.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    if (classes.isEmpty()) throw new IOException("no verify runner classes found in " + source);
    return classes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every Java runtime", e);
    }
  }
}
