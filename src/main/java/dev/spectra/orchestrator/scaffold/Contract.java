package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A checked OpenAPI document.
 *
 * @param file the path as the user gave it
 * @param tree the document as JSON (bundled when it had external references; repaired where a slip was tolerated)
 * @param text the original text, shipped unchanged when neither bundled nor repaired
 * @param bundled the tree differs from the text (external references resolved, or slips repaired), so ship the tree
 * @param version the {@code openapi} field
 * @param warnings what was tolerated, with locations
 */
record Contract(String file, ObjectNode tree, String text, boolean bundled, String version,
    List<ContractProblem> warnings) {}
