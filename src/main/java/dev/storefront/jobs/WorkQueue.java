package dev.storefront.jobs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A node's queue of job work, on an event loop: map tasks ({@link JobAddresses#MAP}, from any node) and reduce
 * steps ({@link JobAddresses#REDUCE}, from this node's coordinators) wait here, and each {@link WordCountWorker}
 * takes the next one when it is free: straight from the queue on its own thread while there is work
 * ({@link #poll}), and over {@link JobAddresses#TAKE} when it has to wait for some.
 * <p>
 * Map tasks go first, then merges, each in arrival order. A coordinator keeps only as many map tasks in flight as
 * there are workers, so merges still run whenever a worker is between two tasks; but a job's last map task no
 * longer waits behind the merges of the outputs before it (four per output, a few milliseconds each for a
 * 40M-line file): it starts at once, and the other worker merges meanwhile. In arrival order, the last task of a
 * warm two-worker 40M-line job had started 30-50 ms after it was sent, and ran alone to the end.
 * <p>
 * Before it, every worker verticle consumed the work addresses itself, and the event bus dealt messages to them
 * round robin, blind to which one was busy: with two workers, the next map task or merge often queued behind a
 * worker in the middle of a 100 ms partition while the other worker sat idle (the workers of a warm two-worker
 * node averaged about 1.2 busy cores over a job). Here a free worker never waits while there is work. Taking
 * work without a message matters too: handing each item over through the event loop and back to a worker thread
 * took 3-8 ms here when the cores were busy, and a 40M-line job has 50 items (10 map tasks, 4 merges after each).
 * <p>
 * It registers one {@link JobAddresses#MAP} consumer per worker, so the cluster's round robin still sends a node
 * a share of the tasks in proportion to its workers. A stopping queue fails what it still holds, so coordinators
 * retry those tasks elsewhere at once instead of waiting for their timeouts.
 */
final class WorkQueue extends VerticleBase {

  private final int workers;
  /** Offered on the event loop; polled there and by the workers' threads. */
  private final ConcurrentLinkedQueue<Message<?>> maps = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Message<?>> merges = new ConcurrentLinkedQueue<>();
  private final Deque<Message<Object>> takers = new ArrayDeque<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  WorkQueue(int workers) {
    this.workers = workers;
  }

  @Override
  public Future<?> start() {
    for (int i = 0; i < workers; i++) {
      consumers.add(vertx.eventBus().consumer(JobAddresses.MAP, m -> offer(m, maps)));
    }
    consumers.add(vertx.eventBus().localConsumer(JobAddresses.REDUCE, m -> offer(m, merges)));
    consumers.add(vertx.eventBus().<Object>localConsumer(JobAddresses.TAKE, this::take));
    List<Future<Void>> registered = new ArrayList<>();
    consumers.forEach(c -> registered.add(c.completion()));
    return Future.all(registered);
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> unregistered = new ArrayList<>();
    consumers.forEach(c -> unregistered.add(c.unregister()));
    Message<?> item;
    while ((item = poll()) != null) {
      item.fail(WordCountWorker.FAILED, "the node is stopping");
    }
    takers.clear();
    return Future.join(unregistered);
  }

  /** Work arrived: to a waiting worker, or into its queue. */
  private void offer(Message<?> item, ConcurrentLinkedQueue<Message<?>> queue) {
    Message<Object> taker = takers.poll();
    if (taker == null) {
      queue.add(item);
    } else {
      taker.reply(item, LocalCodec.options());
    }
  }

  /** The oldest queued map task, else the oldest merge, else null; any thread. */
  Message<?> poll() {
    Message<?> item = maps.poll();
    return item != null ? item : merges.poll();
  }

  /**
   * A worker found nothing to {@link #poll} and waits: it gets the next work (some may have arrived since it
   * looked), or the next to arrive.
   */
  private void take(Message<Object> taker) {
    Message<?> item = poll();
    if (item == null) {
      takers.add(taker);
    } else {
      taker.reply(item, LocalCodec.options());
    }
  }
}
