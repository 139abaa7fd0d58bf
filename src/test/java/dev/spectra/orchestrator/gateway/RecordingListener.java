package dev.spectra.orchestrator.gateway;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Keeps every finished call the gateway reports. */
final class RecordingListener implements Gateway.Listener {
  final List<Gateway.Call> calls = Collections.synchronizedList(new ArrayList<>());

  @Override public void finished(Gateway.Call call) {
    calls.add(call);
  }

  List<Gateway.Call> snapshot() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }
}
