package dev.spectra.orchestrator.check;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Checks a running service against its contract: {@code new Checker(listener).check(request)}. Phases run in a
 * fixed order: scenarios (the user's own checks, on a fresh service), stateful checks (which also create the items
 * the fuzzer then reuses), contract fuzzing, security probes. Every answer in every phase is also judged against
 * the contract. Needs no model.
 */
public final class Checker {
  private static final Duration FIRST_ANSWER = Duration.ofSeconds(15);

  private final CheckListener listener;
  private final Clock clock;

  public Checker(CheckListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
  }

  public Checker() {
    this(CheckListener.NONE, Clock.systemUTC());
  }

  /**
   * Runs the check.
   *
   * @throws CheckInputException before any request is sent to test: the contract or a scenario file is unusable,
   *     or nothing answers at the URL
   */
  public CheckReport check(CheckRequest request) throws CheckInputException {
    Instant start = clock.instant();
    URI url = request.url();
    if (url.getScheme() == null || !List.of("http", "https").contains(url.getScheme().toLowerCase())
        || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new CheckInputException(List.of(new InputProblem(url.toString(), 0, "",
          "not a base URL; give scheme, host and port, e.g. http://127.0.0.1:8080 (a path prefix is allowed)")));
    }
    ApiContract contract = new ContractLoader().load(request.contract());
    List<Scenario> scenarios = new ScenarioLoader().load(request.scenarios());
    try (ServiceClient transport = new ServiceClient(url, request.timeout())) {
      reachable(transport, url);
      Session s = new Session(contract, transport, request, listener);
      for (String t : contract.tolerated()) {
        s.note("the contract breaks the OpenAPI specification (" + t + "); checked as written");
      }
      if (!contract.serverPath().isEmpty() && !url.getPath().endsWith(contract.serverPath())) {
        s.note("the contract's server URL has the path " + contract.serverPath() + " and --url does not end with it;"
            + " requests go to " + transport.baseUrl() + " + each operation's path, as given");
      }
      List<CheckReport.ScenarioResult> results = new ScenarioRunner(s, ScenarioRunner.newRunId(new SecureRandom()))
          .run(scenarios);
      if (request.stateful()) new StatefulChecker(s).run();
      if (request.fuzz() > 0) new Fuzzer(s).run(request.fuzz());
      if (request.security()) new SecurityProber(s).run();
      List<CheckReport.Pending> pending = s.judge.pending();
      for (String why : s.schemas.unusable()) s.note("a schema could not be compiled, values were not checked against it: " + why);
      return new CheckReport(contract.file(), transport.baseUrl(), request.seed(),
          contract.operations().stream().map(Operation::label).toList(), s.findings.all(), s.findings.repeats(),
          pending, results, s.notes(), transport.requestsSent(), Duration.between(start, clock.instant()));
    }
  }

  /**
   * Reads scenario files as {@link #check} would, without sending anything: for commands that run the check later
   * (inside a sandbox) and must refuse bad scenario files before they start.
   *
   * @throws CheckInputException a file is unreadable or breaks the format; each problem names file and line
   */
  public static void validateScenarios(List<java.nio.file.Path> paths) throws CheckInputException {
    new ScenarioLoader().load(paths);
  }

  /** One request before anything else: a check of nothing would report a crash on every operation. */
  private static void reachable(ServiceClient transport, URI url) throws CheckInputException {
    // A service just started may be slow to answer its first request; later requests get the normal timeout.
    Duration patience = transport.timeout().compareTo(FIRST_ANSWER) > 0 ? transport.timeout() : FIRST_ANSWER;
    Answer ex = transport.send(Call.of("GET", "/"), patience);
    String problem = switch (ex) {
      case Answer.Answered a -> null;
      case Answer.TimedOut t -> "the service accepted a connection but did not answer GET / within "
          + t.after().toMillis() + " ms; is it started and healthy?";
      case Answer.Failed f -> "nothing is listening there (" + f.reason() + "); start the service or fix --url";
    };
    if (problem != null) throw new CheckInputException(List.of(new InputProblem(url.toString(), 0, "", problem)));
  }
}
