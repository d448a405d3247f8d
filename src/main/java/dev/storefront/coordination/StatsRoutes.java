package dev.storefront.coordination;

import dev.storefront.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** {@code GET /stats}: requests served per node and cluster-wide, read from the clustered counters. */
public final class StatsRoutes {

  private StatsRoutes() {
  }

  public static void mount(Router router, Vertx vertx) {
    router.get("/stats").handler(Params.query()).handler(ctx -> read(vertx).onSuccess(ctx::json).onFailure(ctx::fail));
  }

  /** {@code {"total": n, "nodes": {"node-1": n, ...}}}; nodes that ever served are listed, by name. */
  public static Future<JsonObject> read(Vertx vertx) {
    CounterStore counters = ApCounters.of(vertx); // statistics stay AP in every coordination mode
    return vertx.sharedData().<String, JsonObject>getAsyncMap(StatsVerticle.NODES_MAP)
        .compose(AsyncMap::keys)
        .compose(names -> {
          List<String> sorted = new ArrayList<>(new TreeSet<>(names));
          List<Future<Long>> values = new ArrayList<>();
          sorted.forEach(n -> values.add(counters.get(StatsVerticle.nodeCounter(n))));
          Future<Long> total = counters.get(StatsVerticle.TOTAL);
          return Future.all(Future.all(values), total).map(all -> {
            JsonObject nodes = new JsonObject();
            for (int i = 0; i < sorted.size(); i++) {
              nodes.put(sorted.get(i), values.get(i).result());
            }
            return new JsonObject().put("total", total.result()).put("nodes", nodes);
          });
        });
  }
}
