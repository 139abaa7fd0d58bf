package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends samples to {@code samples.jsonl} as they finish, one flushed line each, so an interrupted run loses at
 * most the samples in flight and {@code eval --resume} can continue from the file. A torn last line (killed mid
 * write) is ignored on reading.
 */
final class SampleStore implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .findAndRegisterModules();
  private final Path file;
  private final BufferedWriter writer;

  SampleStore(Path file) throws IOException {
    this.file = file;
    Files.createDirectories(file.toAbsolutePath().getParent());
    this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  Path file() {
    return file;
  }

  synchronized void append(Sample s) throws IOException {
    writer.write(JSON.writeValueAsString(s));
    writer.write('\n');
    writer.flush();
  }

  /** {@return the complete samples in {@code file}; a missing file has none} */
  static List<Sample> read(Path file) throws IOException {
    List<Sample> out = new ArrayList<>();
    if (!Files.exists(file)) return out;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank()) continue;
      try {
        out.add(JSON.readValue(line, Sample.class));
      } catch (IOException e) {
        // A line cut short by a kill mid-write: that sample simply runs again.
      }
    }
    return out;
  }

  @Override public synchronized void close() throws IOException {
    writer.close();
  }
}
