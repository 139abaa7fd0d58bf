package dev.spectra.orchestrator.verify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs the program on the host, with the resource limits but no isolation: it can use the network and write
 * wherever the user can. Only used when the user passed {@code --unsafe-no-sandbox}.
 */
record NoSandbox(Optional<Path> prlimit) implements Sandbox {
  static final String NAME = "none (unsafe)";

  @Override public String name() {
    return NAME;
  }

  @Override public List<String> hostCommand(SandboxCommand command) {
    List<String> argv = new ArrayList<>();
    prlimit.ifPresent(p -> {
      argv.add(p.toString());
      argv.addAll(command.limits().prlimitOptions());
      argv.add("--");
    });
    argv.addAll(command.argv());
    return argv;
  }
}
