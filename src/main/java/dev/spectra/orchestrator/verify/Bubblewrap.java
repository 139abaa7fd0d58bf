package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The bubblewrap backend ({@code bwrap}, Debian package {@code bubblewrap}).
 *
 * <p>What the program inside sees: an empty root file system (read-only) with only what a build needs bound into it
 * read-only (the system's {@code /usr} and its {@code /bin}, {@code /lib} links, the dynamic linker's cache, a few
 * files of {@code /etc} such as {@code hosts}, the JDK, the dependency cache and the runner), a synthetic
 * {@code /etc/passwd}, its own {@code /dev} and {@code /proc} (of its own PID namespace), an empty private
 * {@code /tmp}, and the workspace, writable. No home directory, no {@code /etc/shadow}, no {@code /root}, no
 * {@code /run} (sockets), no {@code /sys}, no host {@code /proc}.
 *
 * <p>It runs as an unprivileged user ({@value #UID}:{@value #GID}) in a new user namespace, with every capability
 * dropped, also when the orchestrator runs as root. New PID, network, IPC, UTS and cgroup namespaces: the network
 * namespace has only loopback. It dies with the orchestrator: {@code --die-with-parent}, and a lifeline, a shell
 * inside that waits for end of file on its stdin (a pipe the orchestrator never writes) and then kills every process
 * of the namespace, so even a {@code kill -9} of the orchestrator (whose death signal might not reach bubblewrap when
 * the thread that started it has ended) takes the sandbox along. Its own session: no terminal injection.
 *
 * @param bwrap the bwrap executable
 * @param prlimit the prlimit executable that applies {@link Limits} inside, when available
 * @param root the orchestrator runs as root: bubblewrap would keep root's capabilities unless told otherwise
 * @param system host paths bound read-only at the same place (directories, files, or symlinks recreated as such)
 * @param passwd a synthetic passwd file naming the sandbox user, bound at {@code /etc/passwd}, when present
 */
record Bubblewrap(Path bwrap, Optional<Path> prlimit, boolean root, List<Path> system, Optional<Path> passwd)
    implements Sandbox {

  static final int UID = 65534;
  static final int GID = 65534;

  /**
   * What of the host system a build needs: programs and libraries, and the files of {@code /etc} that the dynamic
   * linker, name lookup of {@code localhost} and time zones read. Nothing else of {@code /etc}.
   */
  static final List<Path> SYSTEM = Stream.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
      "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/hosts", "/etc/nsswitch.conf",
      "/etc/host.conf", "/etc/localtime", "/etc/timezone", "/etc/alternatives").map(Path::of).toList();

  /** The lifeline: runs the program with stdin from /dev/null, and kills everything once our stdin closes. */
  static final String LIFELINE = "exec 3<&0; \"$@\" </dev/null & c=$!; "
      + "(cat <&3 >/dev/null; kill -KILL -1 2>/dev/null) & wait $c";

  static Bubblewrap create(Path bwrap, Optional<Path> prlimit, boolean root, Path cacheRoot) {
    return new Bubblewrap(bwrap, prlimit, root, SYSTEM, syntheticPasswd(cacheRoot));
  }

  /** Writes (once) a passwd file with the sandbox user, so {@code user.name} and {@code user.home} make sense. */
  static Optional<Path> syntheticPasswd(Path cacheRoot) {
    Path file = cacheRoot.resolve("sandbox").resolve("passwd");
    String content = "sandbox:x:" + UID + ":" + GID + ":sandbox:/tmp:/usr/sbin/nologin\n";
    try {
      if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && Files.readString(file).equals(content)) {
        return Optional.of(file);
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), "passwd", ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return Optional.of(file);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override public String name() {
    return "bubblewrap";
  }

  @Override public boolean lifeline() {
    return true;
  }

  @Override public List<String> hostCommand(SandboxCommand command) {
    List<String> argv = new ArrayList<>(List.of(bwrap.toString(),
        "--unshare-user", "--uid", Integer.toString(UID), "--gid", Integer.toString(GID),
        "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--hostname", "sandbox", "--die-with-parent", "--new-session"));
    // Unprivileged bwrap drops every capability anyway; as root it keeps them unless asked.
    if (root) argv.addAll(List.of("--cap-drop", "ALL"));
    Set<Path> bound = new LinkedHashSet<>();
    for (Path p : system) bind(argv, p, bound);
    passwd.ifPresent(p -> argv.addAll(List.of("--ro-bind", p.toString(), "/etc/passwd")));
    // Before the binds below: a cache or workspace under /tmp is bound over the private /tmp, not hidden by it.
    argv.addAll(List.of("--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", "/var/tmp"));
    for (Path p : command.readOnly()) {
      bind(argv, p, bound);
      // Debian's JDKs link parts of their configuration into /etc: bind what the links point at, read-only.
      for (Path target : linkTargetsOutside(p)) bind(argv, target, bound);
    }
    String ws = command.workspace().toString();
    argv.addAll(List.of("--bind", ws, ws, "--remount-ro", "/", "--chdir", ws, "--"));
    argv.addAll(List.of("/bin/sh", "-c", LIFELINE, "lifeline"));
    argv.addAll(command.limitedArgv(prlimit));
    return argv;
  }

  /** Binds {@code p} read-only at the same path: a symlink is recreated as a symlink, a missing path skipped. */
  private static void bind(List<String> argv, Path p, Set<Path> bound) {
    Path abs = p.toAbsolutePath().normalize();
    if (bound.stream().anyMatch(b -> abs.startsWith(b) && !Files.isSymbolicLink(b))) return;
    if (Files.isSymbolicLink(abs)) {
      try {
        argv.addAll(List.of("--symlink", Files.readSymbolicLink(abs).toString(), abs.toString()));
        bound.add(abs);
        Path real = abs.toRealPath();
        if (!real.equals(abs)) bind(argv, real, bound);
      } catch (IOException e) {
        // A dangling link: nothing to bind.
      }
      return;
    }
    if (!Files.exists(abs)) return;
    argv.addAll(List.of("--ro-bind", abs.toString(), abs.toString()));
    bound.add(abs);
  }

  /** {@return the real paths of symlinks under {@code dir} (a few levels deep) that point outside it} */
  private static List<Path> linkTargetsOutside(Path dir) {
    if (!Files.isDirectory(dir)) return List.of();
    List<Path> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir, 4)) {
      walk.filter(Files::isSymbolicLink).forEach(link -> {
        try {
          Path real = link.toRealPath();
          if (!real.startsWith(dir.toRealPath())) out.add(real);
        } catch (IOException e) {
          // Dangling.
        }
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      return out;
    }
    return out;
  }
}
