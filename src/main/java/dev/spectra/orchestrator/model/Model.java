package dev.spectra.orchestrator.model;

/**
 * Anything that answers a chat request: one provider endpoint, or a whole cascade behind a virtual name
 * ({@code local-first}, {@code hybrid}). The whole contract is one method, so decorators compose.
 */
public interface Model {

  /** {@return the catalog name callers use for this model} */
  String name();

  /**
   * Sends {@code request} and returns the answer. Streamed text goes to {@code listener} as it arrives
   * when {@code request.stream()} is set.
   *
   * @throws ModelException with a {@link ModelError} for every failure; never a raw I/O exception
   */
  ModelReply chat(ModelRequest request, TokenListener listener) throws ModelException;

  default ModelReply chat(ModelRequest request) throws ModelException {
    return chat(request, TokenListener.NONE);
  }
}
