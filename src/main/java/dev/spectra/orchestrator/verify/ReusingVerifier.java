package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Verifies each distinct input once: a project whose sources, resources and descriptor are byte for byte those of
 * one already verified with the same options (the same contract and scenario contents, fuzz seed, limits) gets that
 * verification's result instead of a second sandbox run. Eval builds the same task for several subjects and
 * repeats, and the simulated ones often end with identical files; compiling, testing and checking them again would
 * tell nothing new.
 *
 * <p>Only what the sandbox reads counts: the descriptor and every file under its four source roots. A project with
 * anything but plain files and directories there (a link, a device) is never reused and always verified. A result
 * that timed out, or whose check could not run, is not kept: under load those say more about the machine than about
 * the code. Two identical projects verified at the same moment share one run.
 */
public final class ReusingVerifier implements Verifier {
  /** Reads at most this much of a project to compute its digest; a larger one is verified without reuse. */
  private static final long MAX_DIGEST_BYTES = 64L * 1024 * 1024;

  /** The results of one eval run by input digest, and how often they were reused. */
  public static final class Memory {
    private final ConcurrentHashMap<String, CompletableFuture<VerifyResult>> results = new ConcurrentHashMap<>();
    private final AtomicInteger ran = new AtomicInteger();
    private final AtomicInteger reused = new AtomicInteger();

    /** {@return verifications that ran in the sandbox} */
    public int ran() { return ran.get(); }

    /** {@return verifications answered from an identical earlier one} */
    public int reused() { return reused.get(); }
  }

  private final Verifier delegate;
  private final Memory memory;

  public ReusingVerifier(Verifier delegate, Memory memory) {
    this.delegate = delegate;
    this.memory = memory;
  }

  @Override public VerifyResult verify(Path projectDir, VerifyOptions options)
      throws SandboxUnavailableException, InterruptedException {
    Path project = projectDir.toAbsolutePath().normalize();
    Optional<String> key = digest(project, options);
    if (key.isEmpty()) {
      memory.ran.incrementAndGet();
      return delegate.verify(projectDir, options);
    }
    CompletableFuture<VerifyResult> mine = new CompletableFuture<>();
    CompletableFuture<VerifyResult> earlier = memory.results.putIfAbsent(key.get(), mine);
    if (earlier != null) {
      try {
        Reused r = earlier.handle((v, e) -> new Reused(e == null ? v : null)).get();
        if (r.result() != null) {
          memory.reused.incrementAndGet();
          options.progress().onProgress("verify", "the same sources were verified before: reusing that result");
          return relocate(r.result(), project);
        }
      } catch (ExecutionException e) {
        // Cannot happen: handle() turns every failure into a value.
      }
      // The earlier run failed or was not kept: verify here, without sharing.
      memory.ran.incrementAndGet();
      return delegate.verify(projectDir, options);
    }
    memory.ran.incrementAndGet();
    VerifyResult result;
    try {
      result = delegate.verify(projectDir, options);
    } catch (SandboxUnavailableException | InterruptedException | RuntimeException e) {
      memory.results.remove(key.get(), mine);
      mine.completeExceptionally(e);
      throw e;
    }
    if (!keepable(result)) {
      memory.results.remove(key.get(), mine);
      mine.completeExceptionally(new IllegalStateException("not kept"));
      return result;
    }
    mine.complete(relocate(result, project, Path.of("/project")));
    return result;
  }

  private record Reused(VerifyResult result) {}

  /** A timeout or a check that could not run may come from load on the machine: such results are not reused. */
  private static boolean keepable(VerifyResult r) {
    return !r.timedOut() && (r.check() == null || r.check().ran());
  }

  /** Stored results name a placeholder project; a reuse names the project it answers for. */
  private static VerifyResult relocate(VerifyResult r, Path project) {
    return relocate(r, Path.of("/project"), project);
  }

  private static VerifyResult relocate(VerifyResult r, Path from, Path to) {
    String log = r.log().replace(from.toString(), to.toString());
    return new VerifyResult(r.compiled(), r.testsRun(), r.testsPassed(), r.testsFailed(), r.failures(),
        r.compileErrors(), r.sandbox(), r.timedOut(), r.wallTime(), log, r.testsSkipped(), r.runtimeClasspath(),
        r.limits(), r.distrusted(), r.check());
  }

  /**
   * {@return the digest of everything the verification reads, or empty when the project cannot be reused (a
   * link or special file under a source root, a missing descriptor, too much to read)}
   */
  static Optional<String> digest(Path project, VerifyOptions options) {
    MessageDigest sha = sha256();
    try {
      feed(sha, "options", options.wallClockLimit() + " " + options.unsafeNoSandbox() + " " + options.templateOnly());
      ServiceCheck c = options.check();
      if (c != null) {
        feed(sha, "check", c.fuzz() + " " + c.seed() + " " + c.security() + " " + c.runTests());
        if (!plainFile(c.contract())) return Optional.empty();
        feed(sha, "contract", Files.readAllBytes(c.contract()));
        for (Path s : c.scenarios()) {
          if (!plainFile(s)) return Optional.empty();
          feed(sha, "scenarios", Files.readAllBytes(s));
        }
      }
      Path descriptorFile = project.resolve(ProjectDescriptor.FILE);
      if (!plainFile(descriptorFile)) return Optional.empty();
      feed(sha, "descriptor", Files.readAllBytes(descriptorFile));
      ProjectDescriptor d = ProjectDescriptor.read(project, new com.fasterxml.jackson.databind.ObjectMapper());
      long[] budget = {MAX_DIGEST_BYTES};
      for (String root : List.of(d.mainSources(), d.mainResources(), d.testSources(), d.testResources())) {
        Path dir = project.resolve(root).normalize();
        if (!dir.startsWith(project)) return Optional.empty();
        feed(sha, "root", root);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) continue;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        if (!feedTree(sha, project, dir, budget)) return Optional.empty();
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.of(HexFormat.of().formatHex(sha.digest()));
  }

  private static boolean feedTree(MessageDigest sha, Path project, Path dir, long[] budget) throws IOException {
    List<Path> entries;
    // Files.walk does not follow links unless asked; each entry is checked before it is read.
    try (Stream<Path> walk = Files.walk(dir)) {
      entries = new ArrayList<>(walk.sorted().toList());
    }
    for (Path p : entries) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (a.isDirectory()) continue;
      if (!a.isRegularFile()) return false;
      budget[0] -= a.size();
      if (budget[0] < 0) return false;
      feed(sha, "file " + project.relativize(p), Files.readAllBytes(p));
    }
    return true;
  }

  private static boolean plainFile(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
  }

  private static void feed(MessageDigest sha, String label, String value) {
    feed(sha, label, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Each part is framed by its label and length, so two different inputs never feed the same bytes. */
  private static void feed(MessageDigest sha, String label, byte[] value) {
    sha.update((label + "\0" + value.length + "\0").getBytes(StandardCharsets.UTF_8));
    sha.update(value);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
