package dev.storefront.jobs;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A node's word-count job service (one per Vert.x instance, found with {@link #of}): deploys the node's
 * {@link WorkQueue} and {@link WordCountWorker}s, wires the parts of the service and hands each call to the part
 * that owns it: {@link JobLifecycle} accepts, coordinates and cancels jobs, {@link JobStates} holds every job's state
 * in the cluster (so any node answers about any job), {@link KeptResults} keeps the results of the jobs this node
 * coordinated and answers queries for them, and {@link JobPlanner} turns a job into map tasks.
 */
public final class JobService extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);

  private JobStates states;
  private KeptResults results;
  private JobPlanner planner;
  private JobLifecycle lifecycle;
  private long membersWatch = -1;
  private Set<String> knownMembers;

  /** How often the members are compared, to end the jobs of a coordinator that left. */
  static final long MEMBERS_POLL_MS = 1000;

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
    Settings settings = Settings.fromJson(config());
    String nodeId = NodeIdentity.clusterNodeId(vertx);
    int configured = settings.integer("jobs.workersPerNode");
    int workers = configured > 0 ? configured : Runtime.getRuntime().availableProcessors();
    states = new JobStates(vertx, settings.integer("jobs.keepFinishedSeconds") * 1000L);
    results = new KeptResults(vertx, nodeId);
    planner = new JobPlanner(vertx, settings, nodeId, workers);
    lifecycle = new JobLifecycle(vertx, vertx.getOrCreateContext(), nodeId, settings, states, results, planner);
    JobCodecs.register(vertx.eventBus());
    List<Future<?>> ready = new ArrayList<>();
    ready.add(lifecycle.listen().completion());
    ready.add(results.listen().completion());
    WorkQueue queue = new WorkQueue(workers);
    DeploymentOptions workerOptions = new DeploymentOptions()
        .setThreadingModel(ThreadingModel.WORKER).setInstances(workers).setConfig(settings.toJson());
    ready.add(vertx.deployVerticle(queue)
        .compose(v -> vertx.deployVerticle(() -> new WordCountWorker(queue), workerOptions)));
    ready.add(planner.announce());
    watchCoordinators();
    return Future.all(ready).onSuccess(v -> {
      NodeLocal.register(vertx, JobService.class, this);
      LOG.info("jobs: {} word-count worker(s) on node {}", workers, nodeId);
    });
  }

  /**
   * Every {@value #MEMBERS_POLL_MS} ms, compares the cluster's members with the last look; when one has left, ends as
   * failed the jobs it was coordinating ({@link JobStates#failOrphans}). The cluster manager's member list is local:
   * the poll costs no remote call, and a departure is acted on within a poll of Hazelcast declaring the member dead.
   */
  private void watchCoordinators() {
    knownMembers = new HashSet<>(NodeIdentity.liveNodeIds(vertx));
    membersWatch = vertx.setPeriodic(MEMBERS_POLL_MS, t -> {
      Set<String> now = new HashSet<>(NodeIdentity.liveNodeIds(vertx));
      boolean left = !now.containsAll(knownMembers);
      knownMembers = now;
      if (left) {
        states.failOrphans(now)
            .onSuccess(ids -> {
              if (!ids.isEmpty()) {
                LOG.warn("jobs {}: their coordinating node left the cluster; marked failed", ids);
              }
            })
            .onFailure(e -> LOG.warn("jobs: could not mark the jobs of a departed node failed: {}", e.toString()));
      }
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(membersWatch);
    NodeLocal.unregister(vertx, JobService.class, this);
    results.close();
    JobCodecs.unregister(vertx.eventBus());
    planner.close();
    return planner.withdraw();
  }

  /** Accepts a job: it gets an id and a pending state at once, then runs in the background on this node. */
  public Future<Long> submit(JobSpec spec) {
    return lifecycle.submit(spec);
  }

  /** Runs a job to its end on this node; the future completes with the terminal state. */
  public Future<JsonObject> run(JobSpec spec) {
    return submit(spec).compose(this::awaitTerminal);
  }

  /** Completes with the terminal state of job {@code id}. */
  public Future<JsonObject> awaitTerminal(long id) {
    return states.awaitTerminal(id);
  }

  /** A job's state as any node sees it; fails with a not-found {@link Failure} for an unknown id. */
  public Future<JsonObject> status(long id) {
    return states.status(id);
  }

  /**
   * The states of the {@code limit} newest jobs, newest first, as {@link #status} reads them; ids whose state is
   * gone (never written, or a job of a cluster that restarted) are skipped.
   */
  public Future<List<JsonObject>> recent(int limit) {
    return states.latestId().compose(latest -> {
      List<Future<JsonObject>> reads = new ArrayList<>();
      for (long id = latest; id > 0 && id > latest - limit; id--) {
        reads.add(states.status(id).otherwise((JsonObject) null));
      }
      return Future.all(reads).map(all -> {
        List<JsonObject> found = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          if (all.resultAt(i) != null) {
            found.add(all.resultAt(i));
          }
        }
        return found;
      });
    });
  }

  /** Cancels a pending or running job (not found, or a conflict when it has ended); every node drops its tasks. */
  public Future<JsonObject> cancel(long id) {
    return lifecycle.cancel(id);
  }

  /**
   * Counts of {@code words} and the top {@code top} of a finished job, asked of the node that coordinated it. Fails
   * with a {@link Failure}: not found, conflict (not succeeded), gone (result no longer kept), unavailable
   * (coordinator gone).
   */
  public Future<JsonObject> result(long id, List<String> words, int top) {
    return states.status(id).compose(s -> results.ask(id, s, words, top));
  }

  /**
   * The full result of a job this node coordinated, or null when unknown here. Read it at once: once
   * {@value KeptResults#KEPT_RESULTS} newer jobs have ended its tables are emptied and reused.
   */
  public WordCountResult localResult(long id) {
    return results.find(id);
  }

  /** The spare reduce tables (for tests). */
  TablePool tablePool() {
    return results.tablePool();
  }
}
