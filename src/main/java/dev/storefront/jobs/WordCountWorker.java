package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.cluster.NodeIdentity;
import dev.storefront.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;

/**
 * A worker verticle ({@code ThreadingModel.WORKER}) that takes its node's job work from the {@link WorkQueue}, one
 * item at a time, whenever it is free. A map task ({@link JobAddresses#MAP}) is a descriptor (a file byte range,
 * or a feedback key range the worker reads from PostgreSQL itself); the reply is the {@link MapOutput}, sent with
 * the {@link MapOutputCodec}, with header {@code node} carrying this node's cluster id. Tasks of cancelled jobs
 * are dropped. A reduce step ({@link JobAddresses#REDUCE}) merges map outputs of a job this node coordinates.
 * Fault injection ({@code jobs.faultInjection}, testing only): {@code fail:<p>} fails and {@code stall:<p>} never
 * answers the first attempt at partition {@code p}.
 */
public final class WordCountWorker extends VerticleBase {

  public static final int CANCELLED = 410;
  public static final int FAILED = 500;
  private static final Logger LOG = LoggerFactory.getLogger(WordCountWorker.class);
  /** A worker keeps its map table for the next task unless it grew past this many slots (8 MB, plus its words). */
  static final int MAX_KEPT_TABLE_SLOTS = 1 << 20;
  /** Waiting for work has no deadline: the queue answers when there is some. */
  private static final DeliveryOptions TAKE = new DeliveryOptions().setSendTimeout(TimeUnit.DAYS.toMillis(1));
  private static final long RETAKE_MS = 100;

  private Settings settings;
  private String faultKind = "";
  private int faultPartition = -1;
  private LocalMap<String, Boolean> cancelled;
  private Pool pool;
  private final WorkQueue queue;
  private WordCounts table;
  private volatile boolean stopped;
  private long taskStarted; // of the map task in hand: one at a time per worker

  WordCountWorker(WorkQueue queue) {
    this.queue = queue;
  }

  @Override
  public Future<?> start() {
    settings = Settings.fromJson(config());
    String fault = settings.string("jobs.faultInjection");
    if (!fault.isBlank()) {
      String[] parts = fault.split(":", 2);
      faultKind = parts[0];
      faultPartition = Integer.parseInt(parts[1].trim());
    }
    cancelled = vertx.sharedData().getLocalMap(JobAddresses.CANCELLED_LOCAL_MAP);
    vertx.runOnContext(v -> next());
    return Future.succeededFuture();
  }

  /**
   * Runs queued work on this thread for as long as there is some (a loop, not recursion: a job may have
   * thousands of items), then waits for the queue to hand over the next item. The worker is never given work
   * while it is busy.
   */
  private void next() {
    Message<?> item;
    while (!stopped && (item = queue.poll()) != null) {
      Future<Void> done = run(item);
      if (!done.isComplete()) { // a feedback task waiting for its rows: go on when it is done
        done.onComplete(v -> next());
        return;
      }
    }
    if (stopped) {
      return;
    }
    vertx.eventBus().<Message<?>>request(JobAddresses.TAKE, null, TAKE).onComplete(ar -> {
      if (ar.succeeded() && stopped) { // handed over as this worker stopped: let the sender retry it at once
        ar.result().body().fail(FAILED, "the node is stopping");
      } else if (ar.succeeded()) {
        run(ar.result().body()).onComplete(v -> next());
      } else if (!stopped) {
        LOG.warn("no work queue to take from ({}); asking again shortly", ar.cause().getMessage());
        vertx.setTimer(RETAKE_MS, t -> next());
      }
    });
  }

  /**
   * Runs one queued item; the future completes when it is done (a feedback task waits for its rows). An item that
   * is not a well-formed task is answered with a failure: the worker itself always goes on to the next one.
   */
  @SuppressWarnings("unchecked")
  private Future<Void> run(Message<?> item) {
    try {
      if (item.body() instanceof ReduceStep) {
        reduce((Message<ReduceStep>) item);
        return Future.succeededFuture();
      }
      return handle((Message<JsonObject>) item);
    } catch (RuntimeException e) {
      LOG.warn("ill-formed job work refused: {}", e.toString());
      item.fail(FAILED, "ill-formed task: " + e);
      return Future.succeededFuture();
    }
  }

  private Future<Void> handle(Message<JsonObject> message) {
    taskStarted = System.nanoTime();
    JsonObject task = message.body();
    String job = String.valueOf(task.getLong("job"));
    int partition = task.getInteger("partition");
    if (cancelled.containsKey(job)) {
      message.fail(CANCELLED, "job " + job + " was cancelled");
      return Future.succeededFuture();
    }
    if (partition == faultPartition && task.getInteger("attempt") == 1) {
      LOG.warn("fault injection: {} partition {} of job {}", faultKind, partition, job);
      if (faultKind.equals("fail")) {
        message.fail(FAILED, "injected failure at partition " + partition);
      }
      return Future.succeededFuture(); // stall: never answer
    }
    int shards = task.getInteger("shards");
    if ("feedback".equals(task.getString("type"))) {
      return feedback(task, shards).onComplete(ar -> {
        if (ar.succeeded()) {
          reply(message, ar.result());
        } else {
          message.fail(FAILED, "partition " + partition + ": " + ar.cause());
        }
      }).<Void>mapEmpty().otherwiseEmpty();
    }
    try {
      FilePartition part = new FilePartition(partition, task.getLong("start"), task.getLong("end"), task.getBoolean("gzip"));
      if (table == null) {
        table = new WordCounts(1 << 14);
      }
      byte[] out;
      try {
        out = MapTasks.countFile(Path.of(task.getString("path")), part, shards, table, () -> cancelled.containsKey(job));
      } finally {
        if (table.capacity() > MAX_KEPT_TABLE_SLOTS) {
          table = null;
        }
      }
      reply(message, out);
    } catch (CancellationException e) {
      message.fail(CANCELLED, "job " + job + " was cancelled");
    } catch (Exception e) {
      LOG.warn("map task failed: partition {} of job {}: {}", partition, job, e.toString());
      message.fail(FAILED, "partition " + partition + ": " + e);
    }
    return Future.succeededFuture();
  }

  private void reduce(Message<ReduceStep> message) {
    try {
      message.reply(message.body().run());
    } catch (RuntimeException | OutOfMemoryError e) { // answered either way: the coordinator waits without a timeout
      LOG.warn("reduce step failed: {}", e.toString());
      message.fail(FAILED, "reduce: " + e);
    }
  }

  private Future<byte[]> feedback(JsonObject task, int shards) {
    if (pool == null) {
      pool = JobsDb.pool(vertx, settings);
    }
    return pool.preparedQuery(JobsSql.FEEDBACK_BODIES)
        .execute(Tuple.of(task.getInteger("productId"), task.getLong("lo"), task.getLong("hi")))
        .map(rows -> {
          List<String> bodies = new ArrayList<>(rows.size());
          for (Row r : rows) {
            bodies.add(r.getString(0));
          }
          return MapTasks.countTexts(bodies, shards);
        });
  }

  private void reply(Message<JsonObject> message, byte[] out) {
    Metrics.of(vertx).record(Metrics.JOBS_MAP, System.nanoTime() - taskStarted,
        "type", "feedback".equals(message.body().getString("type")) ? "feedback" : "file");
    message.reply(out, MapOutputCodec.options().addHeader("node", NodeIdentity.clusterNodeId(vertx)));
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return pool == null ? Future.succeededFuture() : pool.close();
  }
}
