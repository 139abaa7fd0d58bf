package dev.spectra.orchestrator.scaffold;

import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * OpenAPI document to generated project, without verifying it. {@link OpenApiBuild} adds staging, verification,
 * reports and the move into place; this is the deterministic half other commands can reuse.
 */
public final class Scaffolder {
  private final ContractReader reader = new ContractReader();

  /** {@return the names accepted by {@code --stack}; the first is the default} */
  public static List<String> stacks() {
    return Stacks.names();
  }

  /** Reads, validates and plans; writes nothing. */
  public Scaffold plan(Path openapi, String stackName) throws InvalidContractException {
    return plan(openapi, stackName, false);
  }

  /** @param strict refuse every spec violation instead of tolerating harmless ones with a warning */
  public Scaffold plan(Path openapi, String stackName, boolean strict) throws InvalidContractException {
    Stack stack = stack(openapi, stackName);
    Contract contract = reader.read(openapi, strict);
    ServicePlan plan = new CrudAnalyzer(contract).plan();
    if (plan.operations().isEmpty()) {
      // A document of shared schemas (or of webhooks alone) describes no service: a build that answers nothing
      // would look like success.
      String where = contract.tree().has("paths") ? "/paths" : "";
      throw new InvalidContractException(List.of(new ContractProblem(openapi.toString(),
          LineMap.of(contract.text()).line(where), where, "declares no operation under 'paths', so there is no"
              + " service to build; add the paths the service answers (a document of shared schemas is meant to be"
              + " referenced from one that has them)")));
    }
    return new Scaffold(plan, stack, List.of());
  }

  /**
   * Writes the project for {@code openapi} into {@code projectDir} (created if needed; files already there with the
   * same paths are overwritten).
   */
  public Scaffold scaffold(Path openapi, String stackName, Path projectDir)
      throws InvalidContractException, IOException {
    return write(plan(openapi, stackName), projectDir);
  }

  Scaffold write(Scaffold planned, Path projectDir) throws IOException {
    List<Stack.GeneratedFile> files = planned.stack().generate(planned.plan());
    for (Stack.GeneratedFile f : files) {
      Path target = projectDir.resolve(f.path()).normalize();
      // Paths come from our generator, but names inside them come from the contract: never leave the project.
      if (!target.startsWith(projectDir.normalize())) {
        throw new IllegalStateException("generated path escapes the project: " + f.path());
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.content(), StandardCharsets.UTF_8);
      if (f.path().equals("run") || f.path().equals("mvnw")) target.toFile().setExecutable(true, false);
    }
    return new Scaffold(planned.plan(), planned.stack(), files.stream().map(Stack.GeneratedFile::path).toList());
  }

  private static Stack stack(Path openapi, String name) throws InvalidContractException {
    if (name == null || name.isBlank()) return Stacks.defaultStack();
    return Stacks.byName(name).orElseThrow(() -> new InvalidContractException(List.of(new ContractProblem(
        openapi.toString(), "--stack", "unknown stack '" + name + "'; available: " + String.join(", ",
        Stacks.names())))));
  }

  /**
   * A planned (and, when {@code files} is not empty, written) project.
   */
  public record Scaffold(ServicePlan plan, Stack stack, List<String> files) {
    /** {@return the service's slug, from the contract's title: the default output directory name} */
    public String serviceName() {
      return plan.slug();
    }

    public String stackName() {
      return stack.name();
    }

    /** {@return every operation with whether it is implemented, in contract order} */
    public List<BuildReport.OperationEntry> operations() {
      String pkgDir = "src/main/java/" + plan.javaPackage().replace('.', '/') + "/ops/";
      return plan.operations().stream().map(o -> new BuildReport.OperationEntry(o.method(), o.path(),
          o.operationId(), o.crud() == null ? BuildReport.NEEDS_MODEL : BuildReport.IMPLEMENTED,
          o.crud() == null ? "" : o.crud().name().toLowerCase(java.util.Locale.ROOT),
          pkgDir + o.handlerClass() + ".java", o.crud() == null ? o.reason() : "")).toList();
    }

    /** {@return what the contract loader tolerated, with locations} */
    public List<ContractProblem> warnings() {
      return plan.contract().warnings();
    }

    List<Operation> needsModel() {
      return plan.needsModel();
    }
  }
}
