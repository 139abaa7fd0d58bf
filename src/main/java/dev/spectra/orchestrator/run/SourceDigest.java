package dev.spectra.orchestrator.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The part of the scaffolded code a prompt needs: type declarations and public signatures of the service's own
 * classes (store, models, handler interface), not their bodies. This is what keeps an implementation prompt to a
 * few hundred tokens instead of the whole project.
 */
final class SourceDigest {
  private static final Pattern DECLARATION = Pattern.compile(
      "^\\s*(public\\s+|protected\\s+)?(static\\s+)?(final\\s+|sealed\\s+|abstract\\s+)*"
          + "(record|class|interface|enum)\\s+\\w+.*");
  private static final Pattern SIGNATURE = Pattern.compile("^(\\s*(?:public|protected|default|static)\\s+"
      + "(?:static\\s+|final\\s+|default\\s+|synchronized\\s+|abstract\\s+)*[\\w<>\\[\\],.? ]+?\\s*\\([^)]*\\)"
      + "(?:\\s*throws\\s+[\\w., ]+)?)\\s*[{;].*");
  /** Interface methods carry no modifier. */
  private static final Pattern ABSTRACT = Pattern.compile(
      "^\\s+[\\w<>\\[\\],.? ]+\\s+\\w+\\s*\\([^)]*\\)(\\s*throws\\s+[\\w., ]+)?\\s*;\\s*$");
  private static final int MAX_CHARS = 3500;

  private SourceDigest() {}

  /**
   * @param exclude relative paths left out (the handlers themselves, which the prompt shows whole)
   */
  static String of(Path project, RunState state, Set<String> exclude) throws IOException {
    String dir = "src/main/java/" + state.basePackage.replace('.', '/') + "/";
    // Only files the scaffold created or the pipeline wrote, unchanged (see KnownFiles).
    List<String> files = state.knownFiles.keySet().stream().filter(f -> f.startsWith(dir) && f.endsWith(".java"))
        .sorted().toList();
    StringBuilder sb = new StringBuilder();
    for (String rel : files) {
      // Other operations' handlers and the entry point are noise for this prompt.
      if (exclude.contains(rel) || rel.contains("/ops/") || rel.endsWith("/Main.java")) continue;
      var text = KnownFiles.read(project, state, rel);
      if (text.isEmpty()) continue;
      List<String> lines = new ArrayList<>();
      for (String line : text.get().split("\n", -1)) {
        var signature = SIGNATURE.matcher(line);
        if (DECLARATION.matcher(line).matches()) {
          lines.add(line.replaceAll("\\s*\\{.*$", "").stripTrailing());
        } else if (ABSTRACT.matcher(line).matches() && !line.strip().startsWith("return ")) {
          lines.add(line.stripTrailing());
        } else if (signature.matches()) {
          lines.add(signature.group(1).stripTrailing() + ";");
        }
      }
      if (lines.isEmpty()) continue;
      String block = "// " + rel.substring(rel.indexOf("/java/") + 6) + "\n" + String.join("\n", lines) + "\n";
      if (sb.length() + block.length() > MAX_CHARS) {
        sb.append("// (more types omitted)\n");
        break;
      }
      sb.append(block);
    }
    return sb.toString();
  }
}
