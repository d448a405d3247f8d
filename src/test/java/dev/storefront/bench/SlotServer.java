package dev.storefront.bench;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;

/**
 * A test server of known capacity: {@code slots} requests at a time, each taking {@code serviceMs}, in FIFO order
 * ({@code slots * 1000 / serviceMs} req/s). Service times are kept on the clock (each slot's next request ends
 * {@code serviceMs} after its last one was due to end), so timers firing late on a busy machine do not lower it.
 */
final class SlotServer implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final long[] freeAt;
  private final long serviceNs;

  SlotServer(Vertx vertx, int slots, long serviceMs) {
    this.vertx = vertx;
    this.freeAt = new long[slots];
    this.serviceNs = serviceMs * 1_000_000L;
  }

  @Override
  public void handle(HttpServerRequest req) {
    long now = System.nanoTime();
    int slot = 0;
    for (int i = 1; i < freeAt.length; i++) {
      if (freeAt[i] < freeAt[slot]) {
        slot = i;
      }
    }
    long done = Math.max(now, freeAt[slot]) + serviceNs;
    freeAt[slot] = done;
    vertx.setTimer(Math.max(1, (done - now) / 1_000_000L), t -> req.response().end("{\"ok\":true}"));
  }
}
