package dev.spectra.orchestrator.verify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bubblewrap backend ({@code bwrap}, Debian package {@code bubblewrap}).
 *
 * <p>What the program inside sees: the host's root file system read-only; a fresh {@code /dev} and {@code /proc};
 * empty private {@code /tmp}, {@code /var/tmp} and {@code /run} (hides Unix sockets such as Docker's, which a
 * read-only bind would still let it connect to) and an empty home directory (hides keys and tokens); then the
 * workspace, writable. New user, PID, network, IPC, UTS and cgroup namespaces: the network namespace has only
 * loopback (up, so tests can bind 127.0.0.1), and the host's loopback and DNS are unreachable. Capabilities are
 * dropped. It dies with the orchestrator ({@code --die-with-parent}) and runs in its own session, so it cannot
 * push input into the user's terminal. As PID 1 of its namespace dies, the kernel kills every process left in it.
 *
 * @param bwrap the bwrap executable
 * @param prlimit the prlimit executable that applies {@link Limits} inside, when available
 * @param hidden directories replaced by empty ones (paths that do not exist on the host are skipped)
 * @param root the orchestrator runs as root: bubblewrap would keep root's capabilities unless told otherwise
 */
record Bubblewrap(Path bwrap, Optional<Path> prlimit, List<Path> hidden, boolean root) implements Sandbox {

  /** The default hidden directories for a user whose home is {@code home}. */
  static List<Path> defaultHidden(Path home) {
    List<Path> hidden = new ArrayList<>(List.of(Path.of("/tmp"), Path.of("/var/tmp"), Path.of("/run")));
    if (home != null && home.getNameCount() > 0) hidden.add(home.toAbsolutePath().normalize());
    return hidden;
  }

  @Override public String name() {
    return "bubblewrap";
  }

  @Override public List<String> hostCommand(SandboxCommand command) {
    List<String> argv = new ArrayList<>(List.of(bwrap.toString(),
        "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--hostname", "sandbox", "--die-with-parent", "--new-session"));
    // Unprivileged bwrap drops every capability anyway; as root it keeps them unless asked.
    if (root) argv.addAll(List.of("--cap-drop", "ALL"));
    argv.addAll(List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
    List<Path> present = hidden.stream().filter(Files::isDirectory).filter(p -> !Files.isSymbolicLink(p)).toList();
    for (Path h : present) argv.addAll(List.of("--tmpfs", h.toString()));
    // Mounts apply in order: what must stay readable under a hidden directory is bound back after the tmpfs.
    for (Path p : command.readOnly()) {
      if (present.stream().anyMatch(p::startsWith) && Files.exists(p)) {
        argv.addAll(List.of("--ro-bind", p.toString(), p.toString()));
      }
    }
    String ws = command.workspace().toString();
    argv.addAll(List.of("--bind", ws, ws, "--chdir", ws, "--"));
    prlimit.ifPresent(p -> {
      argv.add(p.toString());
      argv.addAll(command.limits().prlimitOptions());
      argv.add("--");
    });
    argv.addAll(command.argv());
    return argv;
  }
}
