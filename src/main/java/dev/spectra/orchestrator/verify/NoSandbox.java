package dev.spectra.orchestrator.verify;

import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs the program on the host, with the resource limits but no isolation: it can use the network and write
 * wherever the user can. Only used when the user passed {@code --unsafe-no-sandbox}, or for a project of template
 * code only when no sandbox tool works here.
 *
 * @param name what results report: {@link VerifyResult#NONE_UNSAFE} or {@link VerifyResult#NONE_TEMPLATE}
 */
record NoSandbox(Optional<Path> prlimit, String name) implements Sandbox {

  @Override public List<String> hostCommand(SandboxCommand command) {
    return command.limitedArgv(prlimit);
  }
}
