package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.app.HiddenGraders;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build mode's grading for real: a built notes service (the implementation a correct model would deliver, here
 * from the deterministic builder) started in the sandbox and graded by task 01-notes' hidden scenarios; the same
 * service with one rule left out is not functional, and the reason names the rule.
 */
@Tag("e2e")   // A real built service started in the sandbox and graded: end to end; runs with ./test --all.
class BuildGradingTest {
  @TempDir Path dir;

  static final String NOTES = """
      openapi: 3.0.3
      info: {title: notes, version: "1"}
      paths:
        /notes:
          get:
            operationId: listNotes
            responses:
              '200':
                description: notes
                content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Note'}}}}
          post:
            operationId: createNote
            requestBody:
              required: true
              content: {application/json: {schema: {$ref: '#/components/schemas/NoteInput'}}}
            responses:
              '201':
                description: created
                content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}
              '400': {description: invalid}
        /notes/{id}:
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          get:
            operationId: getNote
            responses:
              '200':
                description: the note
                content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}
              '404': {description: missing}
          put:
            operationId: replaceNote
            requestBody:
              required: true
              content: {application/json: {schema: {$ref: '#/components/schemas/NoteInput'}}}
            responses:
              '200':
                description: replaced
                content: {application/json: {schema: {$ref: '#/components/schemas/Note'}}}
              '400': {description: invalid}
              '404': {description: missing}
          delete:
            operationId: deleteNote
            responses:
              '204': {description: deleted}
              '404': {description: missing}
      components:
        schemas:
          NoteInput:
            type: object
            required: [title, body]
            properties:
              title: {type: string}
              body: {type: string}
          Note:
            type: object
            required: [id, title, body]
            properties:
              id: {type: integer, readOnly: true}
              title: {type: string}
              body: {type: string}
      """;

  private BuildSampleTaker.Grade grade(Path project) throws Exception {
    EvalTask task = Suite.builtin().tasks().stream().filter(t -> t.id().equals("01-notes")).findFirst().orElseThrow();
    HiddenScenarioGrader grader = new HiddenScenarioGrader(HiddenGraders.over(Verifiers.sandboxed(System.getenv()),
        false), dir.resolve("grading"));
    BuildSampleTaker.Grade g = grader.grade(project, task);
    assumeTrue(g.failure() == null || !g.failure().contains("bwrap"), "no sandbox here: " + g.failure());
    return g;
  }

  private Path built(String name) throws Exception {
    Path contract = dir.resolve("notes.yaml");
    Files.writeString(contract, NOTES);
    Path project = dir.resolve(name);
    new Scaffolder().scaffold(contract, null, project);
    return project;
  }

  @Test
  void aCorrectNotesServiceIsFunctionalAndSecure() throws Exception {
    BuildSampleTaker.Grade g = grade(built("correct"));
    assertThat(g.failure()).isNull();
    assertThat(g.functional()).isTrue();
    assertThat(g.secure()).isTrue();
    assertThat(dir.resolve("grading")).isEmptyDirectory();
  }

  @Test
  void aServiceThatLeavesOutARuleIsNotFunctionalAndTheReasonNamesTheRule() throws Exception {
    Path project = built("rule-left-out");
    Path delete;
    try (var files = Files.walk(project.resolve("src/main/java"))) {
      delete = files.filter(p -> p.getFileName().toString().equals("DeleteNoteHandler.java")).findFirst()
          .orElseThrow();
    }
    String code = Files.readString(delete);
    // Answers as if it deleted, and keeps the note: "a deleted note is gone" is left out.
    Files.writeString(delete, code.replace("crud.handle(ctx);", "ctx.status(204);"));

    BuildSampleTaker.Grade g = grade(project);

    assertThat(g.functional()).isFalse();
    assertThat(g.failure()).contains("a deleted note is gone").contains("rule: a deleted note is gone");
  }
}
