package dev.storefront.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Hands an object to a consumer in the same process as is (a {@link ReduceStep} holding the coordinator's tables,
 * a queued message given to a worker) and refuses the wire: sending one of these to another process is a misuse.
 * Registered by name ({@link JobCodecs}).
 */
final class LocalCodec extends JobCodecs.Named<Object, Object> {

  static final String NAME = "storefront-local";

  LocalCodec() {
    super(NAME);
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
}
