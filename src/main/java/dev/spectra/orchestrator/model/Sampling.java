package dev.spectra.orchestrator.model;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * Sampling settings beyond temperature that an OpenAI client may send. Each one changes which answer comes back,
 * so a provider adapter either sends it (in its own wire form) or refuses the call with
 * {@link ModelError.BadRequest} naming the field: never drops it.
 *
 * @param topP nucleus sampling mass, 0..1, or {@code null}
 * @param seed a seed for best-effort reproducible sampling, or {@code null}
 * @param stop sequences that end the answer (at most 4, as OpenAI allows); empty for none
 * @param frequencyPenalty -2..2, or {@code null}
 * @param presencePenalty -2..2, or {@code null}
 */
public record Sampling(Double topP, Long seed, List<String> stop, Double frequencyPenalty, Double presencePenalty) {
  public static final Sampling DEFAULT = new Sampling(null, null, List.of(), null, null);

  public Sampling {
    stop = stop == null ? List.of() : List.copyOf(stop);
  }

  /** {@return true when nothing is set: the provider's defaults apply} */
  public boolean isDefault() {
    return topP == null && seed == null && stop.isEmpty() && frequencyPenalty == null && presencePenalty == null;
  }

  /**
   * Writes the settings that are set as fields of the object {@code g} is inside, under OpenAI's names
   * ({@code top_p}, {@code seed}, {@code stop}, ...), which compatible servers and Ollama's {@code options} share.
   */
  public void writeOpenAiFields(JsonGenerator g) throws IOException {
    if (topP != null) g.writeNumberField("top_p", topP);
    if (seed != null) g.writeNumberField("seed", seed);
    if (!stop.isEmpty()) {
      g.writeArrayFieldStart("stop");
      for (String s : stop) g.writeString(s);
      g.writeEndArray();
    }
    if (frequencyPenalty != null) g.writeNumberField("frequency_penalty", frequencyPenalty);
    if (presencePenalty != null) g.writeNumberField("presence_penalty", presencePenalty);
  }
}
