package dev.spectra.orchestrator.model;

import java.util.List;

/**
 * One chat call, independent of provider.
 *
 * @param messages the conversation; a system message, when present, comes first
 * @param maxTokens output token cap, or {@code null} for the provider's default
 * @param temperature sampling temperature, or {@code null} for the provider's default
 * @param stream stream tokens to the {@link TokenListener} as they arrive
 * @param format text, JSON, or JSON conforming to a schema
 * @param context who asked: request, build and step ids for the ledger and the budgets
 * @param sampling top-p, seed, stop sequences and penalties; {@link Sampling#DEFAULT} for none
 */
public record ModelRequest(
    List<Message> messages,
    Integer maxTokens,
    Double temperature,
    boolean stream,
    ResponseFormat format,
    CallContext context,
    Sampling sampling) {

  public ModelRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) throw new IllegalArgumentException("a request needs at least one message");
    if (maxTokens != null && maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be > 0");
    format = format == null ? ResponseFormat.TEXT : format;
    context = context == null ? CallContext.NONE : context;
    sampling = sampling == null ? Sampling.DEFAULT : sampling;
  }

  /** A request with the provider's default sampling beyond temperature. */
  public ModelRequest(List<Message> messages, Integer maxTokens, Double temperature, boolean stream,
      ResponseFormat format, CallContext context) {
    this(messages, maxTokens, temperature, stream, format, context, Sampling.DEFAULT);
  }

  /** {@return a plain, non-streaming text request for one user prompt} */
  public static ModelRequest of(String userPrompt) {
    return new ModelRequest(List.of(Message.user(userPrompt)), null, null, false, ResponseFormat.TEXT, CallContext.NONE);
  }

  public ModelRequest withMessages(List<Message> newMessages) {
    return new ModelRequest(newMessages, maxTokens, temperature, stream, format, context, sampling);
  }

  public ModelRequest withMaxTokens(Integer newMaxTokens) {
    return new ModelRequest(messages, newMaxTokens, temperature, stream, format, context, sampling);
  }

  public ModelRequest withTemperature(Double newTemperature) {
    return new ModelRequest(messages, maxTokens, newTemperature, stream, format, context, sampling);
  }

  public ModelRequest withStream(boolean newStream) {
    return new ModelRequest(messages, maxTokens, temperature, newStream, format, context, sampling);
  }

  public ModelRequest withFormat(ResponseFormat newFormat) {
    return new ModelRequest(messages, maxTokens, temperature, stream, newFormat, context, sampling);
  }

  public ModelRequest withSampling(Sampling newSampling) {
    return new ModelRequest(messages, maxTokens, temperature, stream, format, context, newSampling);
  }

  public ModelRequest withContext(CallContext newContext) {
    return new ModelRequest(messages, maxTokens, temperature, stream, format, newContext, sampling);
  }

  /** {@return all message text, for token estimates and complexity features} */
  public String promptText() {
    StringBuilder sb = new StringBuilder();
    for (Message m : messages) sb.append(m.content()).append('\n');
    return sb.toString();
  }

  /**
   * Who a call is for. Ids may be null.
   *
   * @param requestId one user-level request (an {@code ask}, a gateway request)
   * @param buildId the build this call belongs to, for per-build budgets and escalation caps
   * @param step the build step ({@code plan}, {@code implement}, {@code fix-2}, ...)
   * @param apiKeyId the gateway key that made the call, for per-key budgets; never the key itself
   */
  public record CallContext(String requestId, String buildId, String step, String apiKeyId) {
    public static final CallContext NONE = new CallContext(null, null, null, null);

    public CallContext withStep(String newStep) { return new CallContext(requestId, buildId, newStep, apiKeyId); }
  }

  @Override public String toString() {
    // Prompts can be long and may hold user data: keep logs short.
    return "ModelRequest[messages=" + messages.size() + ", maxTokens=" + maxTokens + ", temperature=" + temperature
        + ", stream=" + stream + ", format=" + format.getClass().getSimpleName() + ", context=" + context
        + (sampling.isDefault() ? "" : ", sampling=" + sampling) + "]";
  }

}
