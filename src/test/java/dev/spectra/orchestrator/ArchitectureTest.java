package dev.spectra.orchestrator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The direction of dependencies between packages, checked on the main classes. Each rule says why it holds; a
 * violation is a design change to discuss, not a test to loosen.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.spectra.orchestrator";
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
  }

  private static String pkg(String name) { return ROOT + "." + name + ".."; }

  private static void check(ArchRule rule) { rule.check(main); }

  @Test
  void nothingDependsOnTheCommandLine() {
    // The command line is a face: it parses, calls and prints; nothing below it may reach back up.
    check(noClasses().that().resideOutsideOfPackage(pkg("cli")).should().dependOnClassesThat()
        .resideInAPackage(pkg("cli")));
  }

  @Test
  void onlyTheCommandLineDependsOnTheCompositionRoot() {
    // app builds every object graph; a package that reached into it would choose its own collaborators again.
    check(noClasses().that().resideOutsideOfPackages(pkg("app"), pkg("cli")).should().dependOnClassesThat()
        .resideInAPackage(pkg("app")));
  }

  @Test
  void theCascadeKnowsNeitherConfigurationNorLedgerNorSimulator() {
    // The cascade takes settings records and listeners, so it runs the same under tests, the gateway and builds.
    check(noClasses().that().resideInAPackage(pkg("reliability")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("config"), pkg("ledger"), pkg("sim")));
  }

  @Test
  void providersDependOnlyOnTheModelContracts() {
    // A provider translates one wire format; anything more (retry, config, budgets) belongs above it.
    check(classes().that().resideInAnyPackage(pkg("model.openai"), pkg("model.ollama"), pkg("model.anthropic"),
            pkg("model.provider"))
        .should().onlyDependOnClassesThat().resideInAnyPackage(ROOT + ".model..", "java..", "javax..",
            "com.fasterxml.jackson..", "com.knuddels.jtokkit.."));
  }

  @Test
  void theModelContractsKnowNeitherConfigurationNorSimulator() {
    // Configuration maps onto the model types, never the other way round; the simulator is a test double.
    check(noClasses().that().resideInAPackage(pkg("model")).should().dependOnClassesThat()
        .resideInAnyPackage(pkg("config"), pkg("sim")));
  }

  @Test
  void structuredOutputDoesNotKnowTheCascade() {
    // The cascade wraps the structured-output engine around each route; the engine must not call back into it.
    check(noClasses().that().resideInAPackage(pkg("structured")).should().dependOnClassesThat()
        .resideInAPackage(pkg("reliability")));
  }

  @Test
  void theSimulatorDependsOnNothingOfOurs() {
    // It stands in for real servers, so it may know their wire formats only; sharing our types would hide bugs.
    check(noClasses().that().resideInAPackage(pkg("sim")).should().dependOnClassesThat(
        JavaClass.Predicates.resideInAPackage(ROOT + "..").and(JavaClass.Predicates.resideOutsideOfPackage(pkg("sim")))
            .as("classes of ours outside sim")));
  }

  @Test
  void onlyBenchmarksTheCompositionRootAndTheCommandLineUseTheSimulator() {
    // Production paths must never answer from a simulator by accident.
    check(noClasses().that().resideOutsideOfPackages(pkg("sim"), pkg("bench"), pkg("app"), pkg("cli"))
        .should().dependOnClassesThat().resideInAPackage(pkg("sim")));
  }

  @Test
  void theContractBuilderAndTheScorecardDoNotDependOnEachOther() {
    // eval measures builds from the outside; if either imported the other, a score could shape the thing scored.
    check(noClasses().that().resideInAPackage(pkg("scaffold")).should().dependOnClassesThat()
        .resideInAPackage(pkg("eval")));
    check(noClasses().that().resideInAPackage(pkg("eval")).should().dependOnClassesThat()
        .resideInAPackage(pkg("scaffold")));
  }

  @Test
  void noTwoPackagesDependOnEachOther() {
    // A cycle makes two packages one: neither can be read, tested or replaced without the other, and the
    // direction the rules above guard stops meaning anything.
    check(slices().matching(ROOT + ".(*)..").should().beFreeOfCycles());
  }

  @Test
  void noTwoMainClassesShareASimpleName() {
    // One name, one concept: a reader who finds Verifier should not have to ask which one.
    check(classes().that().areTopLevelClasses().and().doNotHaveSimpleName("package-info").should(new ArchCondition<JavaClass>("have a unique simple name") {
      private final Map<String, List<String>> byName = new HashMap<>();

      @Override public void init(java.util.Collection<JavaClass> all) {
        byName.putAll(all.stream().filter(c -> !c.getSimpleName().equals("package-info")).collect(Collectors.groupingBy(JavaClass::getSimpleName,
            Collectors.mapping(JavaClass::getName, Collectors.toList()))));
      }

      @Override public void check(JavaClass c, ConditionEvents events) {
        List<String> same = byName.getOrDefault(c.getSimpleName(), List.of());
        if (same.size() > 1) {
          events.add(SimpleConditionEvent.violated(c, c.getName() + " shares its simple name with " + same));
        }
      }
    }));
  }

  @Test
  void everyPackageSaysItsJobInAPackageInfo() {
    // The package list is the map of the design; each entry needs its one sentence.
    // A package-info with only a comment compiles to nothing, so the sources (of both modules) are checked.
    List<String> missing = main.stream().map(JavaClass::getPackageName).distinct()
        .filter(p -> Stream.of("src/main/java", "runner/src/main/java")
            .noneMatch(root -> Files.isRegularFile(Path.of(root, p.replace('.', '/'), "package-info.java"))))
        .sorted().toList();
    assertThat(missing).as("packages without package-info.java").isEmpty();
  }
}
