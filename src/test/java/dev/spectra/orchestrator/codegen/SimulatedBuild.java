package dev.spectra.orchestrator.codegen;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.builder.VerifierProvider;
import dev.spectra.orchestrator.builder.VerifyOptions;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A whole {@code run} against the in-process simulator with scripted replies: real providers, the structured
 * engine, the builder's scaffold and the sandboxed verifier. Only the model's words are scripted.
 */
final class SimulatedBuild implements AutoCloseable {
  static final String LOCAL_ID = "qwen2.5-coder:32b";
  static final String CLOUD_ID = "gpt-4o-mini";
  static final String PKG_DIR = "src/main/java/com/example/libraryloans/";
  static final String BORROW = PKG_DIR + "ops/BorrowBookHandler.java";
  static final String RETURN = PKG_DIR + "ops/ReturnLoanHandler.java";
  static final String FINES = PKG_DIR + "ops/MemberFinesHandler.java";
  private static final ObjectMapper JSON = new ObjectMapper();

  final Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42));
  final Path dir;
  final List<String> stopAfter = new ArrayList<>();
  final List<Steps.Hook> hooks = new ArrayList<>();
  final StringWriter progress = new StringWriter();
  final boolean sandboxed = Files.isExecutable(Path.of("/usr/bin/bwrap"));
  final ModelSpec local;
  final ModelSpec cloud;
  boolean cloudFirst;

  SimulatedBuild(Path dir) {
    this.dir = dir;
    local = new ModelSpec("local", ProviderKind.OLLAMA, sim.baseUrl(), LOCAL_ID, true, Price.FREE, 32_768,
        Set.of(Capability.JSON_SCHEMA, Capability.JSON_MODE, Capability.STREAMING), Timeouts.LOCAL_DEFAULT, null, 1);
    cloud = new ModelSpec("cloud", ProviderKind.OPENAI_COMPATIBLE, URI.create(sim.baseUrl() + "/v1"), CLOUD_ID, false,
        Price.perMillion("0.15", "0.60"), 128_000, Set.of(Capability.JSON_SCHEMA, Capability.JSON_MODE,
        Capability.STREAMING), Timeouts.CLOUD_DEFAULT, null, 4);
  }

  RunPipeline pipeline() {
    Providers providers = new Providers(Secrets.none(), Providers.Options.DEFAULTS);
    List<ModelSpec> specs = cloudFirst ? List.of(cloud) : List.of(local, cloud);
    Ports.Sessions sessions = (id, budget) -> {
      List<Model> routes = specs.stream()
          .<Model>map(s -> new StructuredOutput(providers.model(s), s, StructuredOptions.defaults())).toList();
      RouteSession session = new RouteSession(routes, budget);
      return new Ports.Session(session, session::escalate);
    };
    var verifier = VerifierProvider.find(System.getenv(), dir).orElseThrow(
        () -> new AssertionError("no verifier on the class path"));
    // CI installs bubblewrap; where it is missing, this test opts into the unsafe path explicitly.
    var options = new VerifyOptions(Duration.ofMinutes(3), !sandboxed, null);
    Steps.Hook hook = step -> {
      for (Steps.Hook h : hooks) h.afterStep(step);
      if (stopAfter.remove(step)) throw new Steps.Stopped(step);
    };
    return new RunPipeline(sessions, BuilderScaffolder.create(), new SandboxVerifier(verifier, options),
        Ports.BuildRecorder.NONE, Progress.stderr(new PrintWriter(progress, true), Clock.systemUTC(), false),
        Clock.systemUTC(), hook, dir.resolve("runs"), dir, () -> "run-sim");
  }

  RunRequest request(int maxIterations, dev.spectra.orchestrator.model.Money budget) throws IOException {
    return new RunRequest(example(), null, null, Path.of("library"), maxIterations, budget, false);
  }

  static String example() throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("examples/library-loans.txt");
      if (Files.isRegularFile(f)) return Files.readString(f).strip();
    }
    throw new IOException("examples/library-loans.txt not found");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = SimulatedBuild.class.getResourceAsStream("/codegen/library/" + name)) {
      if (in == null) throw new IOException("missing test resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String files(String... pathsAndContents) {
    var array = JSON.createArrayNode();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      array.addObject().put("path", pathsAndContents[i]).put("content", pathsAndContents[i + 1]);
    }
    return JSON.createObjectNode().set("files", array).toString();
  }

  static Scripted plan() throws IOException {
    return Scripted.text(resource("plan.json"));
  }

  /** The three operations in the order the scaffold lists them: fines, borrow, return. */
  static List<Scripted> implementations() throws IOException {
    return List.of(Scripted.text(files(FINES, resource("MemberFinesHandler.java"))),
        Scripted.text(files(BORROW, resource("BorrowBookHandler.java"))),
        Scripted.text(files(RETURN, resource("ReturnLoanHandler.java"))));
  }

  void enqueueLocal(Scripted... replies) {
    sim.enqueue(LOCAL_ID, replies);
  }

  void enqueueCloud(Scripted... replies) {
    sim.enqueue(CLOUD_ID, replies);
  }

  long requestsTo(String modelId) {
    return sim.requests().stream().filter(r -> modelId.equals(r.body().path("model").asText())).count();
  }

  @Override public void close() {
    sim.close();
  }
}
