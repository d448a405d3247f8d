package dev.storefront.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries a {@link MapOutput} (a {@code byte[]} nobody modifies once encoded) from a worker to its job's
 * coordinator. Within a process the array itself is handed over; Vert.x's own {@code Buffer} and {@code byte[]}
 * codecs copy it there, and wrapping and unwrapping a {@code Buffer} copied it twice more: four copies of every
 * output, each over a megabyte and so allocated straight in the old generation, on a 40M-line job about 45 MB of
 * old-generation garbage. Between processes it is one length-prefixed copy. Registered by name, once per Vert.x
 * instance, by the {@link JobService}: every node of a cluster has it.
 */
final class MapOutputCodec implements MessageCodec<byte[], byte[]> {

  static final String NAME = "storefront-map-output";

  MapOutputCodec() {
  }

  static void register(EventBus bus) {
    bus.registerCodec(new MapOutputCodec());
  }

  static void unregister(EventBus bus) {
    bus.unregisterCodec(NAME);
  }

  /** Delivery options for a map task's reply; a copy each time, since options are mutable. */
  static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  @Override
  public void encodeToWire(Buffer buffer, byte[] output) {
    buffer.appendInt(output.length).appendBytes(output);
  }

  @Override
  public byte[] decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return buffer.getBytes(pos + 4, pos + 4 + length);
  }

  @Override
  public byte[] transform(byte[] output) {
    return output;
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
