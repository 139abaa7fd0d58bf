package dev.spectra.orchestrator.check;

/**
 * Why an input of a check cannot be used: a contract, a scenario file or the URL.
 *
 * @param source the file (as the user named it) or URL
 * @param line the 1-based line, or 0 when the problem has no single line
 * @param location where in the document, for example {@code scenarios[0].steps[2].request}; may be empty
 * @param message what is wrong and what to do
 */
public record InputProblem(String source, int line, String location, String message) {
  @Override public String toString() {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) sb.append(':').append(line);
    if (!location.isEmpty()) sb.append(" (").append(location).append(')');
    return sb.append(": ").append(message).toString();
  }
}
