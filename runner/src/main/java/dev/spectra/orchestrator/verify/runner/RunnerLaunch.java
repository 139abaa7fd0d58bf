package dev.spectra.orchestrator.verify.runner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the in-sandbox runners start and stop: {@code --key value} arguments, required ones checked, progress lines on
 * stderr, and an exit by {@code halt} with 0 when a result was written, 3 on bad arguments, 4 when the runner itself
 * failed. Depends on the JDK only, like the rest of this package.
 */
public final class RunnerLaunch {
  /** Prefix of the progress lines the host turns into progress events. */
  public static final String PROGRESS_PREFIX = "##spectra-verify ";

  /** The arguments, each key with every value it was given. */
  public record Args(Map<String, List<String>> values) {
    /** {@return the last value of {@code key}, or {@code otherwise}} */
    public String one(String key, String otherwise) {
      List<String> v = values.get(key);
      return v == null || v.isEmpty() ? otherwise : v.get(v.size() - 1);
    }

    /** {@return every value of {@code key}, in order} */
    public List<String> all(String key) { return values.getOrDefault(key, List.of()); }
  }

  /** A runner's work: writes its result and returns the exit code. */
  @FunctionalInterface
  public interface Body {
    int run(Args args) throws Exception;
  }

  private RunnerLaunch() {}

  /** Parses {@code argv}, runs {@code body} when every {@code required} key is there, then halts with its code. */
  public static void runAndHalt(String who, String[] argv, List<String> required, Body body) {
    Map<String, List<String>> values = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) values.computeIfAbsent(argv[i], k -> new ArrayList<>()).add(argv[i + 1]);
    for (String key : required) {
      if (!values.containsKey(key)) {
        System.err.println(who + ": missing " + key);
        Runtime.getRuntime().halt(3);
      }
    }
    int code;
    try {
      code = body.run(new Args(values));
    } catch (Throwable t) {
      t.printStackTrace();
      code = 4;
    }
    System.out.flush();
    System.err.flush();
    // halt, not exit: a test or the checked service may leave a thread or a shutdown hook behind that would keep the
    // JVM alive.
    Runtime.getRuntime().halt(code);
  }

  /** Writes one progress line for the host. */
  public static void progress(String step, String detail) {
    System.err.println(PROGRESS_PREFIX + step + " " + detail);
    System.err.flush();
  }
}
