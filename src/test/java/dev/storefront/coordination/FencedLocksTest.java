package dev.storefront.coordination;

import dev.storefront.testing.Await;
import dev.storefront.failure.Failure;
import dev.storefront.testing.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Fenced cluster-wide locks")
class FencedLocksTest {

  private static TestCluster cluster;
  private static ApLocks a;
  private static ApLocks b;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = TestCluster.start("sf-coord-locks", 2);
    for (int i = 0; i < 2; i++) {
      await(Coordination.deploy(cluster.node(i), cluster.settings, "locks-node-" + i));
    }
    a = ApLocks.of(cluster.node(0));
    b = ApLocks.of(cluster.node(1));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.close();
  }

  /** Records who is inside the critical section; any overlap or a token out of order is kept as a failure. */
  private static final class Checker {
    private final AtomicInteger inside = new AtomicInteger();
    private final List<Long> tokens = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();

    void enter(long token) {
      if (inside.incrementAndGet() != 1) {
        record("overlap at token " + token);
      }
      synchronized (tokens) {
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1) >= token) {
          record("token " + token + " entered after " + tokens.get(tokens.size() - 1));
        }
        tokens.add(token);
      }
    }

    void exit() {
      inside.decrementAndGet();
    }

    private void record(String v) {
      synchronized (violations) {
        violations.add(v);
      }
    }
  }

  private static Future<Void> hop(Vertx vertx) {
    Promise<Void> p = Promise.promise();
    vertx.runOnContext(v -> p.complete());
    return p.future();
  }

  private static Future<Void> loop(Vertx vertx, ApLocks locks, String name, int times, Checker checker) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      chain = chain.compose(v -> locks.acquire(name, 30_000).compose(lock -> {
        checker.enter(lock.token());
        return hop(vertx).compose(x -> {
          checker.exit();
          return lock.release();
        });
      }));
    }
    return chain;
  }

  @Test
  @DisplayName("two nodes with two loops each take one lock 2000 times: never two holders, tokens strictly increasing")
  void mutualExclusion(VertxTestContext ctx) {
    Checker checker = new Checker();
    int each = 500;
    List<Future<Void>> loops = List.of(
        loop(cluster.node(0), a, "mutex", each, checker), loop(cluster.node(0), a, "mutex", each, checker),
        loop(cluster.node(1), b, "mutex", each, checker), loop(cluster.node(1), b, "mutex", each, checker));
    Future.all(loops).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertEquals(List.of(), checker.violations);
      assertEquals(4 * each, checker.tokens.size());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("{a,b} on one node and {b,a} on the other, 40 times each, concurrently: both always finish")
  void noDeadlockWithOppositeOrders(VertxTestContext ctx) {
    Future<Void> ab = Future.succeededFuture();
    Future<Void> ba = Future.succeededFuture();
    for (int i = 0; i < 40; i++) {
      ab = ab.compose(v -> a.acquireAll(List.of("dl-a", "dl-b"), 20_000)
          .compose(held -> hop(cluster.node(0)).compose(x -> releaseAll(held))));
      ba = ba.compose(v -> b.acquireAll(List.of("dl-b", "dl-a"), 20_000)
          .compose(held -> hop(cluster.node(1)).compose(x -> releaseAll(held))));
    }
    Future.all(ab, ba).onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> releaseAll(List<FencedLock> held) {
    List<Future<Void>> all = new ArrayList<>();
    held.forEach(l -> all.add(l.release()));
    return Future.all(all).mapEmpty();
  }

  @Test
  @DisplayName("a stale token is refused with 409 and leaves the current holder's lock in place")
  void staleTokenRefused(VertxTestContext ctx) {
    a.acquire("stale", 1000).compose(first -> first.release().compose(v -> first.release().transform(ar -> {
      ctx.verify(() -> assertConflict(ar.cause()));
      return a.acquire("stale", 1000);
    })).compose(second -> {
      ctx.verify(() -> assertTrue(second.token() > first.token()));
      return b.release("stale", first.token()).transform(ar -> {
        ctx.verify(() -> assertConflict(ar.cause()));
        return b.acquire("stale", 0);
      }).transform(ar -> {
        ctx.verify(() -> assertConflict(ar.cause()));
        return second.release();
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("a release asked of another node is forwarded to the holder, and the lock is free afterwards")
  void releaseForwardedToHolder(VertxTestContext ctx) {
    a.acquire("fwd", 1000).compose(held -> b.list().compose(list -> {
      ctx.verify(() -> {
        JsonObject entry = find(list, "fwd");
        assertEquals(held.token(), entry.getLong("token"));
        assertEquals(a.nodeId(), entry.getString("nodeId"));
        assertEquals(ProcessHandle.current().pid(), entry.getLong("pid"));
      });
      return b.release("fwd", held.token());
    }).compose(v -> b.acquire("fwd", 1000)).compose(next -> {
      ctx.verify(() -> assertTrue(next.token() > held.token()));
      return next.release();
    })).compose(v -> a.list()).onComplete(ctx.succeeding(list -> ctx.verify(() -> {
      assertEquals(null, find(list, "fwd"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("acquiring a lock held elsewhere fails with 409 once the timeout has passed, not before")
  void timeout(VertxTestContext ctx) {
    a.acquire("busy", 1000).compose(held -> {
      long start = System.nanoTime();
      return b.acquire("busy", 300).transform(ar -> {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ctx.verify(() -> {
          assertConflict(ar.cause());
          assertTrue(waited >= 290, "waited only " + waited + " ms");
        });
        return held.release();
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @DisplayName("acquireAll that cannot get every lock releases the ones it took")
  void acquireAllReleasesOnFailure(VertxTestContext ctx) {
    b.acquire("part-2", 1000).compose(blocker -> a.acquireAll(List.of("part-2", "part-1"), 300).transform(ar -> {
      ctx.verify(() -> assertConflict(ar.cause()));
      return b.acquire("part-1", 0);
    }).compose(l1 -> l1.release()).compose(v -> blocker.release())).onComplete(ctx.succeedingThenComplete());
  }

  private static JsonObject find(JsonArray list, String name) {
    for (int i = 0; i < list.size(); i++) {
      if (list.getJsonObject(i).getString("name").equals(name)) {
        return list.getJsonObject(i);
      }
    }
    return null;
  }

  private static void assertConflict(Throwable err) {
    assertTrue(err instanceof Failure, "expected a Failure, got " + err);
    assertEquals(Failure.Kind.CONFLICT, ((Failure) err).kind(), err.getMessage());
  }
}
