package dev.storefront.jobs;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The node's work queue on a real event bus. The test plays the workers: it takes work over
 * {@link JobAddresses#TAKE} the way a {@link WordCountWorker} does, so it can hold a "busy" worker still.
 */
class WorkQueueTest {

  private static final DeliveryOptions NO_TIMEOUT = new DeliveryOptions().setSendTimeout(TimeUnit.MINUTES.toMillis(1));
  private Vertx vertx;
  private String deployment;
  private WorkQueue queue;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JobCodecs.register(vertx.eventBus());
    queue = new WorkQueue(2);
    deployment = await(vertx.deployVerticle(queue, new DeploymentOptions()));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private Future<Message<Object>> take() {
    return vertx.eventBus().<Message<Object>>request(JobAddresses.TAKE, null, NO_TIMEOUT).map(Message::body);
  }

  private Future<Message<Object>> send(String address, String body) {
    return vertx.eventBus().request(address, body, NO_TIMEOUT);
  }

  @Test
  @DisplayName("work goes to whichever worker asks first; a free worker is never left waiting behind a busy one")
  void freeWorkersTakeTheOldestWork() throws Exception {
    Future<Message<Object>> busy = send(JobAddresses.MAP, "task-1");
    Message<Object> first = await(take());
    assertEquals("task-1", first.body());
    // the first worker is now busy: more work arrives, and only the second worker asks for it
    Future<Message<Object>> second = send(JobAddresses.MAP, "task-2");
    Future<Message<Object>> merge = send(JobAddresses.REDUCE, "merge-1");
    Message<Object> taken = await(take());
    assertEquals("task-2", taken.body());
    taken.reply("done-2");
    assertEquals("done-2", await(second).body());
    assertEquals("merge-1", await(take()).body(), "the merge waited for a free worker, not for the busy one");
    assertFalse(merge.isComplete());
    first.reply("done-1");
    assertEquals("done-1", await(busy).body());
  }

  @Test
  @DisplayName("a worker that asks while nothing is queued gets the next work as soon as it arrives")
  void waitingWorkerGetsTheNextWork() throws Exception {
    handedToWaitingWorker("task-1");
  }

  @Test
  @DisplayName("a busy worker polls queued work oldest first on its own thread; with none left, it waits over the event bus")
  void pollThenWait() throws Exception {
    Future<Message<Object>> one = send(JobAddresses.REDUCE, "merge-1");
    Future<Message<Object>> two = send(JobAddresses.REDUCE, "merge-2");
    Future<Message<Object>> probe = send(JobAddresses.REDUCE, "merge-3");
    assertEquals("merge-1", await(take()).body()); // delivered in order: merge-2 and merge-3 are queued now
    assertEquals("merge-2", queue.poll().body());
    assertEquals("merge-3", queue.poll().body());
    assertEquals(null, queue.poll());
    handedToWaitingWorker("task-4");
    assertFalse(one.isComplete() || two.isComplete() || probe.isComplete());
  }

  @Test
  @DisplayName("queued map tasks go before merges queued earlier, each kind oldest first")
  void mapTasksBeforeMerges() throws Exception {
    Future<Message<Object>> held = send(JobAddresses.REDUCE, "merge-1");
    send(JobAddresses.REDUCE, "merge-2");
    send(JobAddresses.MAP, "task-1");
    send(JobAddresses.REDUCE, "merge-3");
    send(JobAddresses.MAP, "task-2");
    assertEquals("task-1", await(take()).body()); // delivered in order: all five were queued before the take
    assertEquals("task-2", queue.poll().body());
    assertEquals("merge-1", await(take()).body());
    assertEquals("merge-2", queue.poll().body());
    assertEquals("merge-3", queue.poll().body());
    assertEquals(null, queue.poll());
    assertFalse(held.isComplete());
  }

  @Test
  @DisplayName("a stopping queue fails the work it still holds, so its senders can retry elsewhere at once")
  void stoppingFailsQueuedWork() throws Exception {
    Future<Message<Object>> taken = send(JobAddresses.REDUCE, "merge-1");
    Future<Message<Object>> queued = send(JobAddresses.REDUCE, "merge-2");
    // the queue's event loop handles deliveries in the order they were sent: once a worker got merge-1,
    // merge-2 is in the queue
    assertEquals("merge-1", await(take()).body());
    await(vertx.undeploy(deployment));
    CompletionException e = assertThrows(CompletionException.class, () -> await(queued));
    ReplyException reply = assertInstanceOf(ReplyException.class, e.getCause());
    assertEquals(WordCountWorker.FAILED, reply.failureCode());
    assertFalse(taken.isComplete(), "work a worker holds is the worker's to answer");
  }

  /** A worker waits for work; {@code task} arrives, goes to it, and its answer reaches the task's sender. */
  private void handedToWaitingWorker(String task) throws Exception {
    Future<Message<Object>> waiting = take();
    Future<Message<Object>> sent = send(JobAddresses.MAP, task);
    Message<Object> got = await(waiting);
    assertEquals(task, got.body());
    got.reply("done " + task);
    assertEquals("done " + task, await(sent).body());
  }
}
