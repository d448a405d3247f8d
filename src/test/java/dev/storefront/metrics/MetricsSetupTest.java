package dev.storefront.metrics;

import dev.storefront.config.Settings;
import dev.storefront.failure.Failure;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsSetupTest {

  private static Vertx build(boolean enabled, String node) {
    MetricsSetup setup = MetricsSetup.of(Settings.defaults().with("metrics.enabled", enabled), node);
    return setup.attach(setup.builder(new VertxOptions().setEventLoopPoolSize(1)).build());
  }

  private static void close(Vertx vertx) throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("two Vert.x instances in one JVM each get a registry of their own, tagged with their node; closing one leaves the other")
  void registryPerInstance() throws Exception {
    Vertx a = build(true, "a");
    Vertx b = build(true, "b");
    try {
      MeterRegistry ra = Metrics.of(a).registry();
      MeterRegistry rb = Metrics.of(b).registry();
      assertNotNull(ra);
      assertNotSame(ra, rb);
      Metrics.of(a).increment("storefront.test");
      assertEquals(1, ra.get("storefront.test").tag("node", "a").counter().count(), 0.0);
      assertNull(rb.find("storefront.test").counter());
      close(a);
      Metrics.of(b).increment("storefront.test");
      assertEquals(1, rb.get("storefront.test").tag("node", "b").counter().count(), 0.0);
    } finally {
      close(b);
    }
  }

  @Test
  @DisplayName("event-bus addresses ending in a number or a UUID become one series each (<id>), other addresses stay")
  void addressIdsFolded() throws Exception {
    Vertx vertx = build(true, "n");
    try {
      vertx.eventBus().consumer("storefront.jobs.events.17", m -> { });
      vertx.eventBus().consumer("storefront.jobs.events.18", m -> { });
      vertx.eventBus().consumer("storefront.locks." + UUID.randomUUID(), m -> { });
      vertx.eventBus().consumer("storefront.jobs.map", m -> { });
      MeterRegistry r = Metrics.of(vertx).registry();
      assertEquals(2, r.get("vertx.eventbus.handlers").tag("address", "storefront.jobs.events.<id>").gauge().value(), 0.0);
      assertEquals(1, r.get("vertx.eventbus.handlers").tag("address", "storefront.locks.<id>").gauge().value(), 0.0);
      assertEquals(1, r.get("vertx.eventbus.handlers").tag("address", "storefront.jobs.map").gauge().value(), 0.0);
    } finally {
      close(vertx);
    }
  }

  @Test
  @DisplayName("metrics.enabled=false: no metrics in Vert.x, and Storefront's meters are no-ops")
  void disabled() throws Exception {
    Vertx vertx = build(false, "off");
    try {
      assertFalse(vertx.isMetricsEnabled());
      Metrics m = Metrics.of(vertx);
      assertFalse(m.enabled());
      m.increment("storefront.test");
      m.gauge("storefront.gauge", () -> 1);
      assertEquals("x", m.time("storefront.timer", () -> Future.succeededFuture("x")).result());
    } finally {
      close(vertx);
    }
  }

  @Test
  @DisplayName("time() records the outcome: ok, the failure's kind, timeout or error")
  void outcomes() throws Exception {
    Vertx vertx = build(true, "o");
    try {
      Metrics m = Metrics.of(vertx);
      assertTrue(vertx.isMetricsEnabled());
      m.time("storefront.t", () -> Future.succeededFuture(1));
      m.time("storefront.t", () -> Future.failedFuture(Failure.conflict("taken")));
      m.time("storefront.t", () -> Future.failedFuture(new TimeoutException()));
      m.time("storefront.t", () -> {
        throw new IllegalStateException("bug");
      });
      for (String outcome : new String[] {"ok", "conflict", "timeout", "error"}) {
        assertEquals(1, m.registry().get("storefront.t").tag("outcome", outcome).timer().count(), outcome);
      }
    } finally {
      close(vertx);
    }
  }
}
