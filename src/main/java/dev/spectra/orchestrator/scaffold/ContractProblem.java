package dev.spectra.orchestrator.scaffold;

/**
 * One thing wrong with, or tolerated in, an OpenAPI document.
 *
 * @param file the document, as the user named it
 * @param line the 1-based line in {@code file}, 0 when unknown
 * @param location where: a JSON pointer ({@code /paths/~1todos/get/responses/200}), {@code line 12, column 3}, or an
 *     operation ({@code GET /todos}); empty when the whole file is concerned
 * @param message what is wrong and, when it helps, what to do
 */
public record ContractProblem(String file, int line, String location, String message) {
  public ContractProblem(String file, String location, String message) {
    this(file, 0, location, message);
  }

  @Override public String toString() {
    String where = line > 0 ? file + ":" + line : file;
    return location.isEmpty() ? where + ": " + message : where + ": " + location + ": " + message;
  }
}
