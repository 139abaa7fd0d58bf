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
    var list = plan.service().path("operations").path("listTodos");
    assertThat(list.path("filters").findValuesAsText("field")).containsExactly("done");
    assertThat(list.path("paging").path("limit").asText()).isEqualTo("limit");
    assertThat(todos.statuses()).containsEntry(CrudKind.CREATE, 201).containsEntry(CrudKind.DELETE, 204);
    var create = plan.service().path("operations").path("createTodo");
    assertThat(create.path("serverFields").path("createdAt").asText()).isEqualTo("now");
    assertThat(create.path("defaults").has("done")).isTrue();
  }

  @Test
  void leavesCheckoutToAModelAndFindsRelationsAsFilters() throws Exception {
    ServicePlan plan = plan(Contracts.example("bookshop-api.yaml"));
    assertThat(plan.needsModel()).extracting(Operation::operationId).containsExactly("checkoutOrder");
    assertThat(plan.resources()).extracting(Resource::name).containsExactly("authors", "books", "orders");
    Resource books = plan.resources().get(1);
    var list = plan.service().path("operations").path(books.ops().get(CrudKind.LIST).operationId());
    assertThat(list.path("filters").findValuesAsText("field")).containsExactly("authorId", "genre");
    assertThat(list.path("paging").path("offset").asText()).isEqualTo("offset");
    assertThat(books.ops().keySet()).doesNotContain(CrudKind.REPLACE);
    Resource orders = plan.resources().get(2);
    assertThat(orders.idKind()).isEqualTo(IdKind.UUID);
    var create = plan.service().path("operations").path(orders.ops().get(CrudKind.CREATE).operationId());
    assertThat(create.path("serverFields").path("status").path("const").asText()).isEqualTo("pending");
    assertThat(create.path("serverFields").path("createdAt").asText()).isEqualTo("now");
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

  private static final String LENDING = """
      openapi: 3.0.3
      info: {title: Lending, version: "1"}
      paths:
        /books:
          get:
            operationId: listBooks
            parameters:
              - {name: shelf, in: query, required: true, schema: {type: string}}
            responses:
              '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Book'}}}}}
          post:
            operationId: addBook
            requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/NewBook'}}}}
            responses:
              '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Book'}}}}
        /books/upload:
          post:
            operationId: uploadBooks
            requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/NewBook'}}}}
            responses:
              '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Book'}}}}
        /books/{id}:
          get:
            operationId: getBook
            parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
            responses:
              '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Book'}}}}
              '404': {description: missing}
        /books/{id}/reviews:
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          get:
            operationId: listReviews
            responses:
              '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Review'}}}}}
          post:
            operationId: addReview
            requestBody: {content: {application/json: {schema: {type: object, required: [stars], properties: {stars: {type: integer}}}}}}
            responses:
              '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Review'}}}}
        /books/{id}/return:
          parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
          post:
            operationId: returnBook
            responses:
              '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Book'}}}}
        /loans:
          post:
            operationId: lend
            requestBody: {content: {application/json: {schema: {type: object, required: [bookId], properties: {bookId: {type: integer}}}}}}
            responses:
              '201': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Loan'}}}}
              '409': {description: already lent}
          get:
            operationId: listLoans
            responses:
              '200': {description: ok, content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/Loan'}}}}}
      components:
        schemas:
          NewBook: {type: object, required: [title], properties: {title: {type: string}}}
          Book:
            type: object
            required: [id, title, addedAt]
            properties:
              id: {type: integer}
              title: {type: string}
              shelf: {type: string}
              addedAt: {type: string, format: date-time}
          Review:
            type: object
            required: [id, stars]
            properties: {id: {type: integer}, bookId: {type: integer}, stars: {type: integer}}
          Loan:
            type: object
            required: [id, bookId, lentAt]
            properties: {id: {type: integer}, bookId: {type: integer}, lentAt: {type: string, format: date-time}}
      """;

  @Test
  void aDeclared409RuleIsLeftToAModelWithTheReason() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "lending.yaml", LENDING));
    Operation lend = plan.operations().stream().filter(o -> o.operationId().equals("lend")).findFirst().orElseThrow();
    assertThat(lend.crud()).isNull();
    assertThat(lend.reason()).contains("409");
    assertThat(plan.operations()).filteredOn(o -> o.operationId().equals("listLoans")).singleElement()
        .extracting(Operation::crud).isEqualTo(CrudKind.LIST);
  }

  @Test
  void actionPathsAreNotResources() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "lending.yaml", LENDING));
    assertThat(plan.resources()).extracting(Resource::collectionPath).doesNotContain("/books/upload",
        "/books/{id}/return");
    assertThat(plan.needsModel()).extracting(Operation::operationId).contains("uploadBooks", "returnBook");
    assertThat(plan.needsModel()).filteredOn(o -> o.operationId().equals("uploadBooks")).singleElement()
        .extracting(Operation::reason).asString().contains("action");
  }

  @Test
  void findsSubCollectionsAndSetsTheParentAndServerFields() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "lending.yaml", LENDING));
    Resource reviews = plan.resources().stream().filter(r -> r.name().equals("reviews")).findFirst().orElseThrow();
    assertThat(reviews.parent()).isEqualTo("books");
    assertThat(reviews.parentParam()).isEqualTo("id");
    var add = plan.service().path("operations").path("addReview");
    assertThat(add.path("parentResource").asText()).isEqualTo("books");
    var addBook = plan.service().path("operations").path("addBook");
    assertThat(addBook.path("serverFields").path("addedAt").asText()).isEqualTo("now");
    assertThat(addBook.path("writable").findValuesAsText("")).isEmpty();
    assertThat(addBook.path("writable").toString()).isEqualTo("[\"title\"]");
  }

  @Test
  void aRequiredQueryParameterThatIsAFieldBecomesAFilter() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "lending.yaml", LENDING));
    assertThat(plan.service().path("operations").path("listBooks").path("filters").findValuesAsText("field"))
        .containsExactly("shelf");
  }

  @Test
  void errorShapesFollowTheContractAndNoBodyWhereNoneIsDeclared() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "lending.yaml", LENDING));
    assertThat(plan.service().path("errors").path("operations").path("getBook").path("404").path("noBody")
        .asBoolean()).isTrue();
  }

  @Test
  void anErrorDeclaredAsABareValueIsAnsweredAsThatValueNotAsAnObject() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "bare.yaml", """
        openapi: 3.0.3
        info: {title: Bare errors, version: "1"}
        paths:
          /echo:
            post:
              operationId: echo
              requestBody:
                content:
                  application/json:
                    schema: {type: object}
              responses:
                "200": {description: ok}
                "400":
                  description: why
                  content:
                    application/json:
                      schema: {type: array, items: {type: string}}
                "409":
                  description: code
                  content:
                    application/json:
                      schema: {type: integer}
                "422":
                  description: kind
                  content:
                    application/json:
                      schema: {type: string, enum: [invalid, conflict]}
                default:
                  description: anything else
                  content:
                    application/json:
                      schema: {type: string}
        """));
    var echo = plan.service().path("errors").path("operations").path("echo");
    assertThat(echo.path("default").path("value").asText()).isEqualTo("message");
    assertThat(echo.path("default").has("fields")).isFalse();
    assertThat(echo.path("400").path("value").asText()).isEqualTo("details");
    assertThat(echo.path("409").path("value").asText()).isEqualTo("status");
    assertThat(echo.path("422").path("value").path("const").asText()).isEqualTo("invalid");
  }

  @Test
  void anOperationThatRequiresCredentialsNeedsAModelUnlessCredentialsAreOptional() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "secured.yaml", """
        openapi: 3.0.3
        info: {title: Secured, version: "1"}
        security:
          - bearer: []
        components:
          securitySchemes:
            bearer: {type: http, scheme: bearer}
          schemas:
            Thing:
              type: object
              properties:
                id: {type: integer, readOnly: true}
                name: {type: string}
        paths:
          /things:
            get:
              operationId: listThings
              security: [{}, {bearer: []}]
              responses:
                "200":
                  description: all
                  content:
                    application/json:
                      schema: {type: array, items: {$ref: '#/components/schemas/Thing'}}
            post:
              operationId: addThing
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Thing'}
              responses:
                "201":
                  description: added
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Thing'}
        """));
    assertThat(plan.needsModel()).extracting(Operation::operationId).containsExactly("addThing");
    assertThat(plan.needsModel().getFirst().reason()).contains("requires authentication (bearer)");
  }

  @Test
  void aReplacementThatMayLeaveOutWhatTheAnswerRequiresKeepsItAndSuchACreateNeedsAModel() throws Exception {
    ServicePlan plan = plan(Contracts.write(dir, "optional.yaml", """
        openapi: 3.0.3
        info: {title: Pets, version: "1"}
        components:
          schemas:
            Pet:
              type: object
              required: [id, name]
              properties:
                id: {type: string}
                name: {type: string}
                tag: {type: string}
            Optional:
              type: object
              properties:
                name: {type: string}
                tag: {type: string}
        paths:
          /pets:
            post:
              operationId: addPet
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Optional'}
              responses:
                "201":
                  description: added
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
          /pets/{id}:
            parameters:
              - {name: id, in: path, required: true, schema: {type: string}}
            get:
              operationId: getPet
              responses:
                "200":
                  description: one
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
            put:
              operationId: updatePet
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/Optional'}
              responses:
                "200":
                  description: replaced
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/Pet'}
        """));
    assertThat(plan.needsModel()).extracting(Operation::operationId).containsExactly("addPet");
    assertThat(plan.needsModel().getFirst().reason()).contains("requires 'name', which a request may leave out");
    assertThat(plan.service().path("operations").path("updatePet").path("keptIfAbsent").toString())
        .isEqualTo("[\"name\"]");
  }
}
