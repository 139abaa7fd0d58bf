package dev.spectra.orchestrator.scaffold;

/**
 * One thing wrong with an OpenAPI document.
 *
 * @param file the document, as the user named it
 * @param location where: a JSON pointer ({@code /paths/~1todos/get/responses/200}), {@code line 12, column 3}, or an
 *     operation ({@code GET /todos}); empty when the whole file is concerned
 * @param message what is wrong and, when it helps, what to do
 */
public record ContractProblem(String file, String location, String message) {
  @Override public String toString() {
    return location.isEmpty() ? file + ": " + message : file + ": " + location + ": " + message;
  }
}
