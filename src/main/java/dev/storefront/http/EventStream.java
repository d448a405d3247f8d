package dev.storefront.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * A server-sent event stream answering one request: it holds one of the node's stream slots instead of a request
 * slot ({@link InFlightLimit#openStream}), sends the event-stream headers, and runs its close actions once, whether
 * the client goes away, the connection fails, the route {@link #end ends} it, or the node drains (a draining node
 * ends its streams at once instead of holding its shutdown for {@code node.drainTimeoutMs}; clients reconnect).
 */
public final class EventStream {

  private final HttpServerResponse response;
  private final List<Runnable> onClose = new ArrayList<>();
  private boolean closed;

  private EventStream(HttpServerResponse response) {
    this.response = response;
  }

  /** Opens the stream on {@code ctx}'s response; throws a 503 {@code overloaded} when the node's stream slots are taken. */
  public static EventStream open(RoutingContext ctx) {
    InFlightLimit.openStream(ctx);
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache")
        .putHeader("x-accel-buffering", "no");
    EventStream stream = new EventStream(response);
    response.closeHandler(v -> stream.close());
    response.exceptionHandler(e -> stream.close());
    ctx.request().connection().shutdownHandler(v -> stream.end());
    return stream;
  }

  /** Runs {@code action} once when the stream ends or closes (unregister consumers, cancel timers). */
  public EventStream onClose(Runnable action) {
    onClose.add(action);
    return this;
  }

  public boolean isOpen() {
    return !closed && !response.closed() && !response.ended();
  }

  /** Whether the client reads slower than the stream writes (its write queue is full). */
  public boolean lagging() {
    return response.writeQueueFull();
  }

  /** Sends {@code event: name} with {@code data} as JSON, if the stream is still open. */
  public void event(String name, JsonObject data) {
    write("event: " + name + "\ndata: " + data.encode() + "\n\n");
  }

  /** Sends raw stream text (a comment line, a {@code retry:} field), if the stream is still open. */
  public void write(String text) {
    if (isOpen()) {
      response.write(text);
    }
  }

  /** Runs the close actions and ends the response. */
  public void end() {
    close();
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  private void close() {
    if (!closed) {
      closed = true;
      onClose.forEach(Runnable::run);
    }
  }
}
