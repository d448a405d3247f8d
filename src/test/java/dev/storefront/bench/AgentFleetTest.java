package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentFleetTest {

  private static ChildEvents.Event event(int agent, String type) {
    return new ChildEvents.Event(agent, new JsonObject().put("event", type));
  }

  private static long soon() {
    return System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
  }

  @Test
  @DisplayName("an agent that runs ahead (its next 'ready' before the other's 'phase') is not lost, and exiting after its result is fine")
  void eventsAheadOfTheirTurnAreKept() throws Exception {
    AgentFleet.Inbox inbox = new AgentFleet.Inbox();
    inbox.events.addAll(List.of(event(1, "phase"), event(1, "ready"), event(1, "phase"), event(1, "result"),
        event(1, "exit"), event(0, "phase"), event(0, "ready"), event(0, "phase"), event(0, "result")));
    assertEquals(2, AgentFleet.await(inbox, 2, "phase", soon()).size(), "warm-up figures of both");
    assertEquals(2, AgentFleet.await(inbox, 2, "ready", soon()).size(), "agent 1's early ready was kept");
    assertEquals(2, AgentFleet.await(inbox, 2, "phase", soon()).size(), "measured figures of both");
    assertEquals(2, AgentFleet.await(inbox, 2, "result", soon()).size(), "agent 1's exit after its result is no failure");
    assertTrue(inbox.events.isEmpty() && inbox.deferred.isEmpty());
  }

  @Test
  @DisplayName("an agent that exits before its result, or reports an error, fails the run with its number")
  void earlyExitAndErrorsFail() {
    AgentFleet.Inbox inbox = new AgentFleet.Inbox();
    inbox.events.addAll(List.of(event(0, "ready"), event(1, "exit")));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> AgentFleet.await(inbox, 2, "ready", soon()));
    assertTrue(e.getMessage().contains("agent 1 exited"), e.getMessage());

    AgentFleet.Inbox failing = new AgentFleet.Inbox();
    failing.events.add(new ChildEvents.Event(0, new JsonObject().put("event", "error").put("message", "boom")));
    e = assertThrows(IllegalStateException.class, () -> AgentFleet.await(failing, 1, "ready", soon()));
    assertTrue(e.getMessage().contains("agent 0 failed: boom"), e.getMessage());

    AgentFleet.Inbox silent = new AgentFleet.Inbox();
    e = assertThrows(IllegalStateException.class, () -> AgentFleet.await(silent, 1, "ready", System.nanoTime()));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }
}
