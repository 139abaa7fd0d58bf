package dev.spectra.orchestrator.queue;

import com.github.kagkarlsson.scheduler.task.ExecutionHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.util.List;

/** The two db-scheduler tasks, the same definition for the submitting client and for workers. */
final class QueueTasks {
  /** Workers handle jobs; a client only schedules them, so its tasks never run. */
  static final ExecutionHandler<Void> UNUSED = (instance, context) -> {
    throw new IllegalStateException("a queue client does not run jobs");
  };

  /** When running a job throws (the database went away), it is tried again this much later. */
  static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  private QueueTasks() {}

  static List<Task<?>> all(ExecutionHandler<Void> handler) {
    return List.of(task(JobQueue.BUILD_TASK, handler), task(JobQueue.SAMPLE_TASK, handler));
  }

  private static Task<Void> task(String name, ExecutionHandler<Void> handler) {
    return Tasks.custom(name, Void.class)
        // A worker that stops heartbeating (killed, frozen, cut off) loses the job to the next worker that looks.
        .onDeadExecutionRevive()
        .onFailure((complete, ops) -> ops.reschedule(complete, complete.getTimeDone().plus(RETRY_AFTER_FAILURE)))
        .execute(handler);
  }
}
