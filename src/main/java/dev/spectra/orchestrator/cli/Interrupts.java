package dev.spectra.orchestrator.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C. The JVM runs shutdown hooks but interrupts no thread, so a command would die mid-step and say nothing.
 * This hook interrupts the command's thread instead and waits a moment for it to stop the way it stops on any
 * interruption: kill the sandbox, remove staging directories, record {@code interrupted} in the ledger, and print
 * what was kept and how to resume. The exit code is 130 either way.
 *
 * <p>{@code eval}, {@code serve} and {@code sim} install their own hooks (finish the samples in flight and write a
 * partial report; close the server), so this one leaves them alone.
 */
final class Interrupts {
  /** For tests and embedded runs: no hook. */
  static final Interrupts NONE = new Interrupts(null, null);
  /** How long the command gets to tidy up before the JVM exits anyway. */
  private static final long GRACE_SECONDS = 20;

  private final Thread worker;
  private final PrintWriter err;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Object command;
  private volatile boolean stopping;

  private Interrupts(Thread worker, PrintWriter err) {
    this.worker = worker;
    this.err = err;
  }

  /** Installs the hook for the command that runs on {@code worker} (the main thread). */
  static Interrupts onShutdown(Thread worker, PrintWriter err) {
    Interrupts interrupts = new Interrupts(worker, err);
    Runtime.getRuntime().addShutdownHook(new Thread(interrupts::stop, "interrupt"));
    return interrupts;
  }

  /** The command about to run (its picocli user object). */
  void running(Object userObject) {
    command = userObject;
  }

  /** The command returned; an exit is a normal one from now on. */
  void finished() {
    done.countDown();
  }

  /** {@return whether Ctrl-C (or another shutdown) has begun: whatever fails now fails because of it} */
  boolean stopping() {
    return stopping;
  }

  private void stop() {
    if (worker == null || done.getCount() == 0) return;
    stopping = true;
    Object c = command;
    if (c == null) {
      err.println("interrupted before the command started; nothing was done");
      err.flush();
      return;
    }
    if (c instanceof EvalCommand || c instanceof ServeCommand || c instanceof SimCommand) return;
    worker.interrupt();
    try {
      if (!done.await(GRACE_SECONDS, TimeUnit.SECONDS)) {
        err.println("interrupted: the command did not stop within " + GRACE_SECONDS + " s; nothing it was writing"
            + " was kept (outputs are written in staging directories and moved into place only when complete)");
        err.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
