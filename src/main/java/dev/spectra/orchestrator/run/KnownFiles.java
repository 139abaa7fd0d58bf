package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The files a prompt may show: those the scaffold created and those the pipeline itself wrote, each with the
 * SHA-256 of what was written ({@link RunState#knownFiles}). The workspace is shared with generated code, which may
 * replace a file with a link to a host file or overwrite it with what it read; so a file is shown only when it is
 * still a plain file (read without following links) with exactly the content on record.
 */
final class KnownFiles {
  /** Larger files are not put into prompts. */
  static final int MAX_BYTES = 1024 * 1024;

  private KnownFiles() {}

  static String digest(String content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(content.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Records every regular file of a freshly scaffolded tree (nothing generated has run in it yet). */
  static void recordScaffold(Path tree, RunState state) throws IOException {
    try (Stream<Path> walk = Files.walk(tree)) {
      for (Path f : walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        String rel = tree.relativize(f).toString().replace('\\', '/');
        if (rel.startsWith("target/")) continue;
        state.knownFiles.put(rel, digest(Files.readString(f)));
      }
    }
  }

  /** {@return the file's text, when it is known and unchanged; empty otherwise} */
  static Optional<String> read(Path project, RunState state, String relative) {
    String expected = state.knownFiles.get(relative);
    if (expected == null) return Optional.empty();
    try {
      String text = new String(new UntrustedTree(project).read(relative, MAX_BYTES), StandardCharsets.UTF_8);
      return digest(text).equals(expected) ? Optional.of(text) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
