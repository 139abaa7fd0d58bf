package dev.spectra.orchestrator.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a tiny project in the generated layout: a store, one handler that needs a model, one generated CRUD handler,
 * contract tests and the scaffold's scenarios.
 */
final class FakeScaffolder implements Ports.ProjectScaffolder {
  static final String PKG = "com.example.library";
  static final String HANDLER = "src/main/java/com/example/library/ops/ReturnLoanHandler.java";
  static final String CREATE_HANDLER = "src/main/java/com/example/library/ops/CreateLoanHandler.java";
  static final String SCENARIOS = "src/test/resources/scenarios.json";
  static final String CONTRACT = "src/test/java/com/example/library/contract/CrudContractTest.java";
  final List<String> validationProblems = new ArrayList<>();
  int scaffolds;

  @Override public Ports.Scaffolded scaffold(Path openApiFile, String stack, Path projectDir) throws IOException {
    scaffolds++;
    write(projectDir, "src/main/java/com/example/library/Store.java", """
        package com.example.library;

        public final class Store {
          public Loan loan(long id) { return null; }
          public void save(Loan loan) {}
        }
        """);
    write(projectDir, HANDLER, """
        package com.example.library.ops;
        // NEEDS MODEL: returnLoan

        public final class ReturnLoanHandler {
          public void handle(Object ctx) { throw new UnsupportedOperationException("501"); }
        }
        """);
    write(projectDir, CONTRACT, "package com.example.library.contract;\nclass CrudContractTest {}\n");
    write(projectDir, "src/test/java/com/example/library/contract/NeedsModelContractTest.java",
        "package com.example.library.contract;\n// NEEDS MODEL: returnLoan\nclass NeedsModelContractTest {}\n");
    write(projectDir, CREATE_HANDLER, """
        package com.example.library.ops;

        public final class CreateLoanHandler {
          public void handle(Object ctx) { /* plain CRUD */ }
        }
        """);
    write(projectDir, SCENARIOS, """
        {"scenarios": [
          {"name": "createLoan: creates an item that get returns as sent",
           "steps": [{"method": "POST", "path": "/loans", "expect": {"status": 201}},
                     {"method": "GET", "path": "/loans/${id}", "expect": {"status": 200}}]},
          {"name": "listBooks: lists", "steps": [{"method": "GET", "path": "/books", "expect": {"status": 200}}]}
        ]}
        """);
    return new Ports.Scaffolded(PKG, List.of(new Ports.PendingOperation("returnLoan", "post", "/loans/{id}/return",
        HANDLER)), "com.example.library.App.create().start(\"127.0.0.1\", 0)",
        List.of(new Ports.PendingOperation("createLoan", "post", "/loans", CREATE_HANDLER)));
  }

  @Override public List<String> validate(Path openApiFile) {
    return List.copyOf(validationProblems);
  }

  private static void write(Path root, String rel, String content) throws IOException {
    Path f = root.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }
}
