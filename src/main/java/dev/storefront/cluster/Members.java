package dev.storefront.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The cluster's members as Storefront sees them: each node publishes its card (name, pid, host, HTTP port,
 * event loops, start time) in the clustered map {@code storefront.members} under its cluster node id; readers
 * list the cards of the nodes the cluster manager currently knows, so a dead node's card disappears as soon as
 * Hazelcast declares it dead.
 */
public final class Members {

  public static final String MAP = "storefront.members";

  private Members() {
  }

  private static Future<AsyncMap<String, JsonObject>> map(Vertx vertx) {
    return vertx.sharedData().getAsyncMap(MAP);
  }

  public static Future<Void> publish(Vertx vertx, JsonObject card) {
    return map(vertx).compose(m -> m.put(NodeIdentity.clusterNodeId(vertx), card));
  }

  public static Future<Void> withdraw(Vertx vertx) {
    return map(vertx).compose(m -> m.remove(NodeIdentity.clusterNodeId(vertx))).mapEmpty();
  }

  /** Cards of the live members, sorted by name, each with its uptime. */
  public static Future<JsonArray> list(Vertx vertx) {
    List<String> ids = NodeIdentity.liveNodeIds(vertx);
    return map(vertx).compose(m -> {
      List<Future<JsonObject>> cards = new ArrayList<>();
      for (String id : ids) {
        cards.add(m.get(id).map(card -> card == null ? new JsonObject().put("nodeId", id).put("name", "(starting)") : card));
      }
      return Future.all(cards).map(all -> {
        long now = System.currentTimeMillis();
        List<JsonObject> list = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          JsonObject card = ((JsonObject) all.resultAt(i)).copy();
          Long started = card.getLong("startedAt");
          if (started != null) {
            card.put("uptimeSeconds", (now - started) / 1000);
          }
          list.add(card);
        }
        list.sort(Comparator.comparing(c -> c.getString("name", "")));
        return new JsonArray(new ArrayList<>(list));
      });
    });
  }
}
