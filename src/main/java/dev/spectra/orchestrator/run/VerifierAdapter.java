package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.verify.NetworkNeededException;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifySetupException;
import dev.spectra.orchestrator.verify.VerifyResult;
import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.ServiceCheck;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link dev.spectra.orchestrator.verify.Verifier} as the fix loop sees it: compile errors and
 * failed tests become problems that name the project file to fix where the stack trace shows one.
 */
final class VerifierAdapter implements Ports.ProjectVerifier {
  private static final Pattern FRAME = Pattern.compile("at ([\\w.$]+)\\.[\\w$<>]+\\((\\w+\\.java):(\\d+)\\)");

  private final dev.spectra.orchestrator.verify.Verifier verifier;
  private final VerifyOptions options;

  VerifierAdapter(dev.spectra.orchestrator.verify.Verifier verifier, VerifyOptions options) {
    this.verifier = verifier;
    this.options = options;
  }

  @Override public Verification verify(Path projectDir, Path contract) throws InterruptedException, Ports.CannotVerify {
    VerifyResult r;
    try {
      // The contract lives in the staging directory, outside the project: the sandbox cannot have edited it.
      r = verifier.verify(projectDir, options.withCheck(ServiceCheck.forBuild(contract, List.of())));
    } catch (NetworkNeededException e) {
      throw new Ports.NetworkNeeded(e.getMessage());
    } catch (VerifySetupException e) {
      throw new Ports.SetupFailed(e.getMessage());
    } catch (SandboxUnavailableException e) {
      throw new Ports.SandboxMissing(e.getMessage());
    }
    return toVerification(projectDir, r);
  }

  static Verification toVerification(Path projectDir, VerifyResult r) {
    List<Verification.Problem> problems = new ArrayList<>();
    UntrustedTree tree = new UntrustedTree(projectDir);
    for (VerifyResult.CompileError e : r.compileErrors()) {
      // The verifier already dropped names outside the sources; an empty one means "unknown".
      problems.add(new Verification.Problem(Verification.Problem.Kind.COMPILE,
          e.file() == null || e.file().isEmpty() ? null : e.file(), (int) e.line(), e.message()));
    }
    for (VerifyResult.TestFailure f : r.failures()) {
      String file = null;
      int line = 0;
      Matcher m = FRAME.matcher(f.trace() == null ? "" : f.trace());
      while (m.find()) {
        String cls = m.group(1);
        int dollar = cls.indexOf('$');
        if (dollar >= 0) cls = cls.substring(0, dollar);
        String rel = "src/main/java/" + cls.replace('.', '/') + ".java";
        if (tree.isPlainFile(rel)) {
          file = rel;
          line = Integer.parseInt(m.group(3));
          break;
        }
      }
      if (file == null) {
        String testFile = "src/test/java/" + f.testClass().replace('.', '/') + ".java";
        if (tree.isPlainFile(testFile)) file = testFile;
      }
      String simple = f.testClass().substring(f.testClass().lastIndexOf('.') + 1);
      problems.add(new Verification.Problem(Verification.Problem.Kind.TEST, file, line,
          simple + "." + f.testName() + ": " + f.message()));
    }
    CheckOutcome check = r.check();
    if (check != null && !check.ran()) {
      problems.add(new Verification.Problem(Verification.Problem.Kind.FINDING, null, 0,
          "the service could not be checked: " + check.problem()
              + (check.serviceLog().isBlank() ? "" : "\nservice output (end):\n" + tail(check.serviceLog(), 1500))));
    } else if (check != null) {
      // Findings go to the fix step as compiler errors and failing tests do: one problem each, failures only
      // (a warning is about the contract, which the model cannot change).
      for (CheckOutcome.Finding f : check.failures()) {
        problems.add(new Verification.Problem(Verification.Problem.Kind.FINDING, null, 0, f.render()));
      }
      for (CheckOutcome.Pending p : check.pending()) {
        problems.add(new Verification.Problem(Verification.Problem.Kind.FINDING, null, 0, "pending: " + p.operation()
            + " still answers 501 (not implemented); implement it\n  request: " + p.curl()));
      }
    }
    if (r.timedOut()) {
      problems.add(new Verification.Problem(Verification.Problem.Kind.TEST, null, 0,
          "verification timed out after " + r.wallTime().toSeconds() + " s (an endless loop or a blocked call?)"));
    } else if (r.compiled() && r.testsRun() == 0) {
      problems.add(new Verification.Problem(Verification.Problem.Kind.TEST, null, 0, "no test ran"));
    }
    if (!r.compiled() && problems.isEmpty()) {
      problems.add(new Verification.Problem(Verification.Problem.Kind.COMPILE, null, 0, "compilation failed"));
    }
    String log = r.log();
    return new Verification(r.compiled(), r.testsRun(), r.testsFailed(), problems, r.sandbox(),
        log.length() > 4000 ? log.substring(log.length() - 4000) : log, r.limits(), r.distrusted());
  }

  private static String tail(String s, int max) {
    return s.length() <= max ? s : "..." + s.substring(s.length() - max);
  }
}
