package dev.storefront.jobs;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A node's queue of job work, on an event loop: map tasks ({@link JobAddresses#MAP}, from any node) and reduce
 * steps ({@link JobAddresses#REDUCE}, from this node's coordinators) wait here in arrival order, and each
 * {@link WordCountWorker} takes the next one when it is free ({@link JobAddresses#TAKE}).
 * <p>
 * Before it, every worker verticle consumed the work addresses itself, and the event bus dealt messages to them
 * round robin, blind to which one was busy: with two workers, the next map task or merge often queued behind a
 * worker in the middle of a 100 ms partition while the other worker sat idle (a warm two-worker node ran at about
 * 1.2 cores on average). Here a free worker never waits while there is work.
 * <p>
 * It registers one {@link JobAddresses#MAP} consumer per worker, so the cluster's round robin still sends a node
 * a share of the tasks in proportion to its workers. A stopping queue fails what it still holds, so coordinators
 * retry those tasks elsewhere at once instead of waiting for their timeouts.
 */
final class WorkQueue extends VerticleBase {

  private final int workers;
  private final Deque<Message<?>> items = new ArrayDeque<>();
  private final Deque<Message<Object>> takers = new ArrayDeque<>();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  WorkQueue(int workers) {
    this.workers = workers;
  }

  @Override
  public Future<?> start() {
    for (int i = 0; i < workers; i++) {
      consumers.add(vertx.eventBus().consumer(JobAddresses.MAP, this::offer));
    }
    consumers.add(vertx.eventBus().localConsumer(JobAddresses.REDUCE, this::offer));
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
    while ((item = items.poll()) != null) {
      item.fail(WordCountWorker.FAILED, "the node is stopping");
    }
    takers.clear();
    return Future.join(unregistered);
  }

  /** Work arrived: to a waiting worker, or into the queue. */
  private void offer(Message<?> item) {
    Message<Object> taker = takers.poll();
    if (taker == null) {
      items.add(item);
    } else {
      taker.reply(item, LocalCodec.options());
    }
  }

  /** A worker is free: it gets the oldest work, or waits for the next. */
  private void take(Message<Object> taker) {
    Message<?> item = items.poll();
    if (item == null) {
      takers.add(taker);
    } else {
      taker.reply(item, LocalCodec.options());
    }
  }
}
