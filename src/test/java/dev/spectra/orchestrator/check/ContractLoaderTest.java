package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractLoaderTest {
  @TempDir Path dir;

  private Path write(String yaml) throws Exception {
    Path file = dir.resolve("api.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  @Test
  void aSpecViolationThatLeavesTheMeaningClearIsCheckedAsWrittenAndNamed() throws Exception {
    ApiContract contract = new ContractLoader().load(write("""
        openapi: 3.0.3
        info: {title: Users, version: "1"}
        paths:
          /users:
            get:
              operationId: listUsers
          /users/{id}:
            get:
              parameters:
                - {name: id, in: path, required: true, schema: {type: integer}}
              responses:
                "200": {description: ok}
        """));
    assertThat(contract.operations()).extracting(Operation::id).contains("listUsers");
    assertThat(contract.tolerated()).singleElement().asString().contains("responses is missing");
  }
}
