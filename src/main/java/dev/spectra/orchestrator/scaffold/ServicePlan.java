package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * What to generate for a contract, independent of the stack: the service's names, the resources whose operations are
 * plain CRUD (implemented without a model), and the operations that need a model.
 */
record ServicePlan(String title, String slug, String javaPackage, Contract contract, List<Resource> resources,
    List<Operation> operations, JsonNode errorSchema) {

  /** {@return the operations that get a 501 body and wait for a model} */
  List<Operation> needsModel() {
    return operations.stream().filter(o -> o.crud() == null).toList();
  }

  /** How an item's id is generated. */
  enum IdKind { INTEGER, UUID }

  /** The part of CRUD an operation plays. */
  enum CrudKind { CREATE, LIST, GET, REPLACE, UPDATE, DELETE }

  /**
   * One operation of the contract.
   *
   * @param operationId the contract's id, or one made from method and path when it has none
   * @param method upper case
   * @param path the contract path, e.g. {@code /todos/{id}}
   * @param handlerClass the unique Java class name of its handler
   * @param node the operation object
   * @param crud its CRUD role, or null when it needs a model
   * @param resource the resource name when {@code crud} is set
   */
  record Operation(String operationId, String method, String path, String handlerClass, JsonNode node,
      CrudKind crud, String resource) {
    String label() {
      return method + " " + path;
    }
  }

  /**
   * A collection and its items.
   *
   * @param name unique Java identifier, lower camel ({@code todos})
   * @param typeName unique upper camel name for classes ({@code Todos})
   * @param collectionPath e.g. {@code /todos}
   * @param itemPath e.g. {@code /todos/{id}}, or null when there are no item operations
   * @param itemParam the item path's parameter name
   * @param idField the property holding the id
   * @param idKind how ids are made
   * @param schema the item schema, references inlined
   * @param ops the CRUD operations, by role
   * @param requestSchemas the inlined request body schema of CREATE, REPLACE, UPDATE, by role
   * @param statuses the success status each role answers with
   * @param filterFields list query parameters that are item properties: simple equality filters
   * @param paging list query parameters {@code limit} / {@code offset} when declared
   * @param defaults property defaults from the item schema, filled on create when absent
   * @param serverFields read-only properties the server fills (besides the id): name to "now", "today" or a JSON
   *     value
   */
  record Resource(String name, String typeName, String collectionPath, String itemPath, String itemParam,
      String idField, IdKind idKind, JsonNode schema, Map<CrudKind, Operation> ops,
      Map<CrudKind, JsonNode> requestSchemas, Map<CrudKind, Integer> statuses, List<String> filterFields,
      List<String> paging, Map<String, JsonNode> defaults, Map<String, String> serverFields) {}
}
