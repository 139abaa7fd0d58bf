package dev.spectra.orchestrator.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import dev.spectra.orchestrator.verify.workspace.Names;

/**
 * Decides whether a model-chosen path may be written, and writes it. The model may only write Java sources in the
 * service's own package (the operation's handler, files it created itself, new files) and scenario tests; never
 * the contract tests, never the scaffold's other files, never outside the project, never through a symlink.
 */
final class PathGuard {
  /** Longest path the model may choose: far below PATH_MAX, with room for the project's own location. */
  static final int MAX_PATH = 240;
  /** Longest segment: Java class names are short, and file systems refuse names over 255 bytes. */
  static final int MAX_SEGMENT = 100;
  /** The documented character set of model-chosen paths (docs/run.md): what Java sources need, nothing else. */
  private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_$./-]+");

  private final Path root;
  private final String mainPrefix;
  private final String scenarioPrefix;
  private final String contractPrefix;

  PathGuard(Path projectRoot, String basePackage) {
    this.root = projectRoot.toAbsolutePath().normalize();
    String pkgPath = basePackage.replace('.', '/');
    this.mainPrefix = "src/main/java/" + pkgPath + "/";
    this.scenarioPrefix = "src/test/java/" + pkgPath + "/scenario/";
    this.contractPrefix = "src/test/java/" + pkgPath + "/contract/";
  }

  /** The outcome for one path. */
  sealed interface Decision {
    record Allowed(String relative, Path target) implements Decision {}

    record Refused(String path, String reason) implements Decision {}
  }

  /** {@return where new files may go, for the prompt} */
  List<String> allowedFolders() {
    return List.of(mainPrefix, scenarioPrefix);
  }

  /**
   * Checks {@code path} against the rules.
   *
   * @param editable existing files (relative) the model may replace: its handler files and files it wrote before
   */
  Decision check(String path, Set<String> editable) {
    if (path == null || path.isBlank()) return new Decision.Refused(String.valueOf(path), "empty path");
    String p = path.strip();
    // Guard clauses, each with its reason; the order puts the most dangerous first. The refused path is kept
    // printable: it goes into the report and the next prompt.
    if (p.indexOf('\0') >= 0) return refused(p, "NUL byte in path");
    for (int i = 0; i < p.length(); ) {
      int c = p.codePointAt(i);
      if (Names.unsafe(c)) {
        return refused(p, String.format("control, bidirectional or invisible character U+%04X in path", c));
      }
      i += Character.charCount(c);
    }
    if (p.startsWith("/") || p.startsWith("~") || p.matches("^[A-Za-z]:.*") || p.startsWith("\\")) {
      return refused(p, "absolute path: paths must be relative to the project");
    }
    if (p.indexOf('\\') >= 0) return refused(p, "backslash in path: use '/'");
    if (p.length() > MAX_PATH) return refused(p, "path longer than " + MAX_PATH + " characters");
    for (String s : p.split("/")) {
      if (s.length() > MAX_SEGMENT) return refused(p, "a path segment longer than " + MAX_SEGMENT + " characters");
    }
    if (!ALLOWED.matcher(p).matches()) {
      return refused(p, "characters outside the allowed set: ASCII letters, digits, '_', '$', '-', '.' and '/'");
    }
    List<String> segments = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) return refused(p, "'..' leaves the allowed folders");
      segments.add(s);
    }
    String rel = String.join("/", segments);
    if (rel.startsWith(contractPrefix) || rel.contains("/contract/")) {
      return refused(p, "contract tests are read-only: change the code so that they pass");
    }
    if (!rel.endsWith(".java")) return refused(p, "only .java source files may be written");
    boolean main = rel.startsWith(mainPrefix);
    boolean scenario = rel.startsWith(scenarioPrefix);
    if (!main && !scenario) {
      return refused(p, "outside the allowed folders " + mainPrefix + " and " + scenarioPrefix);
    }
    Path target = root.resolve(rel).normalize();
    if (!target.startsWith(root)) return refused(p, "resolves outside the project");
    String link = symlinkIn(rel);
    if (link != null) return refused(p, "path goes through a symlink (" + link + ")");
    if (!insideRealRoot(target)) return refused(p, "real path is outside the project");
    if (Files.isSymbolicLink(target) && !editable.contains(rel)) {
      return refused(p, "path is a symlink left in the workspace, and not a file you may change");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !editable.contains(rel)) {
      return refused(p, (main ? "scaffolded file" : "generated acceptance test")
          + " is read-only: only the operation's handler and files you created may change");
    }
    return new Decision.Allowed(rel, target);
  }

  private static Decision.Refused refused(String path, String reason) {
    return new Decision.Refused(Names.printable(path), reason);
  }

  /** Writes an allowed file through a temporary sibling, so a crash never leaves half a source file. */
  void write(Decision.Allowed allowed, String content) throws IOException {
    Files.createDirectories(allowed.target().getParent());
    // Directories created just now cannot be links, but re-check: the workspace is shared with generated code.
    if (symlinkIn(allowed.relative()) != null || !insideRealRoot(allowed.target())) {
      throw new IOException("refusing to write " + allowed.relative() + ": a symlink appeared in its path");
    }
    // A fresh name (O_EXCL): a link planted at a predictable temporary name is never written through.
    Path tmp = Files.createTempFile(allowed.target().getParent(), "." + allowed.target().getFileName(), ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, allowed.target(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * {@return the first directory on the way to {@code rel} that is a symbolic link, or null}. The file itself may be
   * a link (generated code replaced one of our files with it): writing renames over the link, never through it.
   */
  private String symlinkIn(String rel) {
    Path current = root;
    String[] parts = rel.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.resolve(parts[i]);
      if (Files.isSymbolicLink(current)) return root.relativize(current).toString();
      if (!Files.exists(current, LinkOption.NOFOLLOW_LINKS)) return null;
    }
    return null;
  }

  private boolean insideRealRoot(Path target) {
    try {
      Path realRoot = root.toRealPath();
      // From the parent: the file itself may be a link that writing replaces.
      Path existing = target.getParent();
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
      return existing != null && existing.toRealPath().startsWith(realRoot);
    } catch (IOException e) {
      return false;
    }
  }
}
