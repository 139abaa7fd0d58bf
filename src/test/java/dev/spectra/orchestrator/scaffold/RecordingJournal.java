package dev.spectra.orchestrator.scaffold;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Records journal events as strings, in order. */
final class RecordingJournal implements BuildJournal {
  final List<String> events = new ArrayList<>();

  @Override public void buildStarted(String id, String request, Path out, Path staging) {
    events.add("build started");
  }

  @Override public void stepStarted(String id, String step) {
    events.add(step + " started");
  }

  @Override public void stepFinished(String id, String step, boolean ok, String detailJson) {
    events.add(step + (ok ? " done" : " failed"));
  }

  @Override public void buildFinished(String id, String outcome, Path out) {
    events.add("build " + outcome + (out == null ? "" : " -> " + out.getFileName()));
  }
}
