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
 * @param clientBody the OpenAI body a client sent that says exactly this request and nothing more, so an
 *     OpenAI-compatible provider may send it on with only the model name changed; {@code null} when there is none.
 *     Every {@code with...} that changes what is asked drops it
 */
public record ModelRequest(
    List<Message> messages,
    Integer maxTokens,
    Double temperature,
    boolean stream,
    ResponseFormat format,
    CallContext context,
    Sampling sampling,
    ClientBody clientBody) {

  public ModelRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) throw new IllegalArgumentException("a request needs at least one message");
    if (maxTokens != null && maxTokens <= 0) throw new IllegalArgumentException("maxTokens must be > 0");
    format = format == null ? ResponseFormat.TEXT : format;
    context = context == null ? CallContext.NONE : context;
    sampling = sampling == null ? Sampling.DEFAULT : sampling;
  }

  /** A request the caller built, not read from a client's wire body. */
  public ModelRequest(List<Message> messages, Integer maxTokens, Double temperature, boolean stream,
      ResponseFormat format, CallContext context, Sampling sampling) {
    this(messages, maxTokens, temperature, stream, format, context, sampling, null);
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

  /** Who asked does not change what is asked: the client's body stays. */
  public ModelRequest withContext(CallContext newContext) {
    return new ModelRequest(messages, maxTokens, temperature, stream, format, newContext, sampling, clientBody);
  }

  /** {@return this request with the client's body that says exactly it} */
  public ModelRequest withClientBody(ClientBody body) {
    return new ModelRequest(messages, maxTokens, temperature, stream, format, context, sampling, body);
  }

  /**
   * A client's OpenAI chat-completions body, as it arrived, and where its {@code model} value is (the quoted string,
   * quotes included), so it can be sent on to another server under that server's model id.
   */
  public record ClientBody(byte[] bytes, int modelStart, int modelEnd) {
    public ClientBody {
      java.util.Objects.requireNonNull(bytes, "bytes");
      if (modelStart < 0 || modelEnd <= modelStart || modelEnd > bytes.length) {
        throw new IllegalArgumentException("model value span [" + modelStart + ", " + modelEnd + ") is outside the "
            + bytes.length + "-byte body");
      }
    }

    /** {@return the body with the model value replaced by {@code quotedModel}, a JSON string with its quotes} */
    public byte[] withModel(byte[] quotedModel) {
      byte[] out = new byte[bytes.length - (modelEnd - modelStart) + quotedModel.length];
      System.arraycopy(bytes, 0, out, 0, modelStart);
      System.arraycopy(quotedModel, 0, out, modelStart, quotedModel.length);
      System.arraycopy(bytes, modelEnd, out, modelStart + quotedModel.length, bytes.length - modelEnd);
      return out;
    }

    @Override public boolean equals(Object o) {
      return o instanceof ClientBody b && modelStart == b.modelStart && modelEnd == b.modelEnd
          && java.util.Arrays.equals(bytes, b.bytes);
    }

    @Override public int hashCode() { return 31 * java.util.Arrays.hashCode(bytes) + modelStart; }

    @Override public String toString() { return "ClientBody[" + bytes.length + " bytes]"; }
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
        + (sampling.isDefault() ? "" : ", sampling=" + sampling) + (clientBody == null ? "" : ", clientBody") + "]";
  }

}
