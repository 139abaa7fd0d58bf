package dev.spectra.orchestrator.verify.workspace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A directory tree that generated code could write (the sandbox's workspace), read and written by the host as
 * hostile input. Every access goes through directory handles ({@link SecureDirectoryStream}: {@code openat} with
 * {@code O_NOFOLLOW}), so a symlink or a directory swapped for one is never followed; a name is never resolved
 * again from the root after it was checked.
 *
 * <p>After the sandbox has ended, {@link #sweep} removes whatever is not a plain regular file or directory:
 * symbolic links (they could point at {@code ~/.profile} or {@code /}), hard links (a second name of a file, maybe
 * outside), device files, FIFOs and sockets. Later reads ({@link #read}) and writes ({@link #replace}) refuse them
 * again, in case something was missed.
 */
public final class UntrustedTree {
  /** Something the sweep removed, with the path relative to the root and what it was. */
  public record Removed(String path, String what) {
    public String render() {
      return Names.printable(path) + " (" + what + ")";
    }
  }

  /** A file the host refused to read or write, with the reason. */
  public static final class Refused extends IOException {
    public Refused(String message) {
      super(message, null);
    }
  }

  /** Directories deeper than this are removed: nothing generated nests that deep, a hostile test might. */
  static final int MAX_DEPTH = 64;

  private final Path root;

  /** @param root a directory the host created itself (its own path is trusted, its contents are not) */
  public UntrustedTree(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  /**
   * Removes every entry that is not a regular file with one name or a directory, and reports each.
   *
   * @throws IOException when the tree cannot be read safely (then nothing of it may be trusted)
   */
  public List<Removed> sweep() throws IOException {
    List<Removed> removed = new ArrayList<>();
    try (SecureDirectoryStream<Path> dir = open()) {
      sweep(dir, "", 0, removed);
    }
    return removed;
  }

  private void sweep(SecureDirectoryStream<Path> dir, String prefix, int depth, List<Removed> removed)
      throws IOException {
    List<Path> names = new ArrayList<>();
    for (Path p : dir) names.add(p.getFileName());
    for (Path name : names) {
      String rel = prefix + name;
      BasicFileAttributes a;
      try {
        a = attributes(dir, name);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (a.isDirectory()) {
        if (depth >= MAX_DEPTH) {
          deleteTree(dir, name, rel);
          removed.add(new Removed(rel, "directory nested deeper than " + MAX_DEPTH));
          continue;
        }
        try (SecureDirectoryStream<Path> sub = openDir(dir, name, rel)) {
          sweep(sub, rel + "/", depth + 1, removed);
        }
        continue;
      }
      String what = kind(a, rel);
      if (what != null) {
        dir.deleteFile(name);
        removed.add(new Removed(rel, what));
      }
    }
  }

  /** {@return why an entry that is not a directory must go, or null for a plain regular file} */
  private String kind(BasicFileAttributes a, String rel) throws IOException {
    if (a.isSymbolicLink()) return "symbolic link";
    if (a.isOther()) return "device, FIFO or socket";
    if (!a.isRegularFile()) return "not a regular file";
    int links = links(rel);
    if (links > 1) return "hard link: the file has " + links + " names, maybe outside the project";
    return null;
  }

  /**
   * The link count is not among the attributes a directory handle offers, so it is read by path. The path's
   * directories were opened without following links just before, and the sandbox has ended, so nothing can swap
   * them in between; the final component is not followed either.
   */
  private int links(String rel) throws IOException {
    Object n = Files.getAttribute(root.resolve(rel), "unix:nlink", LinkOption.NOFOLLOW_LINKS);
    return n instanceof Integer i ? i : 1;
  }

  /**
   * Reads a regular file, at most {@code maxBytes} of it.
   *
   * @param relative a path below the root, '/'-separated, without '.' or '..'
   * @throws Refused when a component is a link, the file is not a regular file with one name, or it is too large
   * @throws NoSuchFileException when it does not exist
   */
  public byte[] read(String relative, int maxBytes) throws IOException {
    List<String> parts = parts(relative);
    try (SecureDirectoryStream<Path> parent = openParent(parts)) {
      Path name = Path.of(parts.get(parts.size() - 1));
      BasicFileAttributes a = attributes(parent, name);
      String what = kind(a, relative);
      if (what != null) throw new Refused(Names.printable(relative) + " is not read: " + what);
      if (a.size() > maxBytes) {
        throw new Refused(Names.printable(relative) + " is not read: " + a.size() + " bytes, more than " + maxBytes);
      }
      try (SeekableByteChannel ch = parent.newByteChannel(name,
          Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(maxBytes, a.size()) + 1);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
          // Read until full or the end: the file may have grown since its size was read.
        }
        if (buf.position() > maxBytes) {
          throw new Refused(Names.printable(relative) + " is not read: more than " + maxBytes + " bytes");
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
      }
    }
  }

  /** {@return whether {@code relative} is a plain regular file (no link on the way, one name)} */
  public boolean isPlainFile(String relative) {
    try {
      List<String> parts = parts(relative);
      try (SecureDirectoryStream<Path> parent = openParent(parts)) {
        return kind(attributes(parent, Path.of(parts.get(parts.size() - 1))), relative) == null;
      }
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Puts {@code content} at the top-level name {@code name}, replacing whatever entry is there (a link is replaced,
   * never followed; a directory is removed first). The file is written in a fresh directory the host creates beside
   * the root, which untrusted code never had, and renamed into place: {@code rename} replaces the entry itself.
   */
  public void replace(String name, byte[] content) throws IOException {
    if (parts(name).size() != 1) throw new IllegalArgumentException("a top-level name expected: " + name);
    Path fresh = Files.createTempDirectory(root.getParent(), "." + root.getFileName() + ".report-");
    try {
      Path file = fresh.resolve(name);
      Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      try (SecureDirectoryStream<Path> dir = open()) {
        try {
          BasicFileAttributes a = attributes(dir, Path.of(name));
          if (a.isDirectory()) deleteTree(dir, Path.of(name), name);
        } catch (NoSuchFileException e) {
          // Nothing there: the usual case.
        }
      }
      Files.move(file, root.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(fresh.resolve(name));
      Files.deleteIfExists(fresh);
    }
  }

  /** Deletes the whole tree, links as links, never following one. */
  public void deleteAll() throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    try (SecureDirectoryStream<Path> dir = open()) {
      for (Path name : list(dir)) remove(dir, name, name.toString());
    }
    Files.delete(root);
  }

  /**
   * Opens a subdirectory without following links. Generated code runs as the same host user (or root mapped from
   * its namespace) and may have taken every permission away from a directory; the owner gives them back. The mode
   * is set by path ({@code fchmod} would need the directory opened first): the entry was just read as a directory,
   * not a link, through its parent's handle, and the sandbox has ended, so nothing can swap it in between.
   */
  private SecureDirectoryStream<Path> openDir(SecureDirectoryStream<Path> parent, Path name, String rel)
      throws IOException {
    try {
      return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.AccessDeniedException e) {
      Files.setPosixFilePermissions(root.resolve(rel),
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
      return parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
    }
  }

  private void deleteTree(SecureDirectoryStream<Path> parent, Path name, String rel) throws IOException {
    try (SecureDirectoryStream<Path> dir = openDir(parent, name, rel)) {
      for (Path child : list(dir)) remove(dir, child, rel + "/" + child);
    }
    parent.deleteDirectory(name);
  }

  private void remove(SecureDirectoryStream<Path> dir, Path name, String rel) throws IOException {
    if (attributes(dir, name).isDirectory()) deleteTree(dir, name, rel);
    else dir.deleteFile(name);
  }

  private static List<Path> list(SecureDirectoryStream<Path> dir) {
    List<Path> names = new ArrayList<>();
    for (Path p : dir) names.add(p.getFileName());
    return names;
  }

  private static BasicFileAttributes attributes(SecureDirectoryStream<Path> dir, Path name) throws IOException {
    return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
  }

  private SecureDirectoryStream<Path> open() throws IOException {
    if (Files.isSymbolicLink(root)) throw new Refused(root + " is a symbolic link");
    DirectoryStream<Path> ds = Files.newDirectoryStream(root);
    if (ds instanceof SecureDirectoryStream<Path> sds) return sds;
    ds.close();
    throw new IOException("this platform cannot open directories relative to a handle, so " + root
        + " cannot be read safely");
  }

  private SecureDirectoryStream<Path> openParent(List<String> parts) throws IOException {
    SecureDirectoryStream<Path> dir = open();
    for (String part : parts.subList(0, parts.size() - 1)) {
      SecureDirectoryStream<Path> next;
      try {
        next = dir.newDirectoryStream(Path.of(part), LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        dir.close();
        // ELOOP from O_NOFOLLOW: the component is a link.
        throw Files.isSymbolicLink(root.resolve(part)) ? new Refused("a link on the way to " + part) : e;
      }
      dir.close();
      dir = next;
    }
    return dir;
  }

  /** Splits a relative path; refuses absolute paths, '..', '.', empty segments and NUL. */
  static List<String> parts(String relative) throws Refused {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\0') >= 0
        || relative.indexOf('\\') >= 0) {
      throw new Refused("not a relative path: " + Names.printable(String.valueOf(relative)));
    }
    List<String> parts = List.of(relative.split("/", -1));
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".") || p.equals("..")) {
        throw new Refused("not a plain relative path: " + Names.printable(relative));
      }
    }
    return parts;
  }
}
