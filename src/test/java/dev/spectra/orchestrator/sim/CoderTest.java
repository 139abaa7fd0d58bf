package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulated coder over real HTTP: it recognises the build's three calls by their prompts, answers them from
 * the reference solutions, and makes its profile's mistakes reproducibly.
 */
class CoderTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PLAN_SYSTEM = "You plan a small HTTP JSON service from a user's request. Answer with one JSON "
      + "object only.";
  static final String IMPLEMENT_SYSTEM = "You implement one operation of a Java 21 Javalin service.";
  static final String FIX_SYSTEM = "You fix a Java 21 Javalin service so that it compiles and its tests pass.";

  static String resource(String name) throws IOException {
    try (InputStream in = CoderTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static ObjectNode chat(String system, String user) {
    ObjectNode req = JSON.createObjectNode().put("model", "qwen2.5-coder:32b");
    ArrayNode messages = req.putArray("messages");
    messages.addObject().put("role", "system").put("content", system);
    messages.addObject().put("role", "user").put("content", user);
    return req;
  }

  static String reply(SimHttp http, ObjectNode req) {
    return SimHttp.json(http.post("/v1/chat/completions", req)).at("/choices/0/message/content").asText();
  }

  static String implementPrompt(String pkg) throws IOException {
    String handler = resource("/sim/coder/library-loans/BorrowBookHandler.java.txt")
        .replace("com.example.libraryloans", pkg);
    return "Operation: POST /books/{id}/borrow (borrowBook)\nBehaviour: lends a book\nFile to replace, "
        + "src/main/java/" + pkg.replace('.', '/') + "/ops/BorrowBookHandler.java:\n" + handler;
  }

  @Test
  void answersTheKnownRequestWithItsReferencePlanWhateverTheWrapping() throws IOException {
    String request = resource("/sim/coder/library-loans/request.txt").replace("\n", " ");
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      JsonNode plan = SimHttp.json(reply(new SimHttp(sim), chat(PLAN_SYSTEM, "Request:   " + request.toUpperCase())));
      assertThat(plan.path("service").asText()).isEqualTo("library-loans");
      assertThat(plan.at("/openapi/paths").has("/books/{id}/borrow")).isTrue();
      assertThat(plan.path("behaviours")).hasSize(3);
    }
  }

  @Test
  void saysItDoesNotKnowARequestWithoutAReferenceSolution() {
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      JsonNode answer = SimHttp.json(reply(new SimHttp(sim), chat(PLAN_SYSTEM, "Request: a service for bees")));
      assertThat(answer.path("clarification_needed").asText()).contains("model simulator", "library-loans",
          "real model");
      assertThat(answer.has("service")).isFalse();
    }
  }

  @Test
  void writesTheReferenceHandlerInTheProjectsOwnPackage() throws IOException {
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      JsonNode files = SimHttp.json(reply(new SimHttp(sim), chat(IMPLEMENT_SYSTEM, implementPrompt("org.acme.lib"))));
      assertThat(files.path("files")).hasSize(1);
      assertThat(files.at("/files/0/path").asText()).isEqualTo("src/main/java/org/acme/lib/ops/BorrowBookHandler.java");
      String java = files.at("/files/0/content").asText();
      assertThat(java).startsWith("package org.acme.lib.ops;").contains("import org.acme.lib.Stores;")
          .doesNotContain("com.example");
    }
  }

  @Test
  void saysSoWhenAnImplementCallShowsNoHandlerPackage() {
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      String text = reply(new SimHttp(sim), chat(IMPLEMENT_SYSTEM, "Operation: POST /hives/{id}/swarm (swarmHive)\n"
          + "File to replace, src/main/java/a/ops/SwarmHiveHandler.java:\n(the file is missing; write it whole)\n"));
      assertThat(text).contains("model simulator", "package", "real model");
    }
  }

  /** An implement prompt of an operation no reference solution has, shaped as the pipeline writes it. */
  static String unseenPrompt(String operation, String behaviour, String contract) {
    return "Operation: " + operation + "\nBehaviour: " + behaviour + "\nContract: " + contract + "\n"
        + "Types you can use (signatures):\n// org/hives/Stores.java\npublic record Stores(ResourceStore hives, "
        + "ResourceStore harvests, ResourceStore keepers)\n"
        + "File to replace, src/main/java/org/hives/ops/RecordHarvestHandler.java:\npackage org.hives.ops;\n\n"
        + "public final class RecordHarvestHandler implements Handler {}\n";
  }

  static final String HARVEST_CONTRACT = """
      {"operation":"POST /hives/{hiveId}/harvests","spec":{"operationId":"recordHarvest","requestBody":{"content":
      {"application/json":{"schema":{"$ref":"#/components/schemas/Harvest"}}}},"responses":{"201":{"description":
      "ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Harvest"}}}},"400":{"description":
      "bad"},"404":{"description":"no hive"},"409":{"description":"taken"}}},"schemas":{"Harvest":{"type":"object",
      "properties":{"id":{"type":"integer","readOnly":true},"kilos":{"type":"number"},"keeperId":{"type":"integer"},
      "label":{"type":"string"}}}}}""".replace("\n", "");

  @Test
  void listsASubCollectionByTheParentLinkItsItemsCarry() {
    String contract = """
        {"operation":"GET /warehouses/{id}/items","spec":{"operationId":"listWarehouseItems","responses":{"200":
        {"description":"ok","content":{"application/json":{"schema":{"type":"array","items":{"$ref":
        "#/components/schemas/Item"}}}}},"404":{"description":"no warehouse"}}},"schemas":{"Item":{"type":"object",
        "properties":{"id":{"type":"integer"},"name":{"type":"string"},"warehouseId":{"type":"integer"}}}}}"""
        .replace("\n", "");
    String prompt = unseenPrompt("GET /warehouses/{id}/items (listWarehouseItems)", "lists a warehouse's items",
        contract).replace("ResourceStore hives, ResourceStore harvests, ResourceStore keepers",
        "ResourceStore warehouses, ResourceStore items");
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      String java = SimHttp.json(reply(new SimHttp(sim), chat(IMPLEMENT_SYSTEM, prompt))).at("/files/0/content")
          .asText();
      // "warehouses" is not "warehous" + "es": the filter must name the property the items really carry
      assertThat(java).contains("filters.put(\"warehouseId\", id)").contains("no warehouse \"")
          .contains("stores.items().list(filters");
    }
  }

  @Test
  void writesItsOwnHandlerFromTheContractWhenNoReferenceSolutionHasTheOperation() {
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      JsonNode files = SimHttp.json(reply(new SimHttp(sim), chat(IMPLEMENT_SYSTEM, unseenPrompt(
          "POST /hives/{hiveId}/harvests (recordHarvest)", "kilos must be positive; the label is unique",
          HARVEST_CONTRACT))));
      assertThat(files.path("files")).hasSize(1);
      assertThat(files.at("/files/0/path").asText()).isEqualTo("src/main/java/org/hives/ops/RecordHarvestHandler.java");
      String java = files.at("/files/0/content").asText();
      assertThat(java).startsWith("package org.hives.ops;").contains("public final class RecordHarvestHandler")
          // the parent must exist, the item is linked to it and stored in the store the path names
          .contains("stores.hives().find(id)").contains("body.set(\"hiveId\"").contains("stores.harvests().create(body)")
          // only what a client may set is kept (mass assignment), the id being read-only
          .contains("body.retain(List.of(\"kilos\", \"keeperId\", \"label\"))")
          // the rules stated in words it knows, each marked so a defect can leave it out
          .contains("// rule: kilos must be positive").contains("// rule: keeperId names an existing keeper")
          .contains("// rule: label is unique")
          .contains("Http.json(ctx, 201, created)")
          .doesNotContain("com.example");
    }
  }

  @Test
  void anActionNamedAfterAFlagSetsItAndAViewAnswersTheItem() {
    String contract = """
        {"operation":"POST /todos/{id}/done","spec":{"operationId":"markDone","responses":{"200":{"description":"ok",
        "content":{"application/json":{"schema":{"$ref":"#/components/schemas/Todo"}}}},"404":{"description":"no"}}},
        "schemas":{"Todo":{"type":"object","properties":{"id":{"type":"integer"},"title":{"type":"string"},
        "done":{"type":"boolean"}}}}}""".replace("\n", "");
    String prompt = unseenPrompt("POST /todos/{id}/done (markDone)", "marks it done", contract)
        .replace("ResourceStore hives", "ResourceStore todos");
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      String java = SimHttp.json(reply(new SimHttp(sim), chat(IMPLEMENT_SYSTEM, prompt))).at("/files/0/content")
          .asText();
      assertThat(java).contains("stores.todos().update(id").contains("next.put(\"done\", true)")
          .contains("ApiError.notFound(").contains("Http.json(ctx, 200, item)");
    }
  }

  @Test
  void plansAGivenContractItHasNeverSeenWithABehaviourPerOperationThatIsNotPlainCrud() {
    String user = "Request: Keep bee hives and their harvests\nOperations of the given OpenAPI document:\n"
        + "GET /hives (listHives)\nPOST /hives/{hiveId}/harvests (recordHarvest)\n";
    try (Simulator sim = Simulator.start(SimOptions.defaults())) {
      JsonNode plan = SimHttp.json(reply(new SimHttp(sim), chat(PLAN_SYSTEM + " The OpenAPI document is given and "
          + "authoritative: do not return one; use its operationIds.", user)));
      assertThat(plan.path("service").asText()).isEqualTo("hives-service");
      assertThat(plan.path("summary").asText()).isEqualTo("Keep bee hives and their harvests");
      assertThat(plan.has("openapi")).isFalse();
      // The list is the scaffold's to generate; a behaviour would hand it to the coder again.
      assertThat(plan.path("behaviours").findValuesAsText("operationId")).containsExactly("recordHarvest");
    }
  }

  @Test
  void aFixRepairsItsOwnHandlerTowardsWhatItFirstMeantToWriteWithNoMemoryOfTheImplementCall() {
    DefectModel defects = new DefectModel(0, 1.0, 1.0, 0, java.util.Map.of(Defect.MISSING_IMPORT, 1.0));
    Coder coder = new Coder(List.of(), defects, JSON);
    String prompt = unseenPrompt("POST /hives/{hiveId}/harvests (recordHarvest)", "kilos must be positive",
        HARVEST_CONTRACT);
    Coder.Reply first = coder.answer(request(IMPLEMENT_SYSTEM, prompt), new SplittableRandom(5)).orElseThrow();
    assertThat(first.note()).contains("own implementation", "missing-import");
    String broken = SimHttp.json(first.text()).at("/files/0/content").asText();
    String path = "src/main/java/org/hives/ops/RecordHarvestHandler.java";
    // As the fix loop shows it: the file, then the operation it implements and the types it may use.
    String fixPrompt = "Compilation failed:\n- " + path + ":9: cannot find symbol\n=== " + path + " (editable) ===\n"
        + broken + "\n=== operation of " + path + " (read-only) ===\nOperation: POST /hives/{hiveId}/harvests "
        + "(recordHarvest)\nBehaviour: kilos must be positive\nContract: " + HARVEST_CONTRACT + "\n"
        + "=== types you can use (signatures, read-only) ===\n// org/hives/Stores.java\npublic record Stores("
        + "ResourceStore hives, ResourceStore harvests, ResourceStore keepers)\n";
    // Another coder: a restarted simulator derives the file again from the fix call alone.
    Coder restarted = new Coder(List.of(), defects, JSON);

    JsonNode fixed = SimHttp.json(restarted.answer(request(FIX_SYSTEM, fixPrompt), new SplittableRandom(5))
        .orElseThrow().text());

    String repaired = fixed.at("/files/0/content").asText();
    assertThat(repaired).isNotEqualTo(broken).contains("import org.hives.support.Http;")
        .contains("import org.hives.support.ApiError;").contains("import java.util.List;");
    assertThat(repaired.lines().filter(l -> l.startsWith("import ")).count())
        .isEqualTo(broken.lines().filter(l -> l.startsWith("import ")).count() + 1);
  }

  @Test
  void theSameSeedGivesTheSameConversation() throws IOException {
    List<String> first = conversation(7);
    assertThat(conversation(7)).isEqualTo(first);
    assertThat(conversation(8)).isNotEqualTo(first);
  }

  private static List<String> conversation(long seed) throws IOException {
    List<String> out = new ArrayList<>();
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("mistral-7b").withSeed(seed))) {
      SimHttp http = new SimHttp(sim);
      for (int i = 0; i < 12; i++) out.add(reply(http, chat(IMPLEMENT_SYSTEM, implementPrompt("org.acme.lib"))));
    }
    return out;
  }

  @Test
  void aWeakProfileBreaksFilesMoreOftenThanAStrongOne() throws IOException {
    assertThat(brokenShare("mistral-7b")).isGreaterThan(brokenShare("claude-3-5-sonnet") + 0.2);
    assertThat(brokenShare("perfect")).isZero();
  }

  private static double brokenShare(String profile) throws IOException {
    Coder coder = Coder.load(DefectModel.forProfile(profile), JSON);
    String clean = resource("/sim/coder/library-loans/BorrowBookHandler.java.txt");
    int broken = 0;
    int n = 200;
    for (int i = 0; i < n; i++) {
      Coder.Reply r = coder.answer(request(IMPLEMENT_SYSTEM, implementPrompt("com.example.libraryloans")),
          new SplittableRandom(i)).orElseThrow();
      if (r.truncated() || SimHttp.json(r.text()).path("files").size() > 1
          || !Coder.normalise(SimHttp.json(r.text()).at("/files/0/content").asText()).equals(Coder.normalise(clean))) {
        broken++;
      }
    }
    return (double) broken / n;
  }

  static SimRequest request(String system, String user) {
    return new SimRequest(SimRequest.Protocol.OPENAI, "m", user, system + "\n" + user + "\n", 10, false, null, null,
        false, null, false);
  }

  @ParameterizedTest
  @EnumSource(value = Defect.class, names = {"MISSING_IMPORT", "HALLUCINATED_METHOD", "WRONG_STATUS", "RULE_LEFT_OUT",
      "FENCES", "PROSE"})
  void everyContentDefectChangesEveryReferenceHandler(Defect defect) throws IOException {
    for (String name : List.of("BorrowBookHandler", "ReturnLoanHandler", "MemberFinesHandler")) {
      String clean = resource("/sim/coder/library-loans/" + name + ".java.txt");
      String broken = defect.breakCode(clean, new SplittableRandom(3));
      if (defect == Defect.RULE_LEFT_OUT && name.equals("MemberFinesHandler")) {
        assertThat(broken).as("no rule to leave out").isNull();
        continue;
      }
      assertThat(broken).as(defect + " on " + name).isNotNull().isNotEqualTo(clean);
    }
  }

  @Test
  void leavingARuleOutRemovesTheMarkedStatementAndNothingElse() throws IOException {
    String clean = resource("/sim/coder/library-loans/BorrowBookHandler.java.txt");
    String broken = Defect.removeRule(clean, new SplittableRandom(1));
    assertThat(clean.lines().count() - broken.lines().count()).isEqualTo(4);
    assertThat(broken).contains("Http.json(ctx, 201").contains("// rule:");
  }

  @Test
  void aFixRepairsTheBrokenFileWhenTheProfileRepairsAndSendsItBackWhenNot() throws IOException {
    String clean = resource("/sim/coder/library-loans/BorrowBookHandler.java.txt");
    String broken = Defect.MISSING_IMPORT.breakCode(clean, new SplittableRandom(1));
    String path = "src/main/java/com/example/libraryloans/ops/BorrowBookHandler.java";
    String prompt = "Compilation failed (first 1 of 1 problems):\n- " + path + ":3: cannot find symbol\n=== " + path
        + " (editable) ===\n" + broken + "\n";
    Coder repairs = new Coder(Coder.load(DefectModel.NONE, JSON).tasks(), new DefectModel(0, 0, 1, 0,
        java.util.Map.of()), JSON);
    Coder misses = new Coder(repairs.tasks(), new DefectModel(0, 0, 0, 0, java.util.Map.of()), JSON);
    JsonNode fixed = SimHttp.json(repairs.answer(request(FIX_SYSTEM, prompt), new SplittableRandom(1)).orElseThrow()
        .text());
    JsonNode same = SimHttp.json(misses.answer(request(FIX_SYSTEM, prompt), new SplittableRandom(1)).orElseThrow()
        .text());
    assertThat(fixed.at("/files/0/content").asText()).isEqualTo(clean);
    assertThat(Coder.normalise(same.at("/files/0/content").asText())).isEqualTo(Coder.normalise(broken));
  }

  @Test
  void describeNamesEveryDefectKindWithItsRateAndSource() {
    String text = Simulator.describe("qwen2.5-coder-32b");
    for (Defect d : Defect.values()) assertThat(text).contains(d.wire()).contains(d.source());
    assertThat(text).contains("code defect 35%").contains("not measurements");
    assertThat(Simulator.describe("perfect")).contains("no defects");
  }
}
