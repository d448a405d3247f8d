package dev.storefront.jobs;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Carries a {@link MapOutput} (a {@code byte[]} nobody modifies once encoded) from a worker to its job's
 * coordinator. Within a process the array itself is handed over; Vert.x's own {@code Buffer} and {@code byte[]}
 * codecs would copy it there, and wrapping and unwrapping a {@code Buffer} twice more: four copies of every
 * output, each over a megabyte. Between processes it is one length-prefixed copy. Registered by name ({@link JobCodecs})
 * on every node of a cluster.
 */
final class MapOutputCodec extends JobCodecs.Named<byte[], byte[]> {

  static final String NAME = "storefront-map-output";

  MapOutputCodec() {
    super(NAME);
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
}
