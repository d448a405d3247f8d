package dev.storefront.coordination;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.cp.CPSubsystem;
import com.hazelcast.cp.IAtomicLong;
import com.hazelcast.cp.IAtomicReference;
import dev.storefront.cluster.NodeLocal;
import dev.storefront.config.Settings;
import dev.storefront.config.SettingsException;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The node's way into Hazelcast's CP subsystem (coordination mode {@code cp}), one per Vert.x: CP proxies by
 * name, and {@link #call} that turns a CP operation's {@link CompletionStage} into a Vert.x {@link Future}
 * completed on the caller's context.
 *
 * <p>Without a CP majority Hazelcast neither fails nor answers: it retries the operation for about two minutes
 * (250 invocation retries; measured 119 s on 5.3.8). So every call is bounded by {@code coordination.cpTimeoutMs}
 * and then fails with a 503 {@link Failure}; the operation may still take effect later if a majority returns
 * while Hazelcast is retrying, which the message says. At most {@value #MAX_IN_FLIGHT} operations may be pending
 * per node (those Hazelcast still retries count), so a cut-off node refuses at once instead of piling up.
 *
 * <p>Getting a proxy can block (the first use of a CP group asks the METADATA group, and waits like any CP
 * operation without a majority), so proxies are made on a small pool of their own threads, never on an event loop.
 */
final class CpAccess {

  static final int MAX_IN_FLIGHT = 1024;
  private static final int MAX_CACHED = 4096;

  private final VertxInternal vertx;
  private final CPSubsystem cp;
  private final long timeoutMs;
  private final int retryAfterSeconds;
  private final ThreadPoolExecutor proxyMaker;
  private final Proxies<IAtomicLong> longs = new Proxies<>();
  private final Proxies<IAtomicReference<String>> references = new Proxies<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  private CpAccess(Vertx vertx, long timeoutMs) {
    this.vertx = (VertxInternal) vertx;
    if (!this.vertx.isClustered() || !(this.vertx.clusterManager() instanceof HazelcastClusterManager)) {
      throw new SettingsException("coordination.mode", "cp needs a node clustered with Hazelcast (start it with --cluster)");
    }
    HazelcastInstance hz = ((HazelcastClusterManager) this.vertx.clusterManager()).getHazelcastInstance();
    if (hz.getConfig().getCPSubsystemConfig().getCPMemberCount() == 0) {
      throw new SettingsException("coordination.mode", "cp, but this node's Hazelcast has no CP subsystem (cp-member-count 0)");
    }
    this.cp = hz.getCPSubsystem();
    this.timeoutMs = timeoutMs;
    this.retryAfterSeconds = (int) Math.max(1, (timeoutMs + 999) / 1000);
    AtomicInteger threads = new AtomicInteger();
    this.proxyMaker = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
      Thread t = new Thread(r, "storefront-cp-proxy-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.proxyMaker.allowCoreThreadTimeOut(true);
  }

  static CpAccess of(Vertx vertx, Settings settings) {
    return NodeLocal.get(vertx, CpAccess.class, () -> new CpAccess(vertx, settings.longValue("coordination.cpTimeoutMs")));
  }

  long timeoutMs() {
    return timeoutMs;
  }

  CPSubsystem subsystem() {
    return cp;
  }

  Future<IAtomicLong> atomicLong(String name) {
    return proxy(longs, name, cp::getAtomicLong);
  }

  Future<IAtomicReference<String>> reference(String name) {
    return proxy(references, name, cp::<String>getAtomicReference);
  }

  /** Runs {@code operation} (one CP call), bounded by {@code coordination.cpTimeoutMs}; completes on the caller's context. */
  <T> Future<T> call(String what, Supplier<? extends CompletionStage<T>> operation) {
    ContextInternal context = vertx.getOrCreateContext();
    PromiseInternal<T> promise = context.promise();
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      promise.fail(Failure.unavailable("CP subsystem: " + MAX_IN_FLIGHT + " operations already pending on this node"
          + " (no CP majority reachable?); " + what + " refused", retryAfterSeconds));
      return promise.future();
    }
    CompletionStage<T> stage;
    try {
      stage = operation.get();
    } catch (RuntimeException e) {
      inFlight.decrementAndGet();
      promise.fail(unavailable(what, e));
      return promise.future();
    }
    long timer = vertx.setTimer(timeoutMs, id -> promise.tryFail(Failure.unavailable("CP subsystem: no majority answered "
        + what + " within " + timeoutMs + " ms (coordination.cpTimeoutMs); it may still take effect if the majority"
        + " comes back while Hazelcast retries it", retryAfterSeconds)));
    stage.whenComplete((value, err) -> {
      inFlight.decrementAndGet();
      vertx.cancelTimer(timer);
      if (err != null) {
        promise.tryFail(unavailable(what, err));
      } else {
        promise.tryComplete(value);
      }
    });
    return promise.future();
  }

  /**
   * The proxy of {@code name}, opened once on {@link #proxyMaker} however many callers ask meanwhile; each caller
   * waits for it through its own {@link #call} (its own context and bound). Opened proxies are kept.
   */
  private <P> Future<P> proxy(Proxies<P> proxies, String name, Function<String, P> make) {
    P open = proxies.open.get(name);
    if (open != null) {
      return Future.succeededFuture(open);
    }
    CompletableFuture<P> mine = new CompletableFuture<>();
    CompletableFuture<P> pending = proxies.opening.putIfAbsent(name, mine);
    if (pending == null) {
      pending = mine;
      try {
        proxyMaker.execute(() -> {
          try {
            mine.complete(make.apply(name));
          } catch (RuntimeException e) {
            mine.completeExceptionally(e);
          }
        });
      } catch (RejectedExecutionException e) {
        mine.completeExceptionally(new IllegalStateException("too many CP proxies being opened on this node"));
      }
      mine.whenComplete((proxy, err) -> {
        proxies.opening.remove(name, mine);
        if (proxy != null) {
          if (proxies.open.size() >= MAX_CACHED) {
            proxies.open.clear(); // proxies are cheap handles; Hazelcast keeps the objects
          }
          proxies.open.put(name, proxy);
        }
      });
    }
    CompletableFuture<P> shared = pending;
    return call("opening " + name, () -> shared);
  }

  /** Opened proxies of one kind, and those being opened. */
  private static final class Proxies<P> {
    final ConcurrentMap<String, P> open = new ConcurrentHashMap<>();
    final ConcurrentMap<String, CompletableFuture<P>> opening = new ConcurrentHashMap<>();
  }

  /** Every failure of a CP call is the CP subsystem not answering: a 503 naming the cause. */
  private Failure unavailable(String what, Throwable err) {
    Throwable cause = err;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof Failure) {
      return (Failure) cause;
    }
    return Failure.unavailable("CP subsystem could not serve " + what + ": " + cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), retryAfterSeconds);
  }
}
