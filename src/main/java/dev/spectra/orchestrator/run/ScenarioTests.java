package dev.spectra.orchestrator.run;

import static dev.spectra.orchestrator.scaffold.JavaNames.literal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the plan's acceptance scenarios as a JUnit test of the generated service, without a model: a test the
 * model cannot weaken, and no tokens spent on boilerplate. Each scenario starts a fresh service on a random port
 * and runs its steps in order over real HTTP; {@code {{N.field}}} takes a field of step N's JSON response.
 */
final class ScenarioTests {
  static final String CLASS = "AcceptanceScenariosTest";

  private ScenarioTests() {}

  static String relativePath(String basePackage) {
    return "src/test/java/" + basePackage.replace('.', '/') + "/scenario/" + CLASS + ".java";
  }

  /** {@return the path written, or null when the plan has no scenarios} */
  static String write(Path project, String basePackage, String appStart, List<Plan.Scenario> scenarios)
      throws IOException {
    if (scenarios.isEmpty()) return null;
    String rel = relativePath(basePackage);
    Path file = project.resolve(rel);
    Files.createDirectories(file.getParent());
    Files.writeString(file, source(basePackage, appStart, scenarios));
    return rel;
  }

  static String source(String basePackage, String appStart, List<Plan.Scenario> scenarios) {
    StringBuilder tests = new StringBuilder();
    int n = 1;
    for (Plan.Scenario s : scenarios) {
      tests.append("  @Test\n  @DisplayName(").append(literal(s.name())).append(")\n  void scenario").append(n++)
          .append('_').append(identifier(s.name())).append("() throws Exception {\n    run(new String[][] {\n");
      for (Plan.Step st : s.steps()) {
        tests.append("        {").append(literal(st.method())).append(", ").append(literal(st.path())).append(", ")
            .append(st.body() == null ? "null" : literal(st.body().toString())).append(", ")
            .append(literal(Integer.toString(st.status())));
        for (String c : st.contains()) tests.append(", ").append(literal(c));
        tests.append("},\n");
      }
      tests.append("    });\n  }\n\n");
    }
    return """
        package %1$s.scenario;

        import static org.junit.jupiter.api.Assertions.assertEquals;
        import static org.junit.jupiter.api.Assertions.assertTrue;

        import java.net.URI;
        import java.net.http.HttpClient;
        import java.net.http.HttpRequest;
        import java.net.http.HttpResponse;
        import java.util.ArrayList;
        import java.util.List;
        import java.util.regex.Matcher;
        import java.util.regex.Pattern;
        import org.junit.jupiter.api.DisplayName;
        import org.junit.jupiter.api.Test;

        /** Acceptance scenarios of the build plan, generated from it (not by a model): each on a fresh service. */
        class %2$s {
          private static final Pattern PLACEHOLDER = Pattern.compile("\\"?\\\\{\\\\{(\\\\d+)\\\\.([A-Za-z0-9_]+)}}\\"?");

        %3$s  /** Each step: method, path, JSON body or null, expected status, then fragments the body must contain. */
          private static void run(String[][] steps) throws Exception {
            var app = %4$s;
            try {
              HttpClient client = HttpClient.newHttpClient();
              List<String> bodies = new ArrayList<>();
              int n = 1;
              for (String[] step : steps) {
                String path = resolve(step[1], bodies, false);
                String body = step[2] == null ? null : resolve(step[2], bodies, true);
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                    .header("Accept", "application/json")
                    .method(step[0], body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
                if (body != null) request.header("Content-Type", "application/json");
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                String label = "step " + n + " (" + step[0] + " " + path + ")";
                assertEquals(Integer.parseInt(step[3]), response.statusCode(), label + ": status; body: " + response.body());
                for (int i = 4; i < step.length; i++) {
                  String fragment = resolve(step[i], bodies, false);
                  assertTrue(response.body().contains(fragment),
                      label + ": body should contain " + fragment + " but was " + response.body());
                }
                bodies.add(response.body());
                n++;
              }
            } finally {
              app.stop();
            }
          }

          /** Replaces {{N.field}} with that field of step N's response; inside JSON, a quoted placeholder takes the raw value. */
          private static String resolve(String text, List<String> bodies, boolean json) {
            Matcher m = PLACEHOLDER.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
              int step = Integer.parseInt(m.group(1));
              String raw = step >= 1 && step <= bodies.size() ? field(bodies.get(step - 1), m.group(2)) : "null";
              boolean quoted = m.group().startsWith("\\"") && m.group().endsWith("\\"");
              String value = json && quoted ? raw : raw.startsWith("\\"") ? raw.substring(1, raw.length() - 1) : raw;
              String keep = !json && quoted ? "\\"" : "";
              m.appendReplacement(out, Matcher.quoteReplacement(keep + value + keep));
            }
            m.appendTail(out);
            return out.toString();
          }

          private static String field(String body, String name) {
            Matcher m = Pattern.compile("\\"" + Pattern.quote(name) + "\\"\\\\s*:\\\\s*(\\"(?:[^\\"\\\\\\\\]|\\\\\\\\.)*\\"|[-0-9.eE+]+|true|false|null)")
                .matcher(body);
            return m.find() ? m.group(1) : "null";
          }
        }
        """.formatted(basePackage, CLASS, tests, appStart);
  }

  static String identifier(String name) {
    String id = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
    if (id.isEmpty()) return "scenario";
    return id.length() > 50 ? id.substring(0, 50) : id;
  }
}
