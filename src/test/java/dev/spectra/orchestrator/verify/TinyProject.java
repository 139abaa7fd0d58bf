package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a small, framework-free generated project (the layout of docs/generated-project.md) for the tests. */
final class TinyProject {
  static final String DESCRIPTOR = """
      {
        "stack": "plain",
        "javaRelease": 21,
        "mainClass": "demo.Greeter",
        "mainSources": "src/main/java",
        "mainResources": "src/main/resources",
        "testSources": "src/test/java",
        "testResources": "src/test/resources",
        "dependencies": [
          {"groupId": "org.junit.jupiter", "artifactId": "junit-jupiter", "version": "5.14.4", "scope": "test"}
        ]
      }
      """;

  static final String GREETER = """
      package demo;

      public final class Greeter {
        public static String greet(String name) {
          return "Hello, " + name + "!";
        }
      }
      """;

  private final Path dir;

  private TinyProject(Path dir) {
    this.dir = dir;
  }

  /** A project whose one test passes, with a resource the test reads from the class path. */
  static TinyProject passing(Path dir) throws IOException {
    TinyProject p = new TinyProject(dir);
    p.write("spectra-project.json", DESCRIPTOR);
    p.write("src/main/java/demo/Greeter.java", GREETER);
    p.write("src/main/resources/greeting.txt", "Hello");
    p.test("GreeterTest", """
        @Test void greetsByName() throws Exception {
          assertEquals("Hello, Ada!", Greeter.greet("Ada"));
          try (var in = GreeterTest.class.getResourceAsStream("/greeting.txt")) {
            assertEquals("Hello", new String(in.readAllBytes()));
          }
        }
        """);
    return p;
  }

  /** Adds a test class {@code demo.<name>} with the given members (JUnit's Assertions are imported statically). */
  TinyProject test(String name, String members) throws IOException {
    return write("src/test/java/demo/" + name + ".java", """
        package demo;

        import static org.junit.jupiter.api.Assertions.*;
        import java.nio.file.*;
        import java.net.*;
        import org.junit.jupiter.api.Test;

        class %s {
        %s
        }
        """.formatted(name, members));
  }

  TinyProject write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return this;
  }

  Path dir() {
    return dir;
  }
}
