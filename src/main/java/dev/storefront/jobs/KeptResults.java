package dev.storefront.jobs;

import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full results of the jobs this node coordinated (the last {@value #KEPT_RESULTS}) and both ends of a result
 * query: any node asks the coordinator of a job ({@link #ask}), whose kept results answer over the event bus
 * ({@link #listen}), off the event loop (a top-N scans every word). The tables of an evicted result, once no read
 * holds them, are emptied off the event loop and go to the node's {@link TablePool}, for the reduce of the next jobs.
 */
final class KeptResults {

  static final int KEPT_RESULTS = 2;
  /** The top words a succeeded job's state shows. */
  static final int STATE_TOP = 10;
  /** Spare reduce tables kept for reuse: a 40M-line job's tables (about 50 MB), at most a quarter of the heap. */
  static final long SPARE_TABLE_BYTES = Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 4);
  /** The failure code of a query whose answer failed (a bug, not a {@link Failure.Kind}). */
  private static final int ANSWER_FAILED = -1;
  private static final Logger LOG = LoggerFactory.getLogger(KeptResults.class);

  private final Vertx vertx;
  private final String nodeId;
  /** Answers result queries and empties evicted tables, off the event loop. */
  private final WorkerExecutor queryPool;
  private final TablePool tablePool = new TablePool(SPARE_TABLE_BYTES);
  private final Map<Long, WordCountResult> results = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, WordCountResult> eldest) {
      if (size() <= KEPT_RESULTS) {
        return false;
      }
      eldest.getValue().evict(KeptResults.this::recycle);
      return true;
    }
  };

  KeptResults(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.queryPool = vertx.createSharedWorkerExecutor("storefront-jobs-queries-" + nodeId,
        Runtime.getRuntime().availableProcessors());
  }

  /** Answers the result queries sent to this node; call once, on the context that owns the consumer. */
  MessageConsumer<JsonObject> listen() {
    return vertx.eventBus().consumer(JobAddresses.RESULTS_PREFIX + nodeId, this::answer);
  }

  void close() {
    queryPool.close();
  }

  /**
   * Keeps the result of job {@code id} (evicting the oldest beyond {@value #KEPT_RESULTS}); completes with its
   * summary for the job's state (the top {@value #STATE_TOP} words), or null if it could not be read.
   */
  Future<JsonObject> keep(long id, WordCountResult result) {
    boolean held;
    synchronized (results) {
      results.put(id, result);
      held = result.hold(); // the summary reads it off this lock
    }
    if (!held) {
      return Future.succeededFuture(null);
    }
    return queryPool.executeBlocking(() -> result.answer(List.of(), STATE_TOP), false)
        .onComplete(ar -> result.release());
  }

  /**
   * The full result of job {@code id}, or null when not kept here. Read it at once: once {@value #KEPT_RESULTS}
   * newer jobs have ended its tables are emptied and reused.
   */
  WordCountResult find(long id) {
    synchronized (results) {
      return results.get(id);
    }
  }

  /** The spare reduce tables, which a new job's shards take. */
  TablePool tablePool() {
    return tablePool;
  }

  /**
   * Counts of {@code words} and the top {@code top} of job {@code id} (whose state is {@code state}), asked of the
   * node that coordinated it. Fails with a {@link Failure}: conflict when the job did not succeed, gone when its
   * result is no longer kept, unavailable when its coordinator cannot be reached.
   */
  Future<JsonObject> ask(long id, JsonObject state, List<String> words, int top) {
    String st = state.getString("state");
    if (!"succeeded".equals(st)) {
      return Future.failedFuture(Failure.conflict("job " + id + " has no result: it is " + st
          + (state.containsKey("error") ? " (" + state.getString("error") + ")" : "")));
    }
    JsonObject query = new JsonObject().put("id", id).put("words", new JsonArray(new ArrayList<>(words))).put("top", top);
    return vertx.eventBus().<JsonObject>request(JobAddresses.RESULTS_PREFIX + state.getString("coordinator"), query)
        .map(m -> m.body().put("id", id))
        .recover(err -> {
          if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
            return Future.failedFuture(Failure.gone(err.getMessage()));
          }
          return Future.failedFuture(Failure.unavailable("the node that ran job " + id + " cannot be reached", 1));
        });
  }

  private void answer(Message<JsonObject> m) {
    long id = m.body().getLong("id");
    WordCountResult r;
    synchronized (results) {
      r = results.get(id);
      if (r != null && !r.hold()) {
        r = null;
      }
    }
    if (r == null) {
      m.fail(Failure.Kind.GONE.code(), "the result of job " + id + " is no longer kept (only the last "
          + KEPT_RESULTS + " are)");
      return;
    }
    List<String> words = new ArrayList<>();
    m.body().getJsonArray("words").forEach(w -> words.add((String) w));
    int top = m.body().getInteger("top");
    WordCountResult held = r;
    queryPool.executeBlocking(() -> held.answer(words, top), false)
        .onComplete(ar -> held.release())
        .onSuccess(m::reply)
        .onFailure(e -> m.fail(ANSWER_FAILED, e.toString()));
  }

  /** An evicted result's tables, once unread: emptied off the event loop and kept for the next jobs. */
  private void recycle(WordCounts[] tables) {
    queryPool.executeBlocking(() -> {
      for (WordCounts t : tables) {
        tablePool.give(t);
      }
      return null;
    }, false).onFailure(e -> LOG.debug("reduce tables not recycled: {}", e.toString()));
  }
}
