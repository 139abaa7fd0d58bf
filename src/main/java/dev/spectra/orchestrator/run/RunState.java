package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a build has decided so far, saved in the staging directory after every step
 * ({@code state.json} beside the project), so {@code resume} continues without asking a model again for what is done.
 * Mutable on purpose: it is the build's journal, written by one thread, persisted atomically.
 */
final class RunState {
  static final String FILE = "state.json";

  static final ObjectMapper JSON = new ObjectMapper()
      .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
      .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .enable(SerializationFeature.INDENT_OUTPUT);

  String buildId;
  String request;
  String openApiFile;
  String stack;
  String outDir;
  boolean force;
  int maxIterations;
  String budgetUsd;
  String startedAt;
  String status = "running";
  String statusDetail;

  JsonNode plan;
  String basePackage;
  String appStart;
  List<Ports.PendingOperation> pending = new ArrayList<>();

  Set<String> completedSteps = new LinkedHashSet<>();
  Set<String> modelFiles = new LinkedHashSet<>();
  /** Files the scaffold created or the pipeline wrote, with the SHA-256 of their content (see KnownFiles). */
  Map<String, String> knownFiles = new LinkedHashMap<>();
  int iteration;
  List<String> signatures = new ArrayList<>();
  /** Signatures before this iteration belong to routes escalated away from. */
  int signatureFloor;

  List<StepRecord> steps = new ArrayList<>();
  List<Escalation> escalations = new ArrayList<>();
  List<Refusal> refusals = new ArrayList<>();
  LastVerification verification;

  /** One finished (or failed) step, as the report shows it. */
  record StepRecord(String name, List<String> models, int promptTokens, int completionTokens, boolean estimated,
      String costUsd, String savedUsd, long millis, String outcome) {}

  /** Why later calls moved to the next route. */
  record Escalation(String step, String artifact, String reason, boolean escalated) {}

  /** A model-chosen path that was not written. */
  record Refusal(String step, String path, String reason) {}

  /** The last verification's figures. */
  record LastVerification(boolean compiled, int testsRun, int testsFailed, List<String> problems, String sandbox,
      String limits, List<String> refused) {}

  boolean done(String step) {
    return completedSteps.contains(step);
  }

  int totalTokens() {
    return steps.stream().mapToInt(s -> s.promptTokens() + s.completionTokens()).sum();
  }

  static Path file(Path staging) {
    return staging.resolve(FILE);
  }

  void save(Path staging) throws IOException {
    Path target = file(staging);
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(FILE + ".tmp");
    JSON.writeValue(tmp.toFile(), this);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static RunState load(Path staging) throws IOException {
    return JSON.readValue(file(staging).toFile(), RunState.class);
  }
}
