package dev.storefront.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of a {@code bench http} run: its own {@link LoadConnection}s (one request in flight on
 * each), its share of the offered load, its own {@link PhaseStats}. Everything runs on the verticle's event loop,
 * so no state is shared or locked. Closed loop: a connection sends its next request when the last one answered.
 * Open model: a 1 ms tick releases the requests whose intended time has come; a request finding every connection
 * busy waits in a FIFO queue, and its latency counts from its intended time (no coordinated omission).
 */
final class LoadWorker extends VerticleBase implements LoadConnection.Owner {

  private static final long TICK_MS = 1;

  private final LoadConfig config;
  private final int connectionCount;
  private final RequestMix mix;
  private final long timeoutNs;
  private final long lateNs;
  private final List<LoadConnection> connections = new ArrayList<>();
  private final ArrayDeque<LoadConnection> idle = new ArrayDeque<>();
  private final LongQueue queue = new LongQueue();

  private NetClient client;
  private long sweepId = -1;
  private PhaseStats stats;
  private RateSchedule schedule;
  private boolean started;
  private boolean finished;
  private long t0;
  private long end = Long.MAX_VALUE;
  private long hardDeadline;
  private long toGenerate;
  private long generated;
  private int busy;
  private long timerId = -1;
  private int phase;
  private Promise<PhaseStats> done;

  LoadWorker(LoadConfig config, int connections, long seed) {
    this.config = config;
    this.connectionCount = connections;
    this.mix = new RequestMix(config.requests(), new SplittableRandom(seed));
    this.timeoutNs = config.timeout().toNanos();
    this.lateNs = config.lateAfter().toNanos();
  }

  /** Opens the connections (failures are retried, and counted once a phase runs). */
  @Override
  public Future<?> start() {
    long timeoutMs = config.timeout().toMillis();
    client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs)));
    // requests without a byte of answer for the timeout fail; swept a tenth of the timeout apart (1 to 100 ms)
    sweepId = vertx.setPeriodic(Math.max(1, Math.min(100, timeoutMs / 10)), id -> {
      long now = System.nanoTime();
      for (LoadConnection c : connections) {
        c.expire(now);
      }
    });
    List<Future<Void>> connects = new ArrayList<>(connectionCount);
    for (int i = 0; i < connectionCount; i++) {
      LoadConnection c = new LoadConnection(vertx, client, config.host(), config.port(), timeoutMs, this);
      connections.add(c);
      Promise<Void> first = Promise.promise();
      c.connect(first);
      connects.add(first.future());
    }
    return Future.join(connects);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepId);
    return client == null ? Future.succeededFuture() : client.close();
  }

  /**
   * Runs one phase from {@code t0} (a {@link System#nanoTime()} shared by all workers, possibly a little ahead: the
   * phase then starts on a timer) for {@code durationNs}, at {@code schedule} (this worker's share; null for a
   * closed loop); completes with its figures when drained. Connections stay open between phases.
   */
  Future<PhaseStats> begin(String name, RateSchedule schedule, long durationNs, long t0, long startEpochMs) {
    Promise<PhaseStats> promise = Promise.promise();
    context.runOnContext(v -> {
      long waitMs = TimeUnit.NANOSECONDS.toMillis(t0 - System.nanoTime());
      if (waitMs >= 1) {
        vertx.setTimer(waitMs, t -> run(name, schedule, durationNs, t0, startEpochMs, promise));
      } else {
        run(name, schedule, durationNs, t0, startEpochMs, promise);
      }
    });
    return promise.future();
  }

  private void run(String name, RateSchedule schedule, long durationNs, long t0, long startEpochMs,
                   Promise<PhaseStats> promise) {
    done = promise;
    phase++;
    stats = new PhaseStats(name, durationNs, startEpochMs);
    if (config.requests().named()) {
      stats.declare(config.requests().names());
    }
    this.schedule = schedule;
    this.t0 = t0;
    end = t0 + durationNs;
    hardDeadline = end + timeoutNs + TimeUnit.SECONDS.toNanos(1);
    generated = 0;
    queue.clear();
    idle.clear();
    busy = 0;
    finished = false;
    started = true;
    for (LoadConnection c : connections) {
      c.parked = false;
      if (c.busy) { // still waiting for an answer from the last phase, past its deadline: start afresh
        c.busy = false;
        c.drop();
      }
    }
    if (schedule != null) {
      toGenerate = schedule.count();
      timerId = vertx.setPeriodic(TICK_MS, id -> tick());
    } else {
      timerId = vertx.setPeriodic(10, id -> checkDone(System.nanoTime()));
    }
    for (LoadConnection c : connections) {
      if (c.open()) {
        resume(c);
      } else {
        c.connect(null);
      }
    }
  }

  @Override
  public boolean stopped() {
    return finished;
  }

  @Override
  public void connected(LoadConnection c) {
    resume(c);
  }

  @Override
  public void connectFailed(LoadConnection c) {
    long now = System.nanoTime();
    if (started && !finished && now < end) {
      stats.connectFailed(now - t0);
    }
  }

  @Override
  public void lost(LoadConnection c) {
    if (c.parked) {
      c.parked = false;
      idle.remove(c);
    }
    if (!finished) {
      c.connect(null);
    }
  }

  @Override
  public void answered(LoadConnection c, LoadConnection.Outcome o) {
    if (finished || o.phase() != phase) {
      return;
    }
    busy--; // the connection marked itself idle before reporting
    long now = System.nanoTime();
    String name = o.request().name();
    if (o.succeeded()) {
      stats.response(o.intendedNs() - t0, now - t0, o.status(), name);
      if (o.status() < 400) {
        mix.answered(o.request(), o.body());
      }
    } else {
      stats.failure(o.intendedNs() - t0, now - t0, ErrorKind.ofFailure(o.failure()), name);
    }
    if (c.open()) {
      resume(c);
    } else {
      c.connect(null); // closed by either side while this request was in flight
    }
    checkDone(now);
  }

  private void send(LoadConnection c, long intended) {
    if (schedule != null) {
      stats.sent(intended - t0, System.nanoTime() - intended, lateNs);
    }
    busy++;
    c.send(mix.next(), intended, phase);
  }

  /** Gives an idle, connected connection its next request (or parks it). */
  private void resume(LoadConnection c) {
    if (!started || finished || !c.open() || c.busy) {
      return;
    }
    long now = System.nanoTime();
    if (schedule == null) {
      if (now < end) {
        send(c, now);
      }
      return;
    }
    expireQueued(now);
    if (!queue.isEmpty()) {
      send(c, queue.poll());
    } else if (!c.parked) {
      c.parked = true;
      idle.add(c);
    }
  }

  /** Open model: releases the requests whose intended time has come. */
  private void tick() {
    long now = System.nanoTime();
    long due = schedule.dueAt(now - t0);
    while (generated < due) {
      long intended = t0 + schedule.offsetOf(generated);
      generated++;
      LoadConnection c = idle.poll();
      if (c != null) {
        c.parked = false;
        send(c, intended);
      } else {
        queue.add(intended);
        stats.waited(intended - t0);
      }
    }
    expireQueued(now);
    checkDone(now);
  }

  /** Queued requests that waited longer than the timeout are dropped: timeouts without ever being sent. */
  private void expireQueued(long now) {
    while (!queue.isEmpty() && now - queue.peek() > timeoutNs) {
      stats.dropped(queue.poll() - t0);
    }
  }

  private void checkDone(long now) {
    if (finished || !started) {
      return;
    }
    boolean quiet = busy == 0 && (schedule == null || (generated >= toGenerate && queue.isEmpty()));
    if ((now >= end && quiet) || now >= hardDeadline) {
      finish();
    }
  }

  private void finish() {
    finished = true;
    vertx.cancelTimer(timerId);
    for (LoadConnection c : connections) {
      if (c.busy) {
        stats.abandoned(c.intendedNs - t0, c.inFlight == null ? null : c.inFlight.name());
      }
    }
    while (!queue.isEmpty()) {
      stats.dropped(queue.poll() - t0);
    }
    done.complete(stats);
  }
}
