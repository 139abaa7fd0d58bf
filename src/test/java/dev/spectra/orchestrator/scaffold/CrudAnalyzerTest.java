package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.IdKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrudAnalyzerTest {
  @TempDir Path dir;

  private static ServicePlan plan(Path file) throws Exception {
    return new CrudAnalyzer(new ContractReader().read(file)).plan();
  }

  @Test
  void recognisesEveryTodoOperationAsCrud() throws Exception {
    ServicePlan plan = plan(Contracts.example("todo-api.yaml"));
    assertThat(plan.slug()).isEqualTo("todo-api");
    assertThat(plan.javaPackage()).isEqualTo("com.example.todoapi");
    assertThat(plan.needsModel()).isEmpty();
    Resource todos = plan.resources().getFirst();
    assertThat(todos.ops().keySet()).containsExactlyInAnyOrder(CrudKind.values());
    assertThat(todos.idField()).isEqualTo("id");
    assertThat(todos.idKind()).isEqualTo(IdKind.INTEGER);
    assertThat(todos.filterFields()).containsExactly("done");
    assertThat(todos.paging()).containsExactly("limit");
    assertThat(todos.statuses()).containsEntry(CrudKind.CREATE, 201).containsEntry(CrudKind.DELETE, 204);
    assertThat(todos.serverFields()).containsEntry("createdAt", "now");
    assertThat(todos.defaults()).containsKey("done");
  }

  @Test
  void leavesCheckoutToAModelAndFindsRelationsAsFilters() throws Exception {
    ServicePlan plan = plan(Contracts.example("bookshop-api.yaml"));
    assertThat(plan.needsModel()).extracting(Operation::operationId).containsExactly("checkoutOrder");
    assertThat(plan.resources()).extracting(Resource::name).containsExactly("authors", "books", "orders");
    Resource books = plan.resources().get(1);
    assertThat(books.filterFields()).containsExactly("authorId", "genre");
    assertThat(books.paging()).containsExactlyInAnyOrder("limit", "offset");
    assertThat(books.ops().keySet()).doesNotContain(CrudKind.REPLACE);
    Resource orders = plan.resources().get(2);
    assertThat(orders.idKind()).isEqualTo(IdKind.UUID);
    assertThat(orders.serverFields()).containsEntry("status", "\"pending\"").containsEntry("createdAt", "now");
  }

  @Test
  void treatsCrudShapedOperationsWithNonJsonBodiesAsNeedingAModel() throws Exception {
    Path f = Contracts.write(dir, "upload.yaml", """
        openapi: 3.0.3
        info: {title: Files, version: "1"}
        paths:
          /files:
            post:
              operationId: upload
              requestBody:
                content:
                  application/octet-stream:
                    schema: {type: string, format: binary}
              responses:
                '201': {description: stored}
        """);
    ServicePlan plan = plan(f);
    assertThat(plan.resources()).isEmpty();
    assertThat(plan.needsModel()).extracting(Operation::operationId).containsExactly("upload");
  }

  @Test
  void givesEveryOperationAUniqueHandlerEvenWhenIdsCollideOrAreMissing() throws Exception {
    Path f = Contracts.write(dir, "names.yaml", """
        openapi: 3.0.3
        info: {title: "123 class", version: "1"}
        paths:
          /a:
            get: {operationId: class, responses: {'200': {description: ok}}}
            post: {operationId: Class, responses: {'200': {description: ok}}}
          /b:
            get: {operationId: delete-item, responses: {'200': {description: ok}}}
            post: {operationId: delete_item, responses: {'200': {description: ok}}}
            put: {responses: {'200': {description: ok}}}
        """);
    ServicePlan plan = plan(f);
    assertThat(plan.operations()).extracting(Operation::handlerClass)
        .containsExactly("ClassHandler", "ClassHandler2", "DeleteItemHandler", "PutBHandler", "DeleteItemHandler2")
        .doesNotHaveDuplicates();
    assertThat(plan.javaPackage()).isEqualTo("com.example.s123class");
  }
}
