package dev.spectra.orchestrator.verify.checkrunner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.verify.runner.RunnerLaunch;
import dev.spectra.orchestrator.check.CheckInputException;
import dev.spectra.orchestrator.check.CheckReport;
import dev.spectra.orchestrator.check.CheckRequest;
import dev.spectra.orchestrator.check.Checker;
import dev.spectra.orchestrator.check.InputProblem;
import dev.spectra.orchestrator.check.ReportWriter;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Runs inside the sandbox, after the verify runner compiled the project: starts the service as a child process on a
 * free loopback port of the sandbox's own network namespace, waits until it accepts connections, runs the
 * {@link Checker} against it, stops it and writes the report as JSON. The host reads that file as untrusted data
 * (the service ran in the same sandbox and could have rewritten it).
 *
 * <p>Arguments: {@code --project DIR --main-class NAME --service-classpath FILE --java FILE --contract FILE
 * [--scenarios PATH]... --fuzz N --seed N --security true|false --heap SIZE --result FILE}. Progress lines on
 * stderr start with {@link #PROGRESS_PREFIX}. Exit code 0 when a result was written, 3 on bad arguments, 4 when the
 * runner itself failed.
 */
public final class CheckRunner {
  /** The verify runner's prefix: the host turns these lines into progress events. */
  public static final String PROGRESS_PREFIX = RunnerLaunch.PROGRESS_PREFIX;
  private static final Duration START_LIMIT = Duration.ofSeconds(90);
  private static final int LOG_TAIL = 4000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private CheckRunner() {}

  public static void main(String[] args) {
    RunnerLaunch.runAndHalt("check runner", args,
        List.of("--project", "--main-class", "--service-classpath", "--java", "--contract", "--result"),
        CheckRunner::run);
  }

  private static int run(RunnerLaunch.Args a) throws IOException, InterruptedException {
    Path project = Path.of(a.one("--project", ".")).toAbsolutePath().normalize();
    Path result = Path.of(a.one("--result", ""));
    Path log = result.resolveSibling("service.log");
    String mainClass = a.one("--main-class", "");
    if (!mainClass.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
      write(result, notRun("the project descriptor names no usable main class: '" + cut(mainClass, 200) + "'", ""));
      return 0;
    }
    List<String> classpath = new ArrayList<>();
    classpath.add(project.resolve("target/classes").toString());
    for (String line : Files.readString(Path.of(a.one("--service-classpath", ""))).split("[\\n" + File.pathSeparator + "]")) {
      if (!line.isBlank()) classpath.add(line.strip());
    }
    int port = freePort();
    List<String> argv = List.of(a.one("--java", "java"), "-Xmx" + a.one("--heap", "384m"),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData",
        "-Djava.io.tmpdir=" + project.resolve("target/tmp"), "-Dfile.encoding=UTF-8",
        "-cp", String.join(File.pathSeparator, classpath), mainClass, "--port", Integer.toString(port));
    RunnerLaunch.progress("check", "starting the service on 127.0.0.1:" + port);
    Process service = new ProcessBuilder(argv).directory(project.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    try {
      String notStarted = awaitListening(service, port);
      if (notStarted != null) {
        write(result, notRun(notStarted, tail(log)));
        return 0;
      }
      CheckRequest request = CheckRequest.of(Path.of(a.one("--contract", "")), URI.create("http://127.0.0.1:" + port))
          .withScenarios(a.all("--scenarios").stream().map(Path::of).toList())
          .withFuzz(Integer.parseInt(a.one("--fuzz", "0")))
          .withSeed(Long.parseLong(a.one("--seed", "1")))
          .withSecurity(Boolean.parseBoolean(a.one("--security", "false")));
      RunnerLaunch.progress("check", "checking the service against its contract");
      CheckReport report;
      try {
        report = new Checker((phase, done, total) -> {
          if (done == 0 || done == total) RunnerLaunch.progress("check", phase + " " + done + "/" + total);
        }, Clock.systemUTC()).check(request);
      } catch (CheckInputException e) {
        String why = e.problems().stream().map(InputProblem::toString).collect(Collectors.joining("; "));
        write(result, notRun("the check could not run: " + why, service.isAlive() ? "" : tail(log)));
        return 0;
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("complete", true);
      out.put("problem", "");
      out.set("report", new ReportWriter().json(report));
      if (!service.isAlive()) out.put("serviceLog", tail(log));
      write(result, out);
      return 0;
    } finally {
      service.descendants().forEach(ProcessHandle::destroyForcibly);
      service.destroyForcibly();
    }
  }

  /** {@return null once the service accepts connections, else why it never did} */
  private static String awaitListening(Process service, int port) throws InterruptedException {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!service.isAlive()) {
        return "the service ended with exit code " + service.exitValue() + " before it listened on port " + port;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return null;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    return "the service did not listen on port " + port + " within " + START_LIMIT.toSeconds() + " s";
  }

  /** A port nobody uses now; inside the sandbox's own network namespace nothing else listens anyway. */
  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static ObjectNode notRun(String problem, String serviceLog) {
    ObjectNode out = JSON.createObjectNode();
    out.put("complete", true);
    out.put("problem", problem);
    out.put("serviceLog", serviceLog);
    return out;
  }

  private static String tail(Path log) {
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, f.length() - LOG_TAIL);
      byte[] b = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "...";
  }

  /** Writes the whole file, then moves it into place: the host never reads half a result. */
  private static void write(Path result, ObjectNode out) throws IOException {
    Path tmp = result.resolveSibling(result.getFileName() + ".tmp");
    Files.writeString(tmp, JSON.writeValueAsString(out), StandardCharsets.UTF_8);
    Files.move(tmp, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
