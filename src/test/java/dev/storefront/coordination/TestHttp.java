package dev.storefront.coordination;

import dev.storefront.http.ErrorHandler;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.function.Consumer;

/** A router like the node's (BodyHandler, the node's own {@link ErrorHandler}) on a free port, and a small client. */
final class TestHttp {

  record Response(int status, JsonObject body, MultiMap headers) {
  }

  private TestHttp() {
  }

  /** Serves a router with the given routes mounted; returns the port. */
  static Future<Integer> serve(Vertx vertx, Consumer<Router> mount) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(65536));
    mount.accept(router);
    ErrorHandler.install(router);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> s.actualPort());
  }

  static Future<Response> call(Vertx vertx, HttpMethod method, int port, String uri, String body, String authorization) {
    HttpClient client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("content-type", "application/json").send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(),
            String.valueOf(resp.getHeader("content-type")).startsWith("application/json")
                ? new JsonObject(b) : new JsonObject().put("text", b.toString()), resp.headers())))
        .eventually(() -> client.close());
  }
}
