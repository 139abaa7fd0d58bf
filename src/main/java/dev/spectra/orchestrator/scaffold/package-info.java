/**
 * The contract builder: an OpenAPI document becomes a Javalin service with its CRUD operations and tests, no model
 * involved; the generated service's templates are under {@code src/main/resources/scaffold}.
 */
package dev.spectra.orchestrator.scaffold;
