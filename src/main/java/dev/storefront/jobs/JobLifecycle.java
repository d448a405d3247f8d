package dev.storefront.jobs;

import dev.storefront.metrics.Metrics;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The life of the jobs this node accepts, from pending to their end: gives each an id and a pending state, then
 * coordinates it on this node's context under a clustered lock (one coordinator per job), plans it and runs it with
 * a {@link JobCoordinator}, publishes its progress, keeps its result and writes its end: succeeded (with the summary
 * of its result), failed (with the error) or cancelled. A cancellation from any node reaches every node: each marks
 * the job so its workers drop its tasks, and the coordinator stops it.
 */
final class JobLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(JobLifecycle.class);

  private final Vertx vertx;
  /** Where jobs are coordinated: the job service's context. */
  private final Context context;
  private final String nodeId;
  private final Settings settings;
  private final JobStates states;
  private final KeptResults results;
  private final JobPlanner planner;
  private final Map<Long, JobCoordinator> running = new ConcurrentHashMap<>();

  JobLifecycle(Vertx vertx, Context context, String nodeId, Settings settings, JobStates states, KeptResults results,
               JobPlanner planner) {
    this.vertx = vertx;
    this.context = context;
    this.nodeId = nodeId;
    this.settings = settings;
    this.states = states;
    this.results = results;
    this.planner = planner;
    Metrics.of(vertx).gauge(Metrics.JOBS_RUNNING, running::size);
  }

  /** Takes the cancellations published by any node; call once, on the context that owns the consumer. */
  MessageConsumer<Long> listen() {
    return vertx.eventBus().consumer(JobAddresses.CANCEL, m -> onCancel(m.body()));
  }

  /** Accepts a job: it gets an id and a pending state at once, then runs in the background on this node. */
  Future<Long> submit(JobSpec spec) {
    return states.nextId()
        .compose(id -> states.put(id, new JsonObject()
            .put("id", id).put("state", "pending").put("source", spec.describe())
            .put("coordinator", nodeId).put("submittedAt", System.currentTimeMillis()))
            .map(v -> {
              Metrics.of(vertx).increment(Metrics.JOBS_SUBMITTED);
              context.runOnContext(ignored -> coordinate(id, spec));
              return id;
            }));
  }

  /** Cancels a pending or running job (not found when unknown, a conflict when it has ended). */
  Future<JsonObject> cancel(long id) {
    return states.status(id).compose(s -> {
      if (JobStates.TERMINAL.contains(s.getString("state"))) {
        return Future.failedFuture(Failure.conflict("job " + id + " has already ended: " + s.getString("state")));
      }
      vertx.eventBus().publish(JobAddresses.CANCEL, id);
      return Future.succeededFuture(s.put("state", "cancelling"));
    });
  }

  private void coordinate(long id, JobSpec spec) {
    long start = System.nanoTime();
    vertx.sharedData().getLockWithTimeout(JobAddresses.LOCK_PREFIX + id, 10_000).onComplete(locked -> {
      if (locked.failed()) {
        finish(id, null, new IllegalStateException("could not take the coordination lock: " + locked.cause().getMessage()), null);
        return;
      }
      Lock lock = locked.result();
      planner.plan(spec)
          .compose(plan -> states.progress(id).compose(counter -> {
            List<JsonObject> tasks = plan.tasks();
            int shards = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
            JobCoordinator job = new JobCoordinator(vertx, id, tasks, shards, plan.workersInCluster(),
                settings.integer("jobs.maxAttempts"), settings.integer("jobs.taskTimeoutMs"), counter,
                () -> publishProgress(id), start, results.tablePool()::take);
            running.put(id, job);
            if (isCancelled(id)) {
              job.cancel();
            }
            // the job starts while its state is written (a clustered map write, several milliseconds); it ends
            // only after that write, so the terminal state is never overwritten by "running"
            Future<Void> stateWritten = states.update(id, s -> s.put("state", "running").put("total", tasks.size())
                .put("startedAt", System.currentTimeMillis()));
            stateWritten.onFailure(e -> job.cancel());
            publishProgress(id);
            Future<WordCountResult> outcome = job.run();
            return stateWritten.transform(written -> written.succeeded() ? outcome
                : Future.<WordCountResult>failedFuture(written.cause()));
          }))
          .onComplete(ar -> {
            JobCoordinator job = running.remove(id);
            finish(id, job, ar.failed() ? ar.cause() : null, ar.result())
                .onComplete(v -> lock.release());
          });
    });
  }

  /** Keeps a job's result (when it has one) and writes and publishes its terminal state. */
  private Future<Void> finish(long id, JobCoordinator job, Throwable failure, WordCountResult result) {
    JsonObject workersUsed = new JsonObject();
    int retries = 0;
    if (job != null) {
      job.tasksByNode().forEach(workersUsed::put);
      retries = job.retries();
    }
    int failedAttempts = retries;
    Future<JsonObject> summary = Future.succeededFuture(null);
    if (result != null) {
      summary = results.keep(id, result);
      LOG.info("job {} succeeded: {} lines, {} partitions in {} s (reduce {} s)", id, result.lines(),
          result.partitions(), String.format("%.3f", result.seconds()), String.format("%.3f", result.reduceSeconds()));
      Metrics.of(vertx).recordSeconds(Metrics.JOBS_DURATION, result.seconds());
      Metrics.of(vertx).recordSeconds(Metrics.JOBS_REDUCE, result.reduceSeconds());
    } else {
      LOG.info("job {} ended: {}", id, failure == null ? "?" : failure.getMessage());
    }
    return summary.compose(answer -> states.update(id, s -> {
      s.put("finishedAt", System.currentTimeMillis()).put("tasksByNode", workersUsed).put("failedAttempts", failedAttempts);
      if (answer != null) {
        s.put("state", "succeeded").mergeIn(answer);
      } else if (failure instanceof CancellationException) {
        s.put("state", "cancelled");
      } else {
        s.put("state", "failed").put("error", failure == null ? "unknown failure" : failure.getMessage());
      }
      Metrics.of(vertx).increment(Metrics.JOBS_ENDED, "state", s.getString("state"));
    })).onComplete(v -> states.status(id).onSuccess(states::publish));
  }

  private void publishProgress(long id) {
    JobCoordinator job = running.get(id);
    if (job != null) {
      states.publish(new JsonObject().put("id", id).put("state", "running").put("coordinator", nodeId)
          .put("done", job.done()).put("total", job.total()));
    }
  }

  private boolean isCancelled(long id) {
    return vertx.sharedData().getLocalMap(JobAddresses.CANCELLED_LOCAL_MAP).containsKey(String.valueOf(id));
  }

  private void onCancel(long id) {
    vertx.sharedData().<String, Boolean>getLocalMap(JobAddresses.CANCELLED_LOCAL_MAP).put(String.valueOf(id), true);
    context.runOnContext(v -> {
      JobCoordinator job = running.get(id);
      if (job != null) {
        job.cancel();
      }
    });
  }
}
