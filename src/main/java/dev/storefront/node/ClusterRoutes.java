package dev.storefront.node;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.Members;
import dev.storefront.http.Params;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.net.URI;

/**
 * {@code GET /cluster}: the members as seen from the node that answers, each with its {@code managementUrl}.
 * {@code GET /cluster/targets}: the same members' management ports in the format of Prometheus's HTTP service
 * discovery ({@code http_sd_configs}), so that one URL on the shared port finds every node to scrape.
 */
public final class ClusterRoutes {

  private ClusterRoutes() {
  }

  public static void mount(Router router, Vertx vertx) {
    router.get("/cluster").handler(Params.query()).handler(ctx -> Members.list(vertx)
        .onSuccess(members -> ctx.json(new JsonObject()
            .put("answeredBy", NodeIdentity.name())
            .put("size", members.size())
            .put("members", members)))
        .onFailure(ctx::fail));
    router.get("/cluster/targets").handler(ctx -> Members.list(vertx)
        .onSuccess(members -> ctx.json(targets(members)))
        .onFailure(ctx::fail));
  }

  /**
   * {@code [{"targets": ["127.0.0.1:9101"], "labels": {"__meta_storefront_node": "node-1"}}, ...]}, one group per
   * member with a management URL. The node's name comes as a meta label only: every sample already carries
   * {@code node}, and a target label of that name would turn the scraped one into {@code exported_node}.
   */
  static JsonArray targets(JsonArray members) {
    JsonArray groups = new JsonArray();
    for (int i = 0; i < members.size(); i++) {
      JsonObject card = members.getJsonObject(i);
      String url = card.getString("managementUrl");
      if (url == null) {
        continue;
      }
      URI uri = URI.create(url);
      groups.add(new JsonObject()
          .put("targets", new JsonArray().add(uri.getHost() + ":" + uri.getPort()))
          .put("labels", new JsonObject()
              .put("__meta_storefront_node", card.getString("name", ""))
              .put("__meta_storefront_pid", String.valueOf(card.getValue("pid", "")))));
    }
    return groups;
  }
}
