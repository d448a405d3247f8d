package dev.storefront.jobs;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a job into its map tasks: byte ranges of a 1-gram file (split off the event loop) or key ranges of the
 * customer feedback (from one SQL query), sized by the worker verticles of the live nodes. Every node announces its
 * workers in a clustered map ({@link #announce}); their sum is also the number of map tasks a job keeps in flight.
 */
final class JobPlanner {

  /** A job's map tasks, and the worker verticles of the live nodes (at least this node's) when it was planned. */
  record Plan(List<JsonObject> tasks, int workersInCluster) {
  }

  private final Vertx vertx;
  private final Settings settings;
  private final String nodeId;
  private final int workers;
  /** Opened by the first feedback job. */
  private Pool pool;

  /** {@code workers}: the worker verticles of this node, {@code nodeId}. */
  JobPlanner(Vertx vertx, Settings settings, String nodeId, int workers) {
    this.vertx = vertx;
    this.settings = settings;
    this.nodeId = nodeId;
    this.workers = workers;
  }

  /** Tells the cluster how many worker verticles this node has. */
  Future<Void> announce() {
    return vertx.sharedData().<String, Integer>getAsyncMap(JobAddresses.WORKERS_MAP).compose(m -> m.put(nodeId, workers));
  }

  /** Takes this node's workers out of the cluster's count; never fails. */
  Future<Void> withdraw() {
    return vertx.sharedData().<String, Integer>getAsyncMap(JobAddresses.WORKERS_MAP)
        .compose(m -> m.remove(nodeId)).<Void>mapEmpty().otherwiseEmpty();
  }

  void close() {
    if (pool != null) {
      pool.close();
    }
  }

  Future<Plan> plan(JobSpec spec) {
    return workersInCluster().compose(w -> tasks(spec, w).map(tasks -> new Plan(tasks, w)));
  }

  /** The worker verticles of the live nodes. */
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

  private Future<List<JsonObject>> tasks(JobSpec spec, int workersInCluster) {
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
}
