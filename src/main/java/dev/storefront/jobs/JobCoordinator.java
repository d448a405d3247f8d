package dev.storefront.jobs;

import dev.storefront.cluster.NodeIdentity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Runs one job's map and reduce on the coordinating node's context: keeps at most {@code window} map tasks in
 * flight over the event bus (so every node's workers take tasks), retries a task that fails or times out up to
 * {@code jobs.maxAttempts} attempts, and re-sends every task in flight when a node leaves the cluster, as soon as
 * the event bus no longer lists its workers (which of them the dead node held is unknown, and waiting for their
 * timeouts would stall the job), keeps the first result of each partition (a retried or re-sent partition is
 * never counted twice), counts progress once per partition in a clustered counter, and reduces while it maps:
 * each accepted map output is merged shard by shard into the job's reduce tables by this node's own worker
 * verticles (through its {@link WorkQueue}), one merge at a time per shard and the shards in parallel, so only the
 * last merges remain when the last partition is done
 * (that tail is the job's reduce time). Merges share the workers' threads with map tasks: a node with K workers
 * runs at most K threads of job work, and {@code jobs.workersPerNode} bounds what jobs take from the node.
 */
final class JobCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(JobCoordinator.class);
  static final long NODE_WATCH_MS = 500;
  static final long REGISTRY_POLL_MS = 100;
  static final long REGISTRY_WAIT_MS = 15_000;
  /** A local merge cannot be lost, only queued behind map tasks: no timeout worth having. Never modified. */
  private static final DeliveryOptions LOCAL_MERGE = LocalCodec.options().setSendTimeout(TimeUnit.DAYS.toMillis(1));
  /** The most words per shard a table is sized for in advance (8 MB of slots); past it, tables grow. */
  static final int MAX_RESERVED_ENTRIES = 1 << 19;
  private static final int MAX_RESERVED_BYTES = 1 << 26;

  private final Vertx vertx;
  private final long id;
  private final List<JsonObject> tasks;
  private final int shards;
  private final int window;
  private final int maxAttempts;
  private final long timeoutMs;
  private final Counter progress;
  private final Runnable onPartitionDone;
  private final long startNanos;

  private final boolean[] accepted;
  private final WordCounts[] tables;
  private final List<List<byte[]>> queued = new ArrayList<>();
  private final boolean[] merging;
  /** File bytes per partition (all 0 unless the source is a plain 1-gram file) and those accepted so far. */
  private final long[] spans;
  private long totalSpan;
  private long acceptedSpan;
  /** Per shard: the map outputs' entries and encoded bytes accepted so far. */
  private final long[] entriesIn;
  private final long[] bytesIn;
  private long lines;
  private long malformed;
  private long reduceStart;
  private long mergeNanos;
  private final int[] attempts;
  private final Map<Integer, String> failed = new TreeMap<>();
  private final Map<String, Integer> tasksByNode = new TreeMap<>();
  private final Deque<Integer> pending = new ArrayDeque<>();
  private final Promise<WordCountResult> outcome = Promise.promise();
  /** Partitions with an attempt of the current epoch outstanding; a node leaving starts a new epoch. */
  private final Set<Integer> running = new LinkedHashSet<>();
  private int epoch;
  private Set<String> knownNodes = Set.of();
  /** Nodes that left and may still be listed as workers by the event bus; see {@link #watchNodes()}. */
  private final Set<String> departed = new HashSet<>();
  private long departedAt;
  private boolean settling;
  private long nodeWatch = -1;
  private int inFlight;
  private int done;
  private int retries;
  private boolean finished;

  JobCoordinator(Vertx vertx, long id, List<JsonObject> tasks, int shards, int window, int maxAttempts, long timeoutMs,
                 Counter progress, Runnable onPartitionDone, long startNanos, Supplier<WordCounts> emptyTable) {
    this.vertx = vertx;
    this.id = id;
    this.tasks = tasks;
    this.shards = shards;
    this.window = Math.max(1, window);
    this.maxAttempts = maxAttempts;
    this.timeoutMs = timeoutMs;
    this.progress = progress;
    this.onPartitionDone = onPartitionDone;
    this.startNanos = startNanos;
    this.accepted = new boolean[tasks.size()];
    this.tables = new WordCounts[shards];
    this.merging = new boolean[shards];
    this.entriesIn = new long[shards];
    this.bytesIn = new long[shards];
    this.spans = new long[tasks.size()];
    for (int i = 0; i < spans.length; i++) {
      JsonObject t = tasks.get(i);
      spans[i] = "ngrams".equals(t.getString("type")) && !t.getBoolean("gzip", false)
          ? t.getLong("end") - t.getLong("start") : 0;
      totalSpan += spans[i];
    }
    for (int s = 0; s < shards; s++) {
      tables[s] = emptyTable.get();
      queued.add(new ArrayList<>());
    }
    this.attempts = new int[tasks.size()];
    for (int i = 0; i < tasks.size(); i++) {
      pending.add(i);
    }
  }

  /** Must be called on the coordinating context; so must {@link #cancel()}. */
  Future<WordCountResult> run() {
    if (vertx.isClustered()) {
      knownNodes = new HashSet<>(NodeIdentity.liveNodeIds(vertx));
      nodeWatch = vertx.setPeriodic(NODE_WATCH_MS, t -> watchNodes());
    }
    if (tasks.isEmpty()) {
      reduceStart = System.nanoTime();
      completeIfReduced();
    } else {
      dispatch();
    }
    return outcome.future();
  }

  int done() {
    return done;
  }

  int total() {
    return tasks.size();
  }

  /** Failed attempts so far (each was retried or failed the job). */
  int retries() {
    return retries;
  }

  Map<String, Integer> tasksByNode() {
    return tasksByNode;
  }

  void cancel() {
    if (!finished) {
      finished = true;
      pending.clear();
      outcome.tryFail(new CancellationException("job " + id + " was cancelled"));
    }
  }

  private void dispatch() {
    while (!finished && failed.isEmpty() && inFlight < window && !pending.isEmpty()) {
      send(pending.poll());
    }
    if (!finished && inFlight == 0 && (pending.isEmpty() || !failed.isEmpty())) {
      if (failed.isEmpty()) {
        reduceStart = System.nanoTime();
        completeIfReduced();
      } else {
        finished = true;
        outcome.tryFail(new IllegalStateException(failed.entrySet().stream()
            .map(e -> "partition " + e.getKey() + " (" + e.getValue() + ")")
            .collect(Collectors.joining("; ", "job " + id + " failed: ", ""))));
      }
    }
  }

  /**
   * A node that left took its tasks with it, and which those were is unknown: every task in flight is re-sent (to
   * the workers still registered) in a new epoch. The old attempts' answers still count if they come first;
   * their failures and their places in the window no longer do.
   * <p>
   * Not at once, though. Hazelcast drops a member from the membership list before the event bus stops listing its
   * consumers (each member then removes the dead one's registrations, and the node selector learns of it from
   * throttled entry events), and a task the event bus sends to a dead node neither arrives nor fails: a refused
   * connection is not a reply failure, so the request waits for its whole timeout. So the re-send waits until the
   * registry lists no worker of a departed node (see {@link #resendWhenUnlisted()}); tasks dispatched meanwhile are
   * in flight too, and go again with the others.
   */
  private void watchNodes() {
    if (finished) {
      vertx.cancelTimer(nodeWatch);
      return;
    }
    Set<String> now = new HashSet<>(NodeIdentity.liveNodeIds(vertx));
    List<String> gone = knownNodes.stream().filter(n -> !now.contains(n)).sorted().toList();
    knownNodes = now;
    if (gone.isEmpty()) {
      return;
    }
    LOG.info("job {}: node(s) {} left the cluster; the task(s) in flight go again once the event bus no longer lists"
        + " their workers", id, gone);
    if (departed.isEmpty()) {
      departedAt = System.nanoTime();
    }
    departed.addAll(gone);
    if (!settling) {
      settling = true;
      resendWhenUnlisted();
    }
  }

  /**
   * Re-sends every task in flight once the cluster's registry lists no {@link JobAddresses#MAP} consumer of a
   * departed node, checked every {@link #REGISTRY_POLL_MS}, and one more poll later, for the node selector's
   * throttled update. After {@link #REGISTRY_WAIT_MS} it re-sends anyway (then only a task timeout frees a task the
   * event bus still sends to a dead node).
   */
  private void resendWhenUnlisted() {
    Promise<List<RegistrationInfo>> registrations = Promise.promise();
    ((VertxInternal) vertx).clusterManager().getRegistrations(JobAddresses.MAP, registrations);
    registrations.future().onComplete(ar -> {
      if (finished) {
        return;
      }
      boolean listed = ar.failed() || ar.result().stream().anyMatch(r -> departed.contains(r.nodeId()));
      long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - departedAt);
      if (listed && waitedMs < REGISTRY_WAIT_MS) {
        vertx.setTimer(REGISTRY_POLL_MS, t -> resendWhenUnlisted());
        return;
      }
      if (listed) {
        LOG.warn("job {}: the event bus still lists workers of {} after {} ms; re-sending anyway", id, departed,
            waitedMs);
      }
      Set<String> gone = new TreeSet<>(departed);
      departed.clear();
      vertx.setTimer(REGISTRY_POLL_MS, t -> {
        settling = false;
        if (!departed.isEmpty()) { // another node left meanwhile
          departedAt = System.nanoTime();
          settling = true;
          resendWhenUnlisted();
        } else {
          resendInFlight(gone, waitedMs);
        }
      });
    });
  }

  private void resendInFlight(Set<String> gone, long waitedMs) {
    if (finished || running.isEmpty()) {
      return;
    }
    LOG.info("job {}: {} unlisted after {} ms; re-sending the {} task(s) in flight", id, gone, waitedMs,
        running.size());
    epoch++;
    List<Integer> resend = new ArrayList<>(running);
    running.clear();
    inFlight = 0;
    for (int i = resend.size() - 1; i >= 0; i--) {
      pending.addFirst(resend.get(i));
    }
    retries += resend.size();
    dispatch();
  }

  private void send(int partition) {
    if (accepted[partition]) {
      return; // re-queued when a node left, then answered by its earlier attempt
    }
    int attempt = ++attempts[partition];
    int sentIn = epoch;
    running.add(partition);
    inFlight++;
    JsonObject task = tasks.get(partition).copy()
        .put("job", id).put("partition", partition).put("attempt", attempt).put("shards", shards);
    vertx.eventBus().<byte[]>request(JobAddresses.MAP, task, new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          if (finished) {
            return;
          }
          if (sentIn != epoch) { // abandoned when a node left: only a first answer matters
            if (ar.succeeded()) {
              accept(partition, ar.result());
              dispatch();
            }
            return;
          }
          inFlight--;
          running.remove(partition);
          if (ar.succeeded()) {
            accept(partition, ar.result());
          } else if (accepted[partition]) {
            LOG.debug("job {} partition {} attempt {} failed after the partition was done", id, partition, attempt);
          } else {
            String cause = describe(ar.cause());
            retries++;
            LOG.info("job {} partition {} attempt {} failed: {}", id, partition, attempt, cause);
            if (attempt < maxAttempts) {
              pending.addFirst(partition);
            } else {
              failed.put(partition, attempt + " attempts, last: " + cause);
            }
          }
          dispatch();
        });
  }

  private void accept(int partition, Message<byte[]> reply) {
    if (accepted[partition]) {
      return; // a late duplicate of a retried partition
    }
    accepted[partition] = true;
    byte[] output = reply.body();
    lines += MapOutput.lines(output);
    malformed += MapOutput.malformed(output);
    acceptedSpan += spans[partition];
    for (int s = 0; s < tables.length; s++) {
      entriesIn[s] += MapOutput.entries(output, s);
      bytesIn[s] += MapOutput.bytes(output, s);
      queued.get(s).add(output);
      merge(s);
    }
    done++;
    String node = reply.headers().get("node");
    tasksByNode.merge(node == null ? "?" : node, 1, Integer::sum);
    progress.incrementAndGet().onFailure(e -> LOG.warn("job {}: progress counter: {}", id, e.toString()));
    onPartitionDone.run();
  }

  /** Starts merging what is queued for shard {@code s} unless a merge of that shard is running. */
  private void merge(int s) {
    if (merging[s] || queued.get(s).isEmpty() || finished) {
      return;
    }
    merging[s] = true;
    List<byte[]> batch = new ArrayList<>(queued.get(s));
    queued.get(s).clear();
    ReduceStep step = new ReduceStep(tables[s], batch, s, projected(entriesIn[s], MAX_RESERVED_ENTRIES),
        projected(bytesIn[s], MAX_RESERVED_BYTES));
    vertx.eventBus().<Long>request(JobAddresses.REDUCE, step, LOCAL_MERGE).onComplete(ar -> {
      merging[s] = false;
      if (ar.succeeded()) {
        mergeNanos += ar.result().body();
      }
      if (ar.failed()) {
        if (!finished) {
          finished = true;
          outcome.tryFail(new IllegalStateException("job " + id + " failed in reduce: " + ar.cause()));
        }
        return;
      }
      merge(s);
      if (reduceStart != 0) {
        completeIfReduced();
      }
    });
  }

  /**
   * What a shard's table will likely hold at the end, from what the outputs accepted so far hold: a 1-gram file is
   * grouped by word, so a partition's words are mostly its own and a shard's words grow with the bytes read. Other
   * sources (feedback repeats its words in every partition) give 0: no reservation, the tables grow as needed.
   */
  private int projected(long soFar, int cap) {
    if (totalSpan == 0 || acceptedSpan == 0) {
      return 0;
    }
    return (int) Math.min(cap, (double) soFar * totalSpan / acceptedSpan);
  }

  /** After the last map output: completes the job once every shard's merges are done. */
  private void completeIfReduced() {
    if (finished) {
      return;
    }
    for (int s = 0; s < tables.length; s++) {
      if (merging[s] || !queued.get(s).isEmpty()) {
        return;
      }
    }
    finished = true;
    long end = System.nanoTime();
    outcome.tryComplete(new WordCountResult(tables, lines, malformed, tasks.size(),
        (end - startNanos) / 1e9, (end - reduceStart) / 1e9, mergeNanos / 1e9));
  }

  private static String describe(Throwable t) {
    if (t instanceof ReplyException) {
      ReplyException r = (ReplyException) t;
      switch (r.failureType()) {
        case TIMEOUT: return "timed out";
        case NO_HANDLERS: return "no worker available";
        default: return r.getMessage();
      }
    }
    return String.valueOf(t);
  }

}
