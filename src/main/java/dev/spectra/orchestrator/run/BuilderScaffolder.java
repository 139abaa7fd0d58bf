package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.scaffold.BuildReport;
import dev.spectra.orchestrator.scaffold.ContractProblem;
import dev.spectra.orchestrator.scaffold.InvalidContractException;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code build --openapi}'s deterministic half as the run pipeline uses it: the builder's parser validates the
 * planned document, its scaffolder writes the project, and the operations it leaves "needs a model" are the ones
 * the model implements.
 */
final class BuilderScaffolder implements Ports.ProjectScaffolder {
  private final Scaffolder scaffolder = new Scaffolder();

  static Ports.ProjectScaffolder create() {
    return new BuilderScaffolder();
  }

  @Override public Ports.Scaffolded scaffold(Path openApiFile, String stack, Path projectDir)
      throws Ports.ScaffoldFailed, IOException {
    Scaffolder.Scaffold s;
    try {
      s = scaffolder.scaffold(openApiFile, stack, projectDir);
    } catch (InvalidContractException e) {
      throw new Ports.ScaffoldFailed(String.join("; ", e.problems().stream().map(ContractProblem::toString).toList()));
    }
    String app = s.files().stream().filter(f -> f.startsWith("src/main/java/") && f.endsWith("/App.java"))
        .findFirst().orElseThrow(() -> new Ports.ScaffoldFailed("the " + s.stackName() + " scaffold wrote no App"));
    String pkg = app.substring("src/main/java/".length(), app.length() - "/App.java".length()).replace('/', '.');
    List<Ports.PendingOperation> pending = new java.util.ArrayList<>();
    List<Ports.PendingOperation> generated = new java.util.ArrayList<>();
    for (BuildReport.OperationEntry o : s.operations()) {
      Ports.PendingOperation op = new Ports.PendingOperation(o.operationId(),
          o.method().toLowerCase(java.util.Locale.ROOT), o.path(), o.handler());
      (o.status().equals(BuildReport.NEEDS_MODEL) ? pending : generated).add(op);
    }
    return new Ports.Scaffolded(pkg, pending, pkg + ".App.create().start(\"127.0.0.1\", 0)", generated);
  }

  @Override public List<String> validate(Path openApiFile) {
    try {
      scaffolder.plan(openApiFile, null);
      return List.of();
    } catch (InvalidContractException e) {
      return e.problems().stream().map(p -> p.location().isEmpty() ? p.message() : p.location() + ": " + p.message())
          .toList();
    }
  }
}
