package dev.storefront.testing;

import dev.storefront.config.Settings;
import dev.storefront.http.ErrorHandler;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.function.Consumer;

/**
 * Routes served as a node serves them (the body limit of {@code http.maxBodyBytes}, the node's own
 * {@link ErrorHandler}) on 127.0.0.1 and a free port; and a small asynchronous Vert.x client for tests that run on
 * the event loop ({@link Http} is the blocking one).
 */
public final class TestHttp {

  /** A status, a body (the JSON one, or {@code {"text": ...}} for another content type) and the headers. */
  public record Response(int status, JsonObject body, MultiMap headers) {
  }

  private TestHttp() {
  }

  /** Serves a router with the routes {@code mount} adds; completes with the port. */
  public static Future<Integer> serve(Vertx vertx, Settings settings, Consumer<Router> mount) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(settings.integer("http.maxBodyBytes")));
    mount.accept(router);
    ErrorHandler.install(router);
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> s.actualPort());
  }

  /** One request on a new client; {@code body} and {@code authorization} may be null. */
  public static Future<Response> call(Vertx vertx, HttpMethod method, int port, String uri, String body, String authorization) {
    HttpClient client = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri);
    if (authorization != null) {
      options.putHeader("Authorization", authorization);
    }
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.putHeader("content-type", "application/json").send(Buffer.buffer(body)))
        .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), decode(method, uri, resp.statusCode(),
            resp.headers(), b), resp.headers())))
        .eventually(() -> client.close());
  }

  /**
   * The JSON body, or {@code {"text": ...}} for another content type; a body labelled JSON that does not decode comes
   * back as {@code {"undecodable": text}} (and is reported on stderr with the status and headers) so that the test's
   * own assertion fails with the answer in its message.
   */
  private static JsonObject decode(HttpMethod method, String uri, int status, MultiMap headers, Buffer body) {
    if (!String.valueOf(headers.get("content-type")).startsWith("application/json")) {
      return new JsonObject().put("text", body.toString());
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException e) {
      System.err.println("TestHttp: " + method + " " + uri + " answered " + status + " with a body labelled JSON that does not"
          + " decode (" + e.getMessage() + "): " + body.length() + " bytes '" + body + "', headers " + headers.entries());
      return new JsonObject().put("undecodable", body.toString());
    }
  }
}
