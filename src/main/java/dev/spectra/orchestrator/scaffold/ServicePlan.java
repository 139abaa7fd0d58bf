package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What to generate for a contract, independent of the stack: the service's names, the resources whose operations
 * tier 0 implements, every operation (implemented, or pending with the reason), and {@code service}, the record the
 * generated runtime is driven by ({@code spectra/service.json}).
 */
record ServicePlan(String title, String slug, String javaPackage, Contract contract, List<Resource> resources,
    List<Operation> operations, ObjectNode service) {

  /** {@return the operations tier 0 does not implement} */
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
   * @param reason why it needs a model, when {@code crud} is null
   */
  record Operation(String operationId, String method, String path, String handlerClass, JsonNode node,
      CrudKind crud, String resource, String reason) {
    String label() {
      return method + " " + path;
    }
  }

  /**
   * A collection and its items.
   *
   * @param name unique Java identifier, lower camel ({@code todos})
   * @param typeName unique upper camel name ({@code Todos})
   * @param collectionPath e.g. {@code /todos} or {@code /books/{id}/reviews}
   * @param itemPath e.g. {@code /todos/{id}}, or null when there are no item operations
   * @param itemParam the item path's parameter name
   * @param idField the property holding the id
   * @param idKind how ids are made
   * @param schema the item schema, references inlined
   * @param parent the parent resource of a sub-collection, else null
   * @param parentParam the collection path's parameter naming the parent, else null
   * @param ops the implemented operations, by role
   * @param requestSchemas the inlined request body schema of CREATE, REPLACE, UPDATE, by role
   * @param statuses the success status of each role
   */
  record Resource(String name, String typeName, String collectionPath, String itemPath, String itemParam,
      String idField, IdKind idKind, JsonNode schema, String parent, String parentParam,
      Map<CrudKind, Operation> ops, Map<CrudKind, JsonNode> requestSchemas, Map<CrudKind, Integer> statuses) {}
}
