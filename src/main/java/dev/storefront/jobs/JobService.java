package dev.storefront.jobs;

import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import dev.storefront.metrics.Metrics;
import dev.storefront.cluster.NodeIdentity;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A node's word-count job service (one per Vert.x instance): deploys the node's {@link WorkQueue} and
 * {@link WordCountWorker}s, accepts jobs and coordinates them (a clustered lock per job), keeps job state in a
 * clustered map and progress in a clustered counter so any node answers about any job, keeps the full results of
 * the jobs it coordinated (the last {@value #KEPT_RESULTS}) and answers result queries for them over the event bus.
 * The tables of an evicted result go to the node's {@link TablePool}, for the reduce of the next jobs.
 */
public final class JobService extends VerticleBase {

  public static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
  static final int KEPT_RESULTS = 2;
  static final int STATE_TOP = 10;
  /** Spare reduce tables kept for reuse: a 40M-line job's tables (about 50 MB), at most a quarter of the heap. */
  static final long SPARE_TABLE_BYTES = Math.min(128L << 20, Runtime.getRuntime().maxMemory() / 4);
  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

  private Settings settings;
  private Context context;
  private String nodeId;
  private int workers;
  /** Answers result queries (a top-N scans every word) off the event loop. */
  private WorkerExecutor queryPool;
  private io.vertx.sqlclient.Pool pool;
  private final Map<Long, JobCoordinator> running = new ConcurrentHashMap<>();
  private final Map<Long, WordCountResult> results = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, WordCountResult> eldest) {
      if (size() <= KEPT_RESULTS) {
        return false;
      }
      eldest.getValue().evict(JobService.this::recycle);
      return true;
    }
  };
  private final TablePool tablePool = new TablePool(SPARE_TABLE_BYTES);
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  /** Deploys the job service and its workers on {@code vertx} (one node). */
  public static Future<Void> deploy(Vertx vertx, Settings settings) {
    return vertx.deployVerticle(new JobService(), new DeploymentOptions().setConfig(settings.toJson())).mapEmpty();
  }

  /** The service deployed on {@code vertx}, or null. */
  public static JobService of(Vertx vertx) {
    return NodeLocal.find(vertx, JobService.class);
  }

  @Override
  public Future<?> start() {
    settings = Settings.fromJson(config());
    context = vertx.getOrCreateContext();
    nodeId = NodeIdentity.clusterNodeId(vertx);
    int configured = settings.integer("jobs.workersPerNode");
    workers = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    int cores = Runtime.getRuntime().availableProcessors();
    queryPool = vertx.createSharedWorkerExecutor("storefront-jobs-queries-" + nodeId, cores);
    JobCodecs.register(vertx.eventBus());
    consumers.add(vertx.eventBus().<Long>consumer(JobAddresses.CANCEL, m -> onCancel(m.body())));
    consumers.add(vertx.eventBus().<JsonObject>consumer(JobAddresses.RESULTS_PREFIX + nodeId, this::answerResult));
    List<Future<?>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    WorkQueue queue = new WorkQueue(workers);
    DeploymentOptions workerOptions = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER).setInstances(workers).setConfig(settings.toJson());
    ready.add(vertx.deployVerticle(queue)
        .compose(v -> vertx.deployVerticle(() -> new WordCountWorker(queue), workerOptions)));
    ready.add(vertx.sharedData().<String, Integer>getAsyncMap(JobAddresses.WORKERS_MAP)
        .compose(m -> m.put(nodeId, workers)));
    Metrics.of(vertx).gauge(Metrics.JOBS_RUNNING, running::size);
    return Future.all(ready).onSuccess(v -> {
      NodeLocal.register(vertx, JobService.class, this);
      LOG.info("jobs: {} word-count worker(s) on node {}", workers, nodeId);
    });
  }

  @Override
  public Future<?> stop() {
    NodeLocal.unregister(vertx, JobService.class, this);
    queryPool.close();
    JobCodecs.unregister(vertx.eventBus());
    if (pool != null) {
      pool.close();
    }
    return vertx.sharedData().<String, Integer>getAsyncMap(JobAddresses.WORKERS_MAP)
        .compose(m -> m.remove(nodeId)).otherwiseEmpty();
  }

  public Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Submitting and running

  /** Accepts a job: it gets an id and a pending state at once, then runs in the background on this node. */
  public Future<Long> submit(JobSpec spec) {
    return vertx.sharedData().getCounter(JobAddresses.ID_COUNTER)
        .compose(c -> c.incrementAndGet())
        .compose(id -> putState(id, new JsonObject()
            .put("id", id).put("state", "pending").put("source", spec.describe())
            .put("coordinator", nodeId).put("submittedAt", System.currentTimeMillis()))
            .map(v -> {
              Metrics.of(vertx).increment(Metrics.JOBS_SUBMITTED);
              context.runOnContext(ignored -> coordinate(id, spec));
              return id;
            }));
  }

  /** Runs a job to its end on this node; the future completes with the terminal state. */
  public Future<JsonObject> run(JobSpec spec) {
    return submit(spec).compose(this::awaitTerminal);
  }

  /** Completes with the terminal state of a job this node coordinates. */
  public Future<JsonObject> awaitTerminal(long id) {
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

  /**
   * The full result of a job this node coordinated, or null when unknown here. Read it at once: once
   * {@value #KEPT_RESULTS} newer jobs have ended its tables are emptied and reused.
   */
  public WordCountResult localResult(long id) {
    synchronized (results) {
      return results.get(id);
    }
  }

  private void coordinate(long id, JobSpec spec) {
    long start = System.nanoTime();
    vertx.sharedData().getLockWithTimeout(JobAddresses.LOCK_PREFIX + id, 10_000).onComplete(locked -> {
      if (locked.failed()) {
        finish(id, null, new IllegalStateException("could not take the coordination lock: " + locked.cause().getMessage()));
        return;
      }
      Lock lock = locked.result();
      workersInCluster()
          .compose(w -> plan(spec, w).map(tasks -> Map.entry(w, tasks)))
          .compose(p -> vertx.sharedData().getCounter(JobAddresses.PROGRESS_PREFIX + id).compose(counter -> {
            List<JsonObject> tasks = p.getValue();
            int shards = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
            JobCoordinator job = new JobCoordinator(vertx, id, tasks, shards, p.getKey(),
                settings.integer("jobs.maxAttempts"), settings.integer("jobs.taskTimeoutMs"), counter,
                () -> publishProgress(id), start, tablePool::take);
            running.put(id, job);
            if (isCancelled(id)) {
              job.cancel();
            }
            // the job starts while its state is written (a clustered map write, several milliseconds); it ends
            // only after that write, so the terminal state is never overwritten by "running"
            Future<Void> stateWritten = updateState(id, s -> s.put("state", "running").put("total", tasks.size())
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

  private Future<Void> finish(long id, JobCoordinator job, Throwable failure) {
    return finish(id, job, failure, null);
  }

  private Future<Void> finish(long id, JobCoordinator job, Throwable failure, WordCountResult result) {
    JsonObject workersUsed = new JsonObject();
    int retries = 0;
    if (job != null) {
      job.tasksByNode().forEach(workersUsed::put);
      retries = job.retries();
    }
    int failedAttempts = retries;
    boolean held = false;
    if (result != null) {
      synchronized (results) {
        results.put(id, result);
        held = result.hold(); // the summary below reads it off this lock
      }
      LOG.info("job {} succeeded: {} lines, {} partitions in {} s (reduce {} s)", id, result.lines(),
          result.partitions(), String.format("%.3f", result.seconds()), String.format("%.3f", result.reduceSeconds()));
      Metrics.of(vertx).recordSeconds(Metrics.JOBS_DURATION, result.seconds());
      Metrics.of(vertx).recordSeconds(Metrics.JOBS_REDUCE, result.reduceSeconds());
    } else {
      LOG.info("job {} ended: {}", id, failure == null ? "?" : failure.getMessage());
    }
    Future<JsonObject> summary = !held ? Future.succeededFuture(null)
        : queryPool.executeBlocking(() -> result.answer(List.of(), STATE_TOP), false)
            .onComplete(ar -> result.release());
    return summary.compose(answer -> updateState(id, s -> {
      s.put("finishedAt", System.currentTimeMillis()).put("tasksByNode", workersUsed).put("failedAttempts", failedAttempts);
      if (answer != null) {
        s.put("state", "succeeded").mergeIn(answer);
      } else if (failure instanceof CancellationException) {
        s.put("state", "cancelled");
      } else {
        s.put("state", "failed").put("error", failure == null ? "unknown failure" : failure.getMessage());
      }
      Metrics.of(vertx).increment(Metrics.JOBS_ENDED, "state", s.getString("state"));
    })).onComplete(v -> status(id).onSuccess(this::publish));
  }

  private void publishProgress(long id) {
    JobCoordinator job = running.get(id);
    if (job != null) {
      publish(new JsonObject().put("id", id).put("state", "running").put("coordinator", nodeId)
          .put("done", job.done()).put("total", job.total()));
    }
  }

  private void publish(JsonObject state) {
    vertx.eventBus().publish(JobAddresses.EVENTS_PREFIX + state.getLong("id"), state);
  }

  /** The worker verticles of the live nodes: the number of map tasks kept in flight. */
  private Future<Integer> workersInCluster() {
    List<String> live = NodeIdentity.liveNodeIds(vertx);
    return vertx.sharedData().<String, Integer>getAsyncMap(JobAddresses.WORKERS_MAP)
        .compose(AsyncMap::entries)
        .map(entries -> {
          int sum = 0;
          for (Map.Entry<String, Integer> e : entries.entrySet()) {
            if (live.contains(e.getKey())) {
              sum += e.getValue();
            }
          }
          return Math.max(sum, workers);
        });
  }

  private Future<List<JsonObject>> plan(JobSpec spec, int workersInCluster) {
    if (!spec.feedback()) {
      return vertx.executeBlocking(() -> {
        List<JsonObject> tasks = new ArrayList<>();
        for (FilePartition p : FilePartitioner.split(spec.file(), spec.partitionSize(), workersInCluster)) {
          tasks.add(new JsonObject().put("type", "ngrams").put("path", spec.file().toString())
              .put("start", p.start()).put("end", p.end()).put("gzip", p.gzip()));
        }
        return tasks;
      }, false);
    }
    if (pool == null) {
      pool = JobsDb.pool(vertx, settings);
    }
    return pool.preparedQuery(JobsSql.FEEDBACK_SPAN).execute(Tuple.of(spec.productId()))
        .map(rows -> {
          Row r = rows.iterator().next();
          List<JsonObject> tasks = new ArrayList<>();
          long count = r.getLong(2);
          if (count == 0) {
            return tasks;
          }
          long lo = r.getLong(0);
          long hi = r.getLong(1) + 1;
          long rowsPer = spec.partitionSize() > 0 ? spec.partitionSize()
              : Math.max(1000, count / (workersInCluster * (long) FilePartitioner.PARTITIONS_PER_WORKER) + 1);
          long parts = Math.max(1, (count + rowsPer - 1) / rowsPer);
          long width = (hi - lo + parts - 1) / parts;
          for (long a = lo; a < hi; a += width) {
            tasks.add(new JsonObject().put("type", "feedback").put("productId", spec.productId())
                .put("lo", a).put("hi", Math.min(hi, a + width)));
          }
          return tasks;
        });
  }

  // ---------------------------------------------------------------------------------------------------------------
  // State, cancel, results

  private Future<AsyncMap<String, JsonObject>> stateMap() {
    return vertx.sharedData().getAsyncMap(JobAddresses.STATE_MAP);
  }

  private Future<Void> putState(long id, JsonObject state) {
    return stateMap().compose(m -> m.put(String.valueOf(id), state));
  }

  private Future<Void> updateState(long id, java.util.function.Consumer<JsonObject> change) {
    return stateMap().compose(m -> m.get(String.valueOf(id)).compose(s -> {
      JsonObject next = s == null ? new JsonObject().put("id", id) : s.copy();
      change.accept(next);
      return m.put(String.valueOf(id), next);
    }));
  }

  /** A job's state as any node sees it; fails with a 404 {@link Failure} for an unknown id. */
  public Future<JsonObject> status(long id) {
    return stateMap().compose(m -> m.get(String.valueOf(id))).compose(s -> {
      if (s == null) {
        return Future.failedFuture(Failure.notFound("no job " + id));
      }
      JsonObject state = s.copy();
      String st = state.getString("state");
      if (!TERMINAL.contains(st) && !NodeIdentity.liveNodeIds(vertx).contains(state.getString("coordinator"))) {
        state.put("state", "failed").put("error", "the node coordinating job " + id + " left the cluster");
      }
      long now = System.currentTimeMillis();
      Long started = state.getLong("startedAt", state.getLong("submittedAt"));
      state.put("elapsedSeconds", (state.getLong("finishedAt", now) - started) / 1000.0);
      if (state.containsKey("total") && "succeeded".equals(st)) {
        return Future.succeededFuture(state.put("done", state.getInteger("total")));
      }
      return vertx.sharedData().getCounter(JobAddresses.PROGRESS_PREFIX + id)
          .compose(c -> c.get())
          .map(done -> state.put("done", done).put("total", state.getInteger("total", 0)));
    });
  }

  /** Cancels a pending or running job (404 unknown, 409 already ended); every node drops its queued tasks. */
  public Future<JsonObject> cancel(long id) {
    return status(id).compose(s -> {
      if (TERMINAL.contains(s.getString("state"))) {
        return Future.failedFuture(Failure.conflict("job " + id + " has already ended: " + s.getString("state")));
      }
      vertx.eventBus().publish(JobAddresses.CANCEL, id);
      return Future.succeededFuture(s.put("state", "cancelling"));
    });
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

  /**
   * Counts of {@code words} and the top {@code top} of a finished job, asked of the node that coordinated it.
   * 404 unknown job, 409 not succeeded, 410 result no longer kept, 503 coordinator gone.
   */
  public Future<JsonObject> result(long id, List<String> words, int top) {
    return status(id).compose(s -> {
      String st = s.getString("state");
      if (!"succeeded".equals(st)) {
        return Future.failedFuture(Failure.conflict("job " + id + " has no result: it is " + st
            + (s.containsKey("error") ? " (" + s.getString("error") + ")" : "")));
      }
      JsonObject query = new JsonObject().put("id", id).put("words", new JsonArray(new ArrayList<>(words))).put("top", top);
      return vertx.eventBus().<JsonObject>request(JobAddresses.RESULTS_PREFIX + s.getString("coordinator"), query)
          .map(m -> m.body().put("id", id))
          .recover(err -> {
            if (err instanceof ReplyException && ((ReplyException) err).failureType() == ReplyFailure.RECIPIENT_FAILURE) {
              return Future.failedFuture(Failure.gone(err.getMessage()));
            }
            return Future.failedFuture(Failure.unavailable("the node that ran job " + id + " cannot be reached", 1));
          });
    });
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

  /** The spare reduce tables (for tests). */
  TablePool tablePool() {
    return tablePool;
  }

  private void answerResult(Message<JsonObject> m) {
    long id = m.body().getLong("id");
    WordCountResult r;
    synchronized (results) {
      r = results.get(id);
      if (r != null && !r.hold()) {
        r = null;
      }
    }
    if (r == null) {
      m.fail(410, "the result of job " + id + " is no longer kept (only the last " + KEPT_RESULTS + " are)");
      return;
    }
    List<String> words = new ArrayList<>();
    m.body().getJsonArray("words").forEach(w -> words.add((String) w));
    int top = m.body().getInteger("top");
    // top-N scans every entry: off the event loop
    WordCountResult held = r;
    queryPool.executeBlocking(() -> held.answer(words, top), false)
        .onComplete(ar -> held.release())
        .onSuccess(m::reply)
        .onFailure(e -> m.fail(500, e.toString()));
  }
}
