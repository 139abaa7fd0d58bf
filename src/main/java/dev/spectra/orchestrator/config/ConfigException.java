package dev.spectra.orchestrator.config;

import java.nio.file.Path;

/**
 * A configuration value that cannot be used, located precisely enough to fix it: which file (or environment
 * variable), which line, which key, and what was expected. Never carries a secret value.
 */
public final class ConfigException extends Exception {
  private final String source;
  private final int line;
  private final String key;
  private final String expected;

  /**
   * @param source a file path, {@code environment} or {@code flag}
   * @param line 1-based, or 0 when not from a file
   * @param key dotted key ({@code models.gpt-4o-mini.price.input}) or variable name
   * @param expected what would have been valid, and what was found when it is safe to show
   */
  public ConfigException(String source, int line, String key, String expected) {
    super(format(source, line, key, expected), null, false, false);
    this.source = source;
    this.line = line;
    this.key = key;
    this.expected = expected;
  }

  static ConfigException at(Path file, int line, String key, String expected) {
    return new ConfigException(file.toString(), line, key, expected);
  }

  private static String format(String source, int line, String key, String expected) {
    StringBuilder sb = new StringBuilder(source);
    if (line > 0) sb.append(':').append(line);
    sb.append(": ");
    if (key != null && !key.isEmpty()) sb.append(key).append(": ");
    return sb.append(expected).toString();
  }

  public String source() { return source; }

  public int line() { return line; }

  public String key() { return key; }

  public String expected() { return expected; }
}
