package dev.spectra.orchestrator.model.provider;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.Usage;
import java.util.List;

/**
 * Counts tokens offline when a server reports no usage. cl100k_base is not the tokenizer of Llama, Qwen or
 * Mistral, so counts are approximate and every {@link Usage} built here is marked estimated.
 *
 * <p>The vocabulary (1.7 MB) loads on first use only: a server that reports usage never pays for it.
 */
public final class TokenEstimator {
  /** Chat formats add a few tokens per message (role markers, separators). */
  private static final int PER_MESSAGE = 4;

  private volatile Encoding encoding;

  public int count(String text) {
    if (text == null || text.isEmpty()) return 0;
    return encoding().countTokensOrdinary(text);
  }

  public int countPrompt(List<Message> messages) {
    int n = 0;
    for (Message m : messages) n += count(m.content()) + PER_MESSAGE;
    return n;
  }

  /** {@return an estimated usage for a prompt and an answer} */
  public Usage estimate(List<Message> prompt, String completion) {
    return new Usage(countPrompt(prompt), count(completion), true);
  }

  private Encoding encoding() {
    Encoding e = encoding;
    if (e == null) {
      synchronized (this) {
        if (encoding == null) encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        e = encoding;
      }
    }
    return e;
  }
}
