package dev.storefront.jobs;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The job machinery's own event-bus codecs ({@link LocalCodec}, {@link MapOutputCodec}), registered by name once
 * per Vert.x instance: by the {@link JobService} on every node, or by a test.
 */
final class JobCodecs {

  private JobCodecs() {
  }

  static void register(EventBus bus) {
    bus.registerCodec(new LocalCodec());
    bus.registerCodec(new MapOutputCodec());
  }

  static void unregister(EventBus bus) {
    bus.unregisterCodec(LocalCodec.NAME);
    bus.unregisterCodec(MapOutputCodec.NAME);
  }

  /** A codec known by its name (no system codec id). */
  abstract static class Named<S, R> implements MessageCodec<S, R> {

    private final String name;

    Named(String name) {
      this.name = name;
    }

    @Override
    public final String name() {
      return name;
    }

    @Override
    public final byte systemCodecID() {
      return -1;
    }
  }
}
