package dev.spectra.orchestrator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.VerifyResult;
import dev.spectra.orchestrator.verify.workspace.Names;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * The runner's {@code result.json}, read as untrusted input: the JVM that wrote it also ran the generated tests, so
 * it may be forged. Read without following links and at most {@value #MAX_BYTES} bytes; lists and texts are cut to
 * fixed sizes; every file a compile error names must be a plain file inside the project's source roots, else the
 * name is dropped (the error is kept without it) and the drop is reported.
 */
record RunnerResult(boolean complete, boolean compiled, int testsRun, int testsPassed, int testsFailed, int testsSkipped,
    List<VerifyResult.CompileError> compileErrors, List<VerifyResult.TestFailure> failures, String compileLog) {

  static final int MAX_BYTES = 4 * 1024 * 1024;
  static final int MAX_ENTRIES = 200;
  static final int MAX_MESSAGE = 4000;
  static final int MAX_TRACE = 8000;
  static final int MAX_NAME = 300;
  static final int MAX_LOG = 64 * 1024;

  /** {@return the result, or null when there is none or it cannot be read; refusals are added to {@code distrusted}} */
  static RunnerResult read(UntrustedTree tree, String relative, ProjectDescriptor d, ObjectMapper json,
      List<String> distrusted) {
    JsonNode r;
    try {
      r = json.readTree(tree.read(relative, MAX_BYTES));
    } catch (NoSuchFileException e) {
      return null;
    } catch (UntrustedTree.Refused e) {
      distrusted.add("the runner's result: " + e.getMessage());
      return null;
    } catch (IOException e) {
      // A result the runner did not finish writing counts as none.
      return null;
    }
    if (r == null || !r.isObject()) return null;
    List<String> roots = List.of(d.mainSources(), d.testSources(), d.mainResources(), d.testResources());
    List<VerifyResult.CompileError> errors = new ArrayList<>();
    for (JsonNode e : r.path("compileErrors")) {
      if (errors.size() >= MAX_ENTRIES) break;
      String file = e.path("file").asText("");
      String checked = file.isEmpty() ? "" : sourceFile(tree, file, roots);
      if (checked == null) {
        distrusted.add("the runner's result named a file outside the project's sources: " + Names.printable(cut(file,
            MAX_NAME)));
        checked = "";
      }
      errors.add(new VerifyResult.CompileError(checked, Math.max(0, e.path("line").asLong()),
          cut(e.path("message").asText(), MAX_MESSAGE)));
    }
    List<VerifyResult.TestFailure> failures = new ArrayList<>();
    for (JsonNode f : r.path("failures")) {
      if (failures.size() >= MAX_ENTRIES) break;
      failures.add(new VerifyResult.TestFailure(className(f.path("testClass").asText()),
          cut(f.path("testName").asText(), MAX_NAME), cut(f.path("message").asText(), MAX_MESSAGE),
          cut(f.path("trace").asText(), MAX_TRACE)));
    }
    return new RunnerResult(r.path("complete").asBoolean(!r.has("complete")), r.path("compiled").asBoolean(false),
        count(r, "testsRun"), count(r, "testsPassed"), count(r, "testsFailed"), count(r, "testsSkipped"), errors, failures,
        cut(r.path("compileLog").asText(""), MAX_LOG));
  }

  /**
   * {@return {@code file} normalised, when it is a plain file (no link, one name) under one of {@code roots}; else
   * null}
   */
  static String sourceFile(UntrustedTree tree, String file, List<String> roots) {
    if (file.length() > 1000 || file.chars().anyMatch(c -> Names.unsafe(c))) return null;
    String rel = file.replace('\\', '/');
    if (rel.startsWith("/")) {
      // The runner reports files under the project relative to it; an absolute one must still be inside.
      String prefix = tree.root().toString() + "/";
      if (!rel.startsWith(prefix)) return null;
      rel = rel.substring(prefix.length());
    }
    List<String> parts = new ArrayList<>();
    for (String s : rel.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) return null;
      parts.add(s);
    }
    String normal = String.join("/", parts);
    boolean inRoots = roots.stream().map(RunnerResult::trimSlashes)
        .anyMatch(root -> !root.isEmpty() && normal.startsWith(root + "/"));
    if (!inRoots || !tree.isPlainFile(normal)) return null;
    return normal;
  }

  private static String trimSlashes(String s) {
    return s.replaceAll("^\\./", "").replaceAll("^/+|/+$", "");
  }

  /** A test class name as Java allows it; anything else is replaced, since it ends up in prompts and reports. */
  private static String className(String s) {
    String c = cut(s, MAX_NAME);
    return c.matches("[\\p{L}\\p{N}_$.]*") ? c : Names.printable(c);
  }

  private static int count(JsonNode r, String field) {
    long v = r.path(field).asLong();
    return (int) Math.max(0, Math.min(v, 1_000_000));
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + " ...";
  }
}
