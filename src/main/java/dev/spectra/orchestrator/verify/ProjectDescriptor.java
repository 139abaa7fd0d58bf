package dev.spectra.orchestrator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A generated project as {@code spectra-project.json} describes it (see {@code docs/generated-project.md}): where its
 * sources are, its Java release and its direct dependencies.
 */
record ProjectDescriptor(int javaRelease, String mainSources, String mainResources, String testSources,
    String testResources, List<Dependency> dependencies, String mainClass) {

  static final String FILE = "spectra-project.json";

  /** A direct dependency; {@code scope} is {@code compile}, {@code runtime}, {@code provided} or {@code test}. */
  record Dependency(String groupId, String artifactId, String version, String scope) {
    String coordinates() {
      return groupId + ":" + artifactId + ":" + version + ":" + scope;
    }
  }

  ProjectDescriptor {
    dependencies = List.copyOf(dependencies);
    mainClass = mainClass == null ? "" : mainClass;
  }

  ProjectDescriptor(int javaRelease, String mainSources, String mainResources, String testSources,
      String testResources, List<Dependency> dependencies) {
    this(javaRelease, mainSources, mainResources, testSources, testResources, dependencies, "");
  }

  /** Reads the descriptor; the message of the exception names the file and what is wrong. */
  static ProjectDescriptor read(Path project, ObjectMapper json) throws IOException {
    Path file = project.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is missing: the verifier needs the project descriptor the generator writes");
    }
    JsonNode root;
    try {
      root = json.readTree(file.toFile());
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    List<Dependency> deps = new ArrayList<>();
    for (JsonNode d : root.path("dependencies")) {
      String g = d.path("groupId").asText("");
      String a = d.path("artifactId").asText("");
      String v = d.path("version").asText("");
      if (g.isBlank() || a.isBlank() || v.isBlank()) {
        throw new IOException(file + ": a dependency lacks groupId, artifactId or version: " + d);
      }
      deps.add(new Dependency(g, a, v, d.path("scope").asText("compile")));
    }
    return new ProjectDescriptor(root.path("javaRelease").asInt(21),
        root.path("mainSources").asText("src/main/java"), root.path("mainResources").asText("src/main/resources"),
        root.path("testSources").asText("src/test/java"), root.path("testResources").asText("src/test/resources"),
        deps, root.path("mainClass").asText(""));
  }
}
