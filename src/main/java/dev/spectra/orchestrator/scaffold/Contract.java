package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A validated OpenAPI document.
 *
 * @param file the path as the user gave it
 * @param tree the document as JSON (bundled when it had external references)
 * @param text the original text, shipped unchanged when not bundled
 * @param bundled external references were resolved into the tree, so ship the tree rather than the text
 * @param version the {@code openapi} field
 */
record Contract(String file, ObjectNode tree, String text, boolean bundled, String version) {}
