package dev.spectra.orchestrator.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code .env} file: {@code KEY=VALUE} lines, {@code #} comments, an optional {@code export } prefix, values
 * optionally in single or double quotes. Errors name the line and the key but never echo a value: {@code .env}
 * files hold API keys.
 */
record DotEnv(Path file, Map<String, String> values, Map<String, Integer> lines) {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  static DotEnv read(Path file) throws ConfigException {
    List<String> raw;
    try {
      raw = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ConfigException.at(file, 0, "", "cannot read the file: " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, Integer> lines = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      int lineNo = i + 1;
      String line = raw.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      if (line.startsWith("export ")) line = line.substring(7).strip();
      int eq = line.indexOf('=');
      if (eq < 0) {
        String key = line.split("\\s+")[0];
        throw ConfigException.at(file, lineNo, KEY.matcher(key).matches() ? key : "",
            "expected KEY=VALUE (a line with '='), e.g. ORCHESTRATOR_LLM_MODEL=qwen2.5-coder:32b");
      }
      String key = line.substring(0, eq).strip();
      if (!KEY.matcher(key).matches()) {
        throw ConfigException.at(file, lineNo, "", "expected a variable name (letters, digits, _) before '='");
      }
      values.put(key, value(line.substring(eq + 1).strip(), file, lineNo, key));
      lines.put(key, lineNo);
    }
    return new DotEnv(file, Map.copyOf(values), Map.copyOf(lines));
  }

  private static String value(String v, Path file, int line, String key) throws ConfigException {
    if (v.isEmpty()) return v;
    char q = v.charAt(0);
    if (q == '"' || q == '\'') {
      int close = v.indexOf(q, 1);
      if (close < 0) throw ConfigException.at(file, line, key, "expected a closing " + q + " quote");
      String rest = v.substring(close + 1).strip();
      if (!rest.isEmpty() && !rest.startsWith("#")) {
        throw ConfigException.at(file, line, key, "expected nothing but a comment after the quoted value");
      }
      return v.substring(1, close);
    }
    int comment = v.indexOf(" #");
    return (comment >= 0 ? v.substring(0, comment) : v).strip();
  }
}
