package dev.storefront.testing;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Blocking waits for test threads (never an event loop): a Vert.x future's outcome with a deadline, and a
 * condition polled with a deadline where no event tells when it holds (an HTTP answer, a process's state).
 */
public final class Await {

  /** How long {@link #await(Future)} waits: long enough for a cluster to form on a loaded 2-core machine. */
  public static final Duration DEFAULT = Duration.ofSeconds(60);

  private Await() {
  }

  /** The future's result within {@link #DEFAULT}; see {@link #await(Future, Duration)}. */
  public static <T> T await(Future<T> future) {
    return await(future, DEFAULT);
  }

  /**
   * The future's result. A failed future throws {@link CompletionException} with the failure as its cause; one not
   * complete in time throws {@link IllegalStateException} (its cause a {@link TimeoutException}).
   */
  public static <T> T await(Future<T> future, Duration within) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new CompletionException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("not complete within " + within.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }

  /** {@link #eventually(Duration, Duration, BooleanSupplier)} polling every 100 ms. */
  public static boolean eventually(Duration within, BooleanSupplier condition) {
    return eventually(within, Duration.ofMillis(100), condition);
  }

  /**
   * Polls {@code condition} every {@code every} until it holds or {@code within} has passed; returns whether it
   * held. A condition that throws counts as not holding yet (a server not answering yet), except at the last try.
   */
  public static boolean eventually(Duration within, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      try {
        Thread.sleep(every.toMillis()); // the poll interval: what is polled has no event to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return condition.getAsBoolean();
  }
}
