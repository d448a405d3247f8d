package dev.storefront.coordination;

import dev.storefront.failure.Failure;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Serves, on this node's {@link ApLocks.address(String)}, the releases other nodes forward for locks this
 * node holds; releases every lock the node still holds when it stops. One per node.
 */
public final class LockHolderVerticle extends VerticleBase {

  private MessageConsumer<JsonObject> consumer;

  @Override
  public Future<?> start() {
    ApLocks locks = ApLocks.of(vertx);
    consumer = vertx.eventBus().consumer(ApLocks.address(locks.nodeId()), msg -> {
      JsonObject body = msg.body();
      locks.releaseLocal(body.getString("name"), body.getLong("token"))
          .onSuccess(v -> msg.reply(new JsonObject().put("released", true)))
          .onFailure(err -> msg.fail(err instanceof Failure ? ((Failure) err).kind().code() : 0, err.getMessage()));
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return ApLocks.of(vertx).releaseAllLocal();
  }
}
