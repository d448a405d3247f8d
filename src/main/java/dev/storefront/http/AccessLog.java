package dev.storefront.http;

import io.vertx.ext.web.RoutingContext;
import io.vertx.openapi.contract.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static net.logstash.logback.argument.StructuredArguments.v;

/**
 * {@code http.accessLog}: one line per request the router answers, to the logger {@value #LOGGER}: method, route
 * pattern (the contract's path template, such as {@code /products/{id}}; {@code -} for a path it does not describe),
 * status, duration in milliseconds and node. With {@code log.format=json} each is a field of its own.
 */
public final class AccessLog {

  public static final String LOGGER = "dev.storefront.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private final ApiContract contract;
  private final String node;

  public AccessLog(ApiContract contract, String node) {
    this.contract = contract;
    this.node = node;
  }

  /** Call first for each request: logs it when its response ends. */
  public void track(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> {
      Path route = contract.contract().findPath(ctx.request().path());
      LOG.info("{} {} {} {} ms {}", v("method", ctx.request().method().name()), v("route", route == null ? "-" : route.getName()),
          v("status", ctx.response().getStatusCode()), v("durationMs", Math.round((System.nanoTime() - start) / 1e4) / 100.0),
          v("node", node));
    });
  }
}
