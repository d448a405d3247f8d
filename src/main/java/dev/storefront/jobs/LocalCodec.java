package dev.storefront.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Hands an object to a consumer in the same process as is (a {@link ReduceStep} holding the coordinator's tables,
 * a queued message given to a worker) and refuses the wire: sending one of these to another process is a misuse.
 * Registered by name, once per Vert.x instance, by the {@link JobService}.
 */
final class LocalCodec implements MessageCodec<Object, Object> {

  static final String NAME = "storefront-local";

  private LocalCodec() {
  }

  static void register(EventBus bus) {
    bus.registerCodec(new LocalCodec());
  }

  static void unregister(EventBus bus) {
    bus.unregisterCodec(NAME);
  }

  /** Delivery options for local hand-overs; a copy each time, since options are mutable. */
  static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new IllegalStateException("a " + o.getClass().getSimpleName() + " stays in its process");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("local-only messages never come from the wire");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
