package dev.spectra.orchestrator.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.TestPostgres;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers in this JVM on a real PostgreSQL: claiming, exclusivity, draining. */
class WorkerTest {
  private static TestPostgres pg;
  private static final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.start().orElse(null);
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) pg.close();
  }

  private static Database newDatabase() throws Exception {
    assumeTrue(pg != null, TestPostgres::unavailable);
    return Database.open(pg.newDatabase("worker_" + databases.incrementAndGet()));
  }

  private static Worker.Settings fast(String id, int concurrency, Duration drain) {
    return new Worker.Settings(id, concurrency, Duration.ofMillis(500), 4, Duration.ofMillis(100), drain);
  }

  private static final Worker.Listener QUIET = new Worker.Listener() {
    @Override public void claimed(JobRecord job, int attempt) {}

    @Override public void ended(JobRecord job, Worker.Outcome outcome, Duration elapsed) {}
  };

  /** Polls the queue until every job has ended; the deadline only bounds a broken run. */
  private static List<JobRecord> awaitEnded(JobQueue queue, List<String> ids) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      List<JobRecord> all = ids.stream().map(id -> queue.job(id).orElseThrow()).toList();
      if (all.stream().allMatch(JobRecord::ended)) return all;
      if (Instant.now().isAfter(deadline)) throw new AssertionError("jobs did not end: " + all);
      Thread.sleep(50);
    }
  }

  @Test
  void twoWorkersNeverRunOneJobTwice() throws Exception {
    try (Database db = newDatabase()) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      List<String> ran = Collections.synchronizedList(new ArrayList<>());
      Worker.Handler handler = (job, before, worker) -> {
        ran.add(job.id() + "@" + worker.settings().id());
        return new Worker.Outcome.Done("ok", "{\"by\":\"" + worker.settings().id() + "\"}");
      };
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        ids.add("job-" + i);
        queue.submit(new Job("job-" + i, Job.Kind.BUILD, null, "{}"));
      }
      try (Worker a = new Worker(db, queue, fast("a", 3, Duration.ZERO), Map.of(Job.Kind.BUILD, handler), QUIET,
          Clock.systemUTC());
          Worker b = new Worker(db, queue, fast("b", 3, Duration.ZERO), Map.of(Job.Kind.BUILD, handler), QUIET,
              Clock.systemUTC())) {
        a.start();
        b.start();
        List<JobRecord> ended = awaitEnded(queue, ids);
        assertThat(ended).allSatisfy(j -> {
          assertThat(j.status()).isEqualTo(JobRecord.DONE);
          assertThat(j.attempts()).isEqualTo(1);
          assertThat(j.workers()).containsExactly(j.worker());
          assertThat(j.result()).isEqualTo("{\"by\":\"" + j.worker() + "\"}");
        });
      }
      assertThat(ran).hasSize(40);
      assertThat(ran.stream().map(r -> r.substring(0, r.indexOf('@'))).distinct()).hasSize(40);
    }
  }

  @Test
  void aStoppingWorkerReleasesItsJobAndAnotherWorkerContinuesIt() throws Exception {
    try (Database db = newDatabase()) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      queue.submit(new Job("long", Job.Kind.BUILD, null, "{}"));
      CountDownLatch running = new CountDownLatch(1);
      Worker.Handler blocksUntilInterrupted = (job, before, worker) -> {
        running.countDown();
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable: only an interruption ends this job");
      };
      List<Integer> attemptsSeen = Collections.synchronizedList(new ArrayList<>());
      Worker.Handler finishes = (job, before, worker) -> {
        attemptsSeen.add(before.attempts());
        return new Worker.Outcome.Done("ok", null);
      };
      Worker first = new Worker(db, queue, fast("first", 1, Duration.ZERO), Map.of(Job.Kind.BUILD,
          blocksUntilInterrupted), QUIET, Clock.systemUTC());
      first.start();
      assertThat(running.await(60, TimeUnit.SECONDS)).isTrue();
      first.stop();
      assertThat(queue.job("long").orElseThrow().status()).isEqualTo(JobRecord.QUEUED);
      try (Worker second = new Worker(db, queue, fast("second", 1, Duration.ZERO), Map.of(Job.Kind.BUILD,
          finishes), QUIET, Clock.systemUTC())) {
        second.start();
        JobRecord done = awaitEnded(queue, List.of("long")).get(0);
        assertThat(done.status()).isEqualTo(JobRecord.DONE);
        assertThat(done.workers()).containsExactly("first", "second");
        assertThat(done.attempts()).isEqualTo(2);
      }
      // The second worker was told an earlier worker had started the job: it resumes, not restarts.
      assertThat(attemptsSeen).containsExactly(1);
    }
  }

  @Test
  void aJobOfAKindThisWorkerDoesNotHandleWaitsForAWorkerThatDoes() throws Exception {
    try (Database db = newDatabase()) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      queue.submit(new Job("run-1/s/t/0", Job.Kind.SAMPLE, "run-1", "{}"));
      queue.submit(new Job("b", Job.Kind.BUILD, null, "{}"));
      Worker.Handler ok = (job, before, worker) -> new Worker.Outcome.Done("ok", null);
      try (Worker builds = new Worker(db, queue, fast("builds", 1, Duration.ZERO), Map.of(Job.Kind.BUILD, ok), QUIET,
          Clock.systemUTC())) {
        builds.start();
        awaitEnded(queue, List.of("b"));
        assertThat(queue.job("run-1/s/t/0").orElseThrow().status()).isEqualTo(JobRecord.QUEUED);
        try (Worker samples = new Worker(db, queue, fast("samples", 1, Duration.ZERO), Map.of(Job.Kind.SAMPLE, ok),
            QUIET, Clock.systemUTC())) {
          samples.start();
          assertThat(awaitEnded(queue, List.of("run-1/s/t/0")).get(0).worker()).isEqualTo("samples");
        }
      }
      assertThat(queue.jobsOfRun("run-1")).extracting(JobRecord::id).containsExactly("run-1/s/t/0");
    }
  }

  @Test
  void theSummaryCountsWaitingAndRunningJobsAndNamesTheWorkersHoldingThem() throws Exception {
    try (Database db = newDatabase()) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      assertThat(queue.summary()).isEqualTo(new JobQueue.Summary(0, 0, List.of()));
      queue.submit(new Job("a", Job.Kind.BUILD, null, "{}"));
      queue.submit(new Job("b", Job.Kind.BUILD, null, "{}"));
      queue.submit(new Job("c", Job.Kind.BUILD, null, "{}"));
      queue.claimed("b", "worker-2");
      queue.claimed("c", "worker-1");
      queue.ended("c", "done", "verified", "{}");
      assertThat(queue.summary()).isEqualTo(new JobQueue.Summary(1, 1, List.of("worker-2")));
    }
  }

  @Test
  void aJobIdIsQueuedOnce() throws Exception {
    try (Database db = newDatabase()) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      queue.submit(new Job("same", Job.Kind.BUILD, null, "{}"));
      assertThatThrownBy(() -> queue.submit(new Job("same", Job.Kind.BUILD, null, "{}")))
          .isInstanceOf(QueueException.class).hasMessageContaining("already queued");
    }
  }

  @Test
  void aSqliteLedgerCannotHoldTheQueueAndTheMessageNamesTheVariable(@TempDir Path dir) {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("ledger.db"))) {
      assertThat(JobQueue.supported(db)).isFalse();
      assertThatThrownBy(() -> JobQueue.in(db, Clock.systemUTC())).isInstanceOf(QueueException.class)
          .hasMessageContaining("ORCHESTRATOR_DB_URL=jdbc:postgresql://");
    }
  }
}
