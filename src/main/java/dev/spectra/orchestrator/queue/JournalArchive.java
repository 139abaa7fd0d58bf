package dev.spectra.orchestrator.queue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Base64;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A build's staging directory (its {@code state.json}, the project written so far) as one base64 zip, kept in the
 * database after every completed step so that a worker on another machine resumes the build where it stopped.
 * Only regular files are taken (the sandbox may have left links: never followed), compiled output is left out (the
 * next verification rebuilds it), and restoring writes only names that stay inside the staging directory.
 */
public final class JournalArchive {
  /** Beyond this the journal is not kept in the database (resume then needs the staging directory itself). */
  public static final long MAX_BYTES = 32L * 1024 * 1024;
  /** Directories of compiled output and caches: rebuilt by the next verification. */
  private static final Set<String> LEFT_OUT = Set.of("target", ".m2", "project.tmp");

  private JournalArchive() {}

  /** {@return the archive of {@code staging}, or empty when it is larger than {@link #MAX_BYTES}} */
  public static Optional<String> capture(Path staging) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] total = {0};
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      Files.walkFileTree(staging, new SimpleFileVisitor<>() {
        @Override public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(staging) && LEFT_OUT.contains(dir.getFileName().toString())
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          // walkFileTree does not follow links: a link is visited as itself, and only regular files are taken.
          if (!attrs.isRegularFile()) return FileVisitResult.CONTINUE;
          total[0] += attrs.size();
          if (total[0] > MAX_BYTES) return FileVisitResult.TERMINATE;
          zip.putNextEntry(new ZipEntry(staging.relativize(file).toString().replace('\\', '/')));
          try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(zip);
          }
          zip.closeEntry();
          return FileVisitResult.CONTINUE;
        }
      });
    }
    if (total[0] > MAX_BYTES) return Optional.empty();
    return Optional.of(Base64.getEncoder().encodeToString(bytes.toByteArray()));
  }

  /**
   * Replaces {@code staging} with the archive's content: written beside it first, then moved into place.
   *
   * @throws IOException for an archive with a name outside the directory (absolute, {@code ..}): nothing is written
   */
  public static void restore(String archive, Path staging) throws IOException {
    Path target = staging.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling(target.getFileName() + ".restoring");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(archive)))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String name = e.getName();
        Path to = tmp.resolve(name).normalize();
        if (name.startsWith("/") || name.contains("\\") || !to.startsWith(tmp) || to.equals(tmp)) {
          deleteTree(tmp);
          throw new IOException("the journal in the database names a file outside the build's directory: " + name);
        }
        if (e.isDirectory()) {
          Files.createDirectories(to);
          continue;
        }
        Files.createDirectories(to.getParent());
        Files.copy(zip, to, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IllegalArgumentException e) {
      deleteTree(tmp);
      throw new IOException("the journal in the database is not readable: " + e.getMessage(), e);
    }
    deleteTree(target);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes a tree without following links (a link is removed, not what it points to). */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(dir);
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }
}
