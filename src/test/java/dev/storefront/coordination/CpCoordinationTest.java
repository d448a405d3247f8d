package dev.storefront.coordination;

import dev.storefront.testing.TestCluster;
import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Counters and locks of coordination mode cp on a real 3-member Hazelcast CP subsystem in this JVM. */
@ExtendWith(VertxExtension.class)
@DisplayName("Coordination mode cp: CP counters and leased CP locks")
class CpCoordinationTest {

  private static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    // exactness and exclusion here, not the bound (CpMinorityTest): room for a loaded 2-core build machine
    cluster = CpTesting.cpCluster("sf-cp-coord", 3, s -> s.with("coordination.cpTimeoutMs", 30_000));
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static LockService locks(int node) {
    return LockService.of(cluster.node(node));
  }

  @Test
  @DisplayName("the node's counters and locks are the cp ones")
  void modeIsCp() {
    assertTrue(CounterStore.of(cluster.node(0)) instanceof CpCounters);
    assertEquals("cp", locks(1).mode());
  }

  @Test
  @DisplayName("3 nodes each firing 400 concurrent increments make exactly 1200, each value handed out once")
  void countersExactUnderConcurrency(VertxTestContext ctx) {
    List<Future<Long>> all = new ArrayList<>();
    for (Vertx node : cluster.nodes) {
      CounterStore counters = CounterStore.of(node);
      for (int i = 0; i < 400; i++) {
        all.add(counters.incrementAndGet("cp-hits"));
      }
    }
    Future.all(all).compose(done -> CounterStore.of(cluster.node(2)).get("cp-hits")).onComplete(ctx.succeeding(total -> ctx.verify(() -> {
      assertEquals(1200, total);
      Set<Long> seen = new HashSet<>();
      all.forEach(f -> seen.add(f.result()));
      assertEquals(LongStream.rangeClosed(1, 1200).boxed().collect(Collectors.toSet()), seen);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("compare-and-set changes a counter only from the expected value; a negative delta subtracts")
  void compareAndSet(VertxTestContext ctx) {
    CounterStore a = CounterStore.of(cluster.node(0));
    CounterStore b = CounterStore.of(cluster.node(1));
    a.addAndGet("cp-cas", 5).compose(v -> b.compareAndSet("cp-cas", 4, 100)).compose(set -> {
      ctx.verify(() -> assertFalse(set));
      return b.compareAndSet("cp-cas", 5, 100);
    }).compose(set -> {
      ctx.verify(() -> assertTrue(set));
      return CounterStore.of(cluster.node(2)).addAndGet("cp-cas", -3);
    }).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(97, v);
      ctx.completeNow();
    })));
  }

  /** Records who is inside the critical section; an overlap or a token out of order is kept as a violation. */
  private static final class Checker {
    private final AtomicInteger inside = new AtomicInteger();
    private final List<Long> tokens = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    synchronized void enter(long token) {
      if (inside.incrementAndGet() != 1) {
        violations.add("overlap at token " + token);
      }
      if (!tokens.isEmpty() && tokens.get(tokens.size() - 1) >= token) {
        violations.add("token " + token + " entered after " + tokens.get(tokens.size() - 1));
      }
      tokens.add(token);
    }

    void exit() {
      inside.decrementAndGet();
    }
  }

  private static Future<Void> hop(Vertx vertx) {
    Promise<Void> p = Promise.promise();
    vertx.runOnContext(v -> p.complete());
    return p.future();
  }

  private static Future<Void> loop(int node, String name, int times, Checker checker) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      chain = chain.compose(v -> locks(node).acquire(name, 30_000).compose(lock -> {
        checker.enter(lock.token());
        return hop(cluster.node(node)).compose(x -> {
          checker.exit();
          return lock.release();
        });
      }));
    }
    return chain;
  }

  @Test
  @DisplayName("3 nodes with two loops each take one lock 300 times: never two holders, tokens strictly increasing")
  void mutualExclusion(VertxTestContext ctx) {
    Checker checker = new Checker();
    List<Future<Void>> loops = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      loops.add(loop(node, "cp-mutex", 50, checker));
      loops.add(loop(node, "cp-mutex", 50, checker));
    }
    Future.all(loops).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of(), checker.violations);
      assertEquals(300, checker.tokens.size());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a lock is released by token from any node; a stale token is a 409 that leaves the holder in place")
  void releaseByTokenAnywhere(VertxTestContext ctx) {
    locks(0).acquire("cp-stale", 1000).compose(first -> locks(1).release("cp-stale", first.token())
        .compose(v -> locks(2).release("cp-stale", first.token()).transform(ar -> {
          ctx.verify(() -> assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT), String.valueOf(ar.cause())));
          return locks(2).acquire("cp-stale", 1000);
        }))
        .compose(second -> {
          ctx.verify(() -> assertTrue(second.token() > first.token()));
          return locks(0).release("cp-stale", first.token()).transform(ar -> {
            ctx.verify(() -> assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT)));
            return locks(1).list();
          }).compose(list -> {
            ctx.verify(() -> {
              assertEquals(1, list.stream().filter(o -> ((io.vertx.core.json.JsonObject) o).getString("name").equals("cp-stale")
                  && ((io.vertx.core.json.JsonObject) o).getLong("token") == second.token()).count(), list.encode());
            });
            return second.release();
          });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("acquiring a held lock fails with 409 once the timeout has passed, not before")
  void timeout(VertxTestContext ctx) {
    locks(0).acquire("cp-busy", 1000).compose(held -> {
      long start = System.nanoTime();
      return locks(1).acquire("cp-busy", 300).transform(ar -> {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ctx.verify(() -> {
          assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT), String.valueOf(ar.cause()));
          assertTrue(waited >= 290, "waited only " + waited + " ms");
        });
        return held.release();
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("when its lease runs out a lock is free to another node, with a larger token, and the old token's release is a 409")
  void leaseExpiry(VertxTestContext ctx) {
    locks(0).acquire("cp-lease", 0, 400).compose(first -> {
      ctx.verify(() -> assertEquals(400, first.leaseExpiresAtMillis() - first.acquiredAtMillis()));
      long start = System.currentTimeMillis();
      // polls with a deadline: busy (409) until the lease ends, then acquired
      return CpTesting.until(cluster.node(1), () -> locks(1).acquire("cp-lease", 0).map(l -> l)
          .recover(err -> Failure.is(err, Failure.Kind.CONFLICT) ? Future.succeededFuture(null) : Future.failedFuture(err)),
          lock -> lock != null, 10_000).compose(second -> {
            long tookMs = System.currentTimeMillis() - start;
            ctx.verify(() -> {
              assertTrue(second.token() > first.token());
              assertTrue(tookMs >= 350, "free after " + tookMs + " ms, before the lease ended");
            });
            return first.release().transform(ar -> {
              ctx.verify(() -> assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT), String.valueOf(ar.cause())));
              return second.release();
            });
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a release after the lease ran out is a 409 even when nobody took the lock since")
  void releaseAfterLease(VertxTestContext ctx) {
    locks(2).acquire("cp-late", 0, 100).compose(held -> cluster.node(2).timer(150).compose(v -> held.release()))
        .onComplete(ar -> ctx.verify(() -> {
          assertTrue(Failure.is(ar.cause(), Failure.Kind.CONFLICT), String.valueOf(ar.cause()));
          assertTrue(ar.cause().getMessage().contains("lease"), ar.cause().getMessage());
          ctx.completeNow();
        }));
  }

  @Test
  @DisplayName("a lease above coordination.lockLeaseMaxMs is refused as invalid")
  void leaseTooLong() {
    Failure f = org.junit.jupiter.api.Assertions.assertThrows(Failure.class, () -> locks(0).acquire("cp-long", 0, 300_001));
    assertEquals(Failure.Kind.INVALID, f.kind());
  }
}
