package dev.spectra.orchestrator.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A {@code run} request as it travels to a worker: everything a worker on another machine needs, the OpenAPI
 * document's text included (the submitter's file may not exist there).
 *
 * @param out the absolute output directory, which the workers must be able to reach
 * @param openApiName the given document's file name (its extension says YAML or JSON); null without one
 * @param openApiText the given document's text; null without one
 * @param budgetUsd the whole build's budget; null for the configured default
 * @param model a catalog model or routing policy; null for the configured default
 */
public record BuildJob(String request, String openApiName, String openApiText, String stack, String out,
    int maxIterations, String budgetUsd, boolean force, String model, boolean unsafeNoSandbox) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** @throws IllegalArgumentException for a payload that is not a build request */
  public static BuildJob fromJson(String json) {
    try {
      return JSON.readValue(json, BuildJob.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a build request: " + e.getOriginalMessage(), e);
    }
  }
}
