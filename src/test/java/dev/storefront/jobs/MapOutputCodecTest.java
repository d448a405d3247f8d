package dev.storefront.jobs;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class MapOutputCodecTest {

  private static byte[] output() {
    WordCounts counts = new WordCounts(4);
    counts.add("Aardvark", 7);
    counts.add("aardvark", 2);
    counts.add("épée", 3);
    return MapOutput.encode(counts, 3, 1, 4);
  }

  @Test
  @DisplayName("across processes an output travels as a length-prefixed copy, found at any position of the frame")
  void wire() {
    byte[] out = output();
    Buffer frame = Buffer.buffer("header");
    int pos = frame.length();
    MapOutputCodec codec = new MapOutputCodec();
    codec.encodeToWire(frame, out);
    frame.appendString("trailer");
    byte[] decoded = codec.decodeFromWire(pos, frame);
    assertArrayEquals(out, decoded);
    assertEquals(3, MapOutput.lines(decoded));
  }

  @Test
  @DisplayName("within a process the reply is the worker's own array: no copy on the way to the coordinator")
  void localHandOver() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JobCodecs.register(vertx.eventBus());
      byte[] out = output();
      vertx.eventBus().<Object>consumer("map-test", m -> m.reply(out, MapOutputCodec.options()));
      Message<byte[]> reply = await(vertx.eventBus().<byte[]>request("map-test", "task"));
      assertSame(out, reply.body());
    } finally {
      await(vertx.close());
    }
  }
}
