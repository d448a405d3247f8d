package dev.storefront.node;

import dev.storefront.cluster.NodeIdentity;
import dev.storefront.cluster.Members;
import dev.storefront.http.Params;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code GET /cluster}: the members as seen from the node that answers. */
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
  }

}
