package dev.storefront.bench;

import dev.storefront.bench.ChildEvents.Event;
import dev.storefront.cluster.JavaCommand;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench http --agents N}: N load-generator JVMs ({@link AgentMain}, this same jar or class path), each with
 * its share of the connections and of the rate. Before each phase every agent opens its connections and says
 * {@code ready}; then all are told to start at one wall-clock time a little ahead ({@value #GO_LEAD_MS} ms), so
 * their seconds line up. Their figures are added, histogram to histogram, never averaged.
 */
public final class AgentFleet {

  private static final Logger log = LoggerFactory.getLogger(AgentFleet.class);
  static final long GO_LEAD_MS = 200;
  private static final long START_TIMEOUT_MS = 120_000;
  /** A small serial-collected heap per agent: its live set is the connections and the per-second histograms. */
  static final List<String> AGENT_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
      "-Dio.netty.leakDetection.level=disabled", "-Dvertx.disableContextTimings=true", "-Dstorefront.log.level=WARN");

  private AgentFleet() {
  }

  /** Runs {@code config} split over {@code agents} processes; blocks. */
  public static LoadResult run(LoadConfig config, int agents) throws IOException, InterruptedException {
    Inbox events = new Inbox();
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < agents; i++) {
        children.add(start(config.share(agents, i), i, events.events));
      }
      PhaseStats warmup = null;
      if (!config.warmup().isZero()) {
        warmup = phase(HttpLoadGenerator.WARMUP, config.warmup().toMillis(), config, children, events, null);
      }
      List<JsonObject> perAgent = new ArrayList<>();
      PhaseStats measured = phase(HttpLoadGenerator.MEASURED, config.duration().toMillis(), config, children, events,
          perAgent);
      double cpuCores = 0;
      for (Event e : await(events, agents, "result", deadline(0, config))) {
        double cores = e.body().getDouble("cpuCores", 0.0);
        cpuCores += cores;
        perAgent.get(e.child()).put("clientCpuCores", LoadResult.round(cores, 3));
      }
      return new LoadResult(config, warmup, measured, cpuCores, agents, perAgent);
    } finally {
      ChildEvents.stopAll(children);
    }
  }

  private static PhaseStats phase(String name, long durationMs, LoadConfig config, List<Process> children,
                                  Inbox events, List<JsonObject> perAgent) throws IOException, InterruptedException {
    await(events, children.size(), "ready", System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS));
    long go = System.currentTimeMillis() + GO_LEAD_MS;
    for (Process child : children) {
      OutputStream stdin = child.getOutputStream();
      stdin.write((AgentMain.GO + " " + go + "\n").getBytes(StandardCharsets.US_ASCII));
      stdin.flush();
    }
    PhaseStats all = null;
    List<Event> reports = await(events, children.size(), "phase", deadline(durationMs, config));
    reports.sort((a, b) -> Integer.compare(a.child(), b.child()));
    for (Event e : reports) {
      PhaseStats one = PhaseStats.decode(e.body().getJsonObject("stats"));
      if (perAgent != null) {
        RequestStats t = one.total();
        perAgent.add(new JsonObject().put("agent", e.child()).put("requests", t.responses())
            .put("requestsPerSec", LoadResult.round(one.windowSeconds() > 0 ? t.responses() / one.windowSeconds() : 0, 1))
            .put("p99Ms", LoadResult.round(t.latencyMs(99), 3)).put("errors", t.errorCount()));
      }
      all = all == null ? one : all.add(one);
    }
    return all;
  }

  private static long deadline(long phaseMs, LoadConfig config) {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GO_LEAD_MS + phaseMs + 3 * config.timeout().toMillis() + 30_000);
  }

  /**
   * Waits for one {@code kind} event from each agent; fails on an agent's error, or its exit before its result.
   * An agent may run ahead of the others (report its next phase's {@code ready} while another is still finishing
   * this phase): such events are kept for the next wait, never dropped.
   */
  static List<Event> await(Inbox inbox, int count, String kind, long deadline) throws InterruptedException {
    List<Event> got = new ArrayList<>();
    Set<Integer> reported = new HashSet<>();
    List<Event> later = new ArrayList<>();
    try {
      while (got.size() < count) {
        Event e = inbox.deferred.poll();
        if (e == null) {
          long left = deadline - System.nanoTime();
          e = left > 0 ? inbox.events.poll(left, TimeUnit.NANOSECONDS) : null;
        }
        if (e == null) {
          throw new IllegalStateException("bench http: timed out waiting for every agent to report '" + kind + "' ("
              + got.size() + " of " + count + " did)");
        }
        if ("error".equals(e.type())) {
          throw new IllegalStateException("bench http: agent " + e.child() + " failed: " + e.body().getString("message"));
        }
        if ("exit".equals(e.type())) {
          if (inbox.finished.contains(e.child())) {
            continue; // its result is in: exiting is what it does next
          }
          throw new IllegalStateException("bench http: agent " + e.child() + " exited (code "
              + e.body().getValue("code", "unknown") + ") before reporting '" + kind + "'");
        }
        if ("result".equals(e.type())) {
          inbox.finished.add(e.child());
        }
        if (kind.equals(e.type()) && reported.add(e.child())) {
          got.add(e);
        } else {
          later.add(e);
        }
      }
    } finally {
      inbox.deferred.addAll(later);
    }
    return got;
  }

  /** The agents' events as they come, and those that came ahead of their turn. */
  static final class Inbox {
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final java.util.ArrayDeque<Event> deferred = new java.util.ArrayDeque<>();
    final Set<Integer> finished = new HashSet<>();
  }

  private static Process start(LoadConfig share, int index, BlockingQueue<Event> events) throws IOException {
    List<String> command = JavaCommand.jvm().options(AGENT_JVM_OPTIONS)
        .classpath(ChildEvents.classpath(), AgentMain.class.getName(), List.of(share.toSpec().encode(), Integer.toString(index)))
        .toList();
    return ChildEvents.start(command, AgentMain.MARK, "agent", index, events);
  }
}
