package dev.storefront.jobs;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The state of every job as any node of the cluster sees it: a clustered map (job id to state) that the job's
 * coordinator writes, a clustered counter of the partitions done per job, the clustered counter that hands out job
 * ids, and the events published per job at each change. A job whose coordinator left the cluster before it ended
 * reads as failed, and the surviving nodes write it so ({@link #failOrphans}).
 */
final class JobStates {

  /** The states a job ends in; before them it is {@code pending}, then {@code running}. */
  static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

  private final Vertx vertx;
  private final long keepFinishedMs;

  /** {@code keepFinishedMs}: how long the state of an ended job is kept (jobs.keepFinishedSeconds). */
  JobStates(Vertx vertx, long keepFinishedMs) {
    this.vertx = vertx;
    this.keepFinishedMs = keepFinishedMs;
  }

  /** A new job id, unique in the cluster. */
  Future<Long> nextId() {
    return vertx.sharedData().getCounter(JobAddresses.ID_COUNTER).compose(Counter::incrementAndGet);
  }

  /** The clustered counter of the partitions done of job {@code id}. */
  Future<Counter> progress(long id) {
    return vertx.sharedData().getCounter(JobAddresses.PROGRESS_PREFIX + id);
  }

  private Future<AsyncMap<String, JsonObject>> stateMap() {
    return vertx.sharedData().getAsyncMap(JobAddresses.STATE_MAP);
  }

  Future<Void> put(long id, JsonObject state) {
    return stateMap().compose(m -> store(m, id, state));
  }

  /** Stores a state; the state of an ended job expires after {@link #keepFinishedMs}, so the map does not grow for ever. */
  private Future<Void> store(AsyncMap<String, JsonObject> m, long id, JsonObject state) {
    return TERMINAL.contains(state.getString("state"))
        ? m.put(String.valueOf(id), state, keepFinishedMs)
        : m.put(String.valueOf(id), state);
  }

  /** Applies {@code change} to a copy of the stored state (or to {@code {"id": id}} when none) and stores it. */
  Future<Void> update(long id, Consumer<JsonObject> change) {
    return stateMap().compose(m -> m.get(String.valueOf(id)).compose(s -> {
      JsonObject next = s == null ? new JsonObject().put("id", id) : s.copy();
      change.accept(next);
      return store(m, id, next);
    }));
  }

  /**
   * Writes {@code failed} (with the reason) for every job not yet ended whose coordinator is not among {@code live},
   * and publishes that end, so that followers of its events (server-sent events, {@link #awaitTerminal}) end too
   * instead of waiting for a coordinator that is gone. Every surviving node may do it: the write is the same.
   * Completes with the ids so ended.
   */
  Future<List<Long>> failOrphans(Set<String> live) {
    return stateMap().compose(m -> m.entries().compose(all -> {
      List<Future<Long>> ended = new ArrayList<>();
      for (JsonObject s : all.values()) {
        if (!TERMINAL.contains(s.getString("state")) && !live.contains(s.getString("coordinator"))) {
          long id = s.getLong("id");
          JsonObject failed = s.copy().put("state", "failed").put("error", coordinatorLeft(id))
              .put("finishedAt", System.currentTimeMillis());
          ended.add(store(m, id, failed).map(v -> {
            publish(failed);
            return id;
          }));
        }
      }
      return Future.all(ended).map(f -> f.<Long>list());
    }));
  }

  private static String coordinatorLeft(long id) {
    return "the node coordinating job " + id + " left the cluster";
  }

  /** A job's state as any node sees it; fails with a not-found {@link Failure} for an unknown id. */
  Future<JsonObject> status(long id) {
    return stateMap().compose(m -> m.get(String.valueOf(id))).compose(s -> {
      if (s == null) {
        return Future.failedFuture(Failure.notFound("no job " + id));
      }
      JsonObject state = s.copy();
      String st = state.getString("state");
      if (!TERMINAL.contains(st) && !NodeIdentity.liveNodeIds(vertx).contains(state.getString("coordinator"))) {
        state.put("state", "failed").put("error", coordinatorLeft(id)); // until a surviving node writes it (failOrphans)
      }
      long now = System.currentTimeMillis();
      Long started = state.getLong("startedAt", state.getLong("submittedAt"));
      state.put("elapsedSeconds", (state.getLong("finishedAt", now) - started) / 1000.0);
      if (state.containsKey("total") && "succeeded".equals(st)) {
        return Future.succeededFuture(state.put("done", state.getInteger("total")));
      }
      return progress(id)
          .compose(c -> c.get())
          .map(done -> state.put("done", done).put("total", state.getInteger("total", 0)));
    });
  }

  /** Announces a job's state (its {@code id} names the job) to every node that follows the job. */
  void publish(JsonObject state) {
    vertx.eventBus().publish(JobAddresses.EVENTS_PREFIX + state.getLong("id"), state);
    vertx.eventBus().publish(JobAddresses.ALL_EVENTS, state);
  }

  /** The highest job id handed out so far in the cluster (0 before the first job). */
  Future<Long> latestId() {
    return vertx.sharedData().getCounter(JobAddresses.ID_COUNTER).compose(Counter::get);
  }

  /** Completes with the terminal state of job {@code id}, from its events or, if it already ended, its state. */
  Future<JsonObject> awaitTerminal(long id) {
    Promise<JsonObject> promise = Promise.promise();
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(JobAddresses.EVENTS_PREFIX + id);
    consumer.handler(m -> {
      if (TERMINAL.contains(m.body().getString("state"))) {
        consumer.unregister();
        promise.tryComplete(m.body());
      }
    });
    consumer.completion().compose(v -> status(id)).onSuccess(s -> {
      if (TERMINAL.contains(s.getString("state"))) {
        consumer.unregister();
        promise.tryComplete(s);
      }
    }).onFailure(promise::tryFail);
    return promise.future();
  }
}
