package dev.spectra.orchestrator.verify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One program to run confined.
 *
 * @param argv the program and its arguments, as seen inside the sandbox
 * @param workspace the only directory the program may write (besides a private, empty {@code /tmp}); also its
 *     working directory
 * @param readOnly paths the program must be able to read even where the sandbox hides a directory (the JDK, the
 *     dependency cache, the runner's classes, when they live under the user's home)
 * @param env the program's whole environment; nothing of the caller's environment (API keys!) is passed through
 * @param limits resource limits
 */
record SandboxCommand(List<String> argv, Path workspace, List<Path> readOnly, Map<String, String> env, Limits limits) {
  SandboxCommand {
    argv = List.copyOf(argv);
    workspace = workspace.toAbsolutePath().normalize();
    readOnly = readOnly.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
    env = Map.copyOf(env);
  }

  /** {@return the program's argv behind {@code prlimit} with the limits when there is one, else as it is} */
  List<String> limitedArgv(Optional<Path> prlimit) {
    List<String> out = new ArrayList<>();
    prlimit.ifPresent(p -> {
      out.add(p.toString());
      out.addAll(limits.prlimitOptions());
      out.add("--");
    });
    out.addAll(argv);
    return out;
  }
}
