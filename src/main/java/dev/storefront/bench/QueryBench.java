package dev.storefront.bench;

import dev.storefront.bench.ChildEvents.Event;

import dev.storefront.cluster.JavaCommand;
import dev.storefront.db.DatabaseUrl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent of {@code bench queries}: forks P {@link QueryBenchChild} JVMs of this same jar, waits until every one
 * is connected and prepared, sends them all {@code go} at once (so JVM start-up and connecting are not measured), and
 * aggregates their results. Wall time runs from {@code go} to the last result.
 */
public final class QueryBench {

  private static final Logger log = LoggerFactory.getLogger(QueryBench.class);
  /**
   * The children's JVM: a small serial-collected heap with a roomy young generation (fewer collections of a tiny
   * live set), and Netty's per-access buffer checks and Vert.x's context timing off, as Vert.x's own TechEmpower
   * entries run. Measured with {@code --duration 10s}, 2 x 1, in alternation: 0.90-0.94 of pgbench with them,
   * 0.83-0.96 without.
   */
  static final List<String> CHILD_JVM_OPTIONS = List.of("-Xms96m", "-Xmx128m", "-Xmn64m", "-XX:+UseSerialGC",
      "-Dio.netty.buffer.checkBounds=false", "-Dio.netty.buffer.checkAccessible=false",
      "-Dio.netty.leakDetection.level=disabled", "-Dvertx.threadChecks=false", "-Dvertx.disableContextTimings=true",
      "-Dstorefront.log.level=WARN");

  /** What to run. */
  public record Plan(String dbUrl, int processes, int connections, int queries, int productId, long warmupMs,
                     long durationMs, long timeoutMs) {
    public Plan {
      if (durationMs < 0) {
        throw new IllegalArgumentException("--duration must not be negative");
      }
      if (processes < 1 || connections < 1 || queries < 1) {
        throw new IllegalArgumentException("--processes, --connections and --queries must be at least 1");
      }
      if (warmupMs < 0) {
        throw new IllegalArgumentException("--warmup must not be negative");
      }
    }

    /** As a record's, with the URL's password masked. */
    @Override
    public String toString() {
      return "Plan[dbUrl=" + DatabaseUrl.masked(dbUrl) + ", processes=" + processes + ", connections=" + connections
          + ", queries=" + queries + ", productId=" + productId + ", warmupMs=" + warmupMs + ", durationMs="
          + durationMs + ", timeoutMs=" + timeoutMs + "]";
    }
  }

  /** Aggregated figures; {@code perProcess} holds each child's result object. */
  public record Result(Plan plan, double seconds, List<JsonObject> perProcess) {

    public long totalQueries() {
      return perProcess.stream().mapToLong(p -> p.getLong("queries", 0L)).sum();
    }

    public long errors() {
      return perProcess.stream().mapToLong(p -> p.getLong("errors", 0L)).sum();
    }

    public long rows() {
      return perProcess.stream().mapToLong(p -> p.getLong("rows", 0L)).sum();
    }

    /**
     * Fixed count: all queries over the wall time from go to the last answer. Fixed duration: the sum of each
     * process's rate over the same window, as pgbench adds up its clients.
     */
    public double queriesPerSecond() {
      if (plan.durationMs() > 0) {
        return perProcess.stream().mapToDouble(p -> p.getDouble("queriesPerSec", 0.0)).sum();
      }
      return seconds > 0 ? totalQueries() / seconds : 0;
    }

    public double errorRate() {
      long total = totalQueries();
      return total == 0 ? 1.0 : (double) errors() / total;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("processes", plan.processes()).put("connectionsPerProcess", plan.connections())
          .put("queriesPerProcess", plan.queries()).put("productId", plan.productId())
          .put("warmupSeconds", plan.warmupMs() / 1000.0).put("durationSeconds", plan.durationMs() / 1000.0)
          .put("totalQueries", totalQueries()).put("rows", rows()).put("errors", errors())
          .put("seconds", LoadResult.round(seconds, 4)).put("queriesPerSec", LoadResult.round(queriesPerSecond(), 1))
          .put("perProcess", new JsonArray(new ArrayList<>(perProcess)));
    }

    public String describe() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
          "%d process%s x %d pipelined connection%s, %d concurrent queries each%s (product %d), after a %.1f s warm-up%n",
          plan.processes(), plan.processes() == 1 ? "" : "es", plan.connections(), plan.connections() == 1 ? "" : "s",
          plan.queries(), plan.durationMs() > 0 ? String.format(Locale.ROOT, " kept in flight for %.1f s", plan.durationMs() / 1000.0) : "",
          plan.productId(), plan.warmupMs() / 1000.0));
      sb.append(String.format(Locale.ROOT, "  total: %d queries in %.3f s = %.1f queries/s, %d rows, %d errors%n",
          totalQueries(), plan.durationMs() > 0 ? plan.durationMs() / 1000.0 : seconds, queriesPerSecond(), rows(), errors()));
      for (JsonObject p : perProcess) {
        sb.append(String.format(Locale.ROOT, "  process %d: %d queries in %.3f s = %.1f queries/s%s%n",
            p.getInteger("process"), p.getLong("queries"), p.getDouble("seconds"), p.getDouble("queriesPerSec"),
            p.getString("firstError") == null ? "" : " (first error: " + p.getString("firstError") + ")"));
      }
      return sb.toString();
    }
  }

  private QueryBench() {
  }

  /** Runs the experiment; blocks. Fails (IllegalStateException) when a child cannot start, connect or finish. */
  public static Result run(Plan plan) throws IOException, InterruptedException {
    return run(plan, ChildEvents.classpath());
  }

  /** As {@link #run(Plan)}, with the children started from {@code classpath} (a jar or a class path). */
  public static Result run(Plan plan, String classpath) throws IOException, InterruptedException {
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < plan.processes(); i++) {
        children.add(startChild(plan, classpath, i, events));
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(plan.timeoutMs());
      awaitAll(events, plan.processes(), "ready", deadline);
      long t0 = System.nanoTime();
      for (Process child : children) {
        OutputStream stdin = child.getOutputStream();
        stdin.write((QueryBenchChild.GO + "\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
      }
      List<JsonObject> results = awaitAll(events, plan.processes(), "result", deadline);
      double seconds = (System.nanoTime() - t0) / 1e9;
      results.sort((a, b) -> Integer.compare(a.getInteger("process"), b.getInteger("process")));
      for (JsonObject r : results) {
        r.remove("event");
      }
      return new Result(plan, seconds, results);
    } finally {
      ChildEvents.stopAll(children);
    }
  }

  private static List<JsonObject> awaitAll(BlockingQueue<Event> events, int count, String kind, long deadline)
      throws InterruptedException {
    List<JsonObject> got = new ArrayList<>();
    java.util.Set<Integer> reported = new java.util.HashSet<>();
    while (got.size() < count) {
      long left = deadline - System.nanoTime();
      Event e = left > 0 ? events.poll(left, TimeUnit.NANOSECONDS) : null;
      if (e == null) {
        throw new IllegalStateException("bench queries: timed out waiting for every process to report '" + kind
            + "' (" + got.size() + " of " + count + " did)");
      }
      String type = e.body().getString("event");
      if ("error".equals(type)) {
        throw new IllegalStateException("bench queries: process " + e.child() + " failed: " + e.body().getString("message"));
      }
      if ("exit".equals(type) && !reported.contains(e.child())) {
        throw new IllegalStateException("bench queries: process " + e.child() + " exited (code "
            + e.body().getValue("code", "unknown") + ") before reporting '" + kind + "'");
      }
      if (kind.equals(type)) {
        got.add(e.body());
        reported.add(e.child()); // its exit after reporting (a fast child) is expected, not a failure
      }
    }
    return got;
  }

  private static Process startChild(Plan plan, String classpath, int index, BlockingQueue<Event> events) throws IOException {
    List<String> command = JavaCommand.jvm().options(CHILD_JVM_OPTIONS)
        .classpath(classpath, QueryBenchChild.class.getName(), List.of(Integer.toString(plan.connections()), Integer.toString(plan.queries()), Integer.toString(plan.productId()),
            Integer.toString(index), Long.toString(plan.warmupMs()), Long.toString(plan.durationMs())))
        .toList();
    return ChildEvents.start(command, Map.of(QueryBenchChild.DB_URL_ENV, plan.dbUrl()), QueryBenchChild.MARK, "process",
        index, events);
  }
}
