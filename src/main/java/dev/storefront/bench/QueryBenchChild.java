package dev.storefront.bench;

import dev.storefront.catalog.CatalogSql;
import dev.storefront.db.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Tuple;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One process of {@code bench queries}, started by {@link QueryBench}: one Vert.x with one event loop, C pipelined
 * connections with the product query prepared. Protocol on stdout (lines starting with {@link #MARK}, everything else
 * is log): {@code ready} once connected; then, on the line {@code go} on stdin, fires all N queries at once
 * round-robin over its connections, waits for all, and prints {@code result} (or {@code error}) and exits.
 *
 * <p>The database URL comes in the environment ({@value #DB_URL_ENV}), never on the command line, where any user
 * of the machine could read its password. Arguments: {@code CONNECTIONS QUERIES PRODUCT_ID PROCESS_INDEX WARMUP_MS
 * DURATION_MS}: before
 * reporting ready it keeps N queries in flight for WARMUP_MS, unmeasured, so the JIT has compiled the client's paths. With DURATION_MS 0 the measured run is N queries fired at once (what bench queries does without --duration); otherwise it keeps
 * N queries in flight for DURATION_MS and counts those answered within that window (pgbench {@code -T}'s measure).
 */
public final class QueryBenchChild extends VerticleBase {

  static final String MARK = "@bench ";
  /** The environment variable that carries the database URL (the one {@code db.url} is read from, too). */
  static final String DB_URL_ENV = "STOREFRONT_DB_URL";
  static final String GO = "go";
  static final int PIPELINING_LIMIT = 256;

  private final PgConnectOptions options;
  private final int connections;
  private final int productId;
  private final List<PreparedStatement> statements = new ArrayList<>();
  private final List<PgConnection> opened = new ArrayList<>();

  QueryBenchChild(PgConnectOptions options, int connections, int productId) {
    this.options = options;
    this.connections = connections;
    this.productId = productId;
  }

  public static void main(String[] args) {
    PrintStream out = System.out;
    int process = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setPreferNativeTransport(true));
    int code = 0;
    try {
      String dbUrl = System.getenv(DB_URL_ENV);
      if (args.length != 6 || dbUrl == null || dbUrl.isBlank()) {
        throw new IllegalArgumentException("usage: " + DB_URL_ENV
            + "=URL QueryBenchChild CONNECTIONS QUERIES PRODUCT_ID PROCESS_INDEX WARMUP_MS DURATION_MS");
      }
      long durationMs = Long.parseLong(args[5]);
      PgConnectOptions options = DatabaseUrl.parse(dbUrl).connectOptions()
          .setPipeliningLimit(PIPELINING_LIMIT).setCachePreparedStatements(true);
      int queries = Integer.parseInt(args[1]);
      QueryBenchChild child = new QueryBenchChild(options, Integer.parseInt(args[0]), Integer.parseInt(args[2]));
      await(vertx.deployVerticle(child));
      long warmupMs = Long.parseLong(args[4]);
      if (warmupMs > 0) {
        JsonObject warm = await(child.sustain(queries, warmupMs));
        if (warm.getLong("errors") > 0) {
          throw new IllegalStateException("warm-up queries failed: " + warm.getString("firstError"));
        }
      }
      emit(out, new JsonObject().put("event", "ready").put("process", process).put("pid", ProcessHandle.current().pid()));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (!GO.equals(line)) {
        throw new IllegalStateException("expected '" + GO + "' on stdin, got " + (line == null ? "end of input" : "'" + line + "'"));
      }
      JsonObject result;
      if (durationMs > 0) {
        result = await(child.sustain(queries, durationMs));
      } else {
        long t0 = System.nanoTime();
        result = await(child.fire(queries));
        result.put("seconds", (System.nanoTime() - t0) / 1e9);
      }
      double seconds = result.getDouble("seconds");
      emit(out, result.put("event", "result").put("process", process)
          .put("queriesPerSec", seconds > 0 ? result.getLong("queries") / seconds : 0));
    } catch (Throwable t) {
      Throwable cause = t.getCause() != null ? t.getCause() : t;
      emit(out, new JsonObject().put("event", "error").put("process", process).put("message", cause.toString()));
      code = 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
    System.exit(code);
  }

  private static void emit(PrintStream out, JsonObject event) {
    out.println(MARK + event.encode());
    out.flush();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
  }

  /** Opens the connections and prepares the product query on each: a database problem fails here, before "ready". */
  @Override
  public Future<?> start() {
    List<Future<PreparedStatement>> prepared = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      prepared.add(PgConnection.connect(vertx, options).compose(conn -> {
        opened.add(conn);
        return conn.prepare(CatalogSql.PRODUCT_WITH_SKUS);
      }));
    }
    return Future.all(prepared).onSuccess(all -> {
      for (int i = 0; i < connections; i++) {
        statements.add(all.resultAt(i));
      }
    });
  }

  @Override
  public Future<?> stop() {
    return Future.join(opened.stream().map(PgConnection::close).toList());
  }

  /** Counts rows as they are decoded, without keeping them in a RowSet (the figures need the count only). */
  private static final java.util.stream.Collector<io.vertx.sqlclient.Row, ?, Integer> ROW_COUNT =
      java.util.stream.Collectors.summingInt(row -> 1);

  /**
   * Keeps {@code inFlight} queries outstanding (each answer sends the next on the same connection) until
   * {@code durationMs} has passed, then lets the outstanding ones drain. Only the answers that arrived within the
   * window count; {@code seconds} is the window.
   */
  Future<JsonObject> sustain(int inFlight, long durationMs) {
    Promise<JsonObject> promise = Promise.promise();
    context.runOnContext(v -> new Sustained(inFlight, durationMs, promise).start());
    return promise.future();
  }

  /** One {@link #sustain} run; lives on the event loop. */
  private final class Sustained {
    private final int inFlight;
    private final long durationMs;
    private final long deadline;
    private final Promise<JsonObject> promise;
    private final Tuple params = Tuple.of(productId);
    private long answered;
    private long rows;
    private long errors;
    private long outstanding;
    private String firstError;

    Sustained(int inFlight, long durationMs, Promise<JsonObject> promise) {
      this.inFlight = inFlight;
      this.durationMs = durationMs;
      this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durationMs);
      this.promise = promise;
    }

    void start() {
      for (int i = 0; i < inFlight; i++) {
        send(statements.get(i % statements.size()));
      }
    }

    private void send(PreparedStatement statement) {
      outstanding++;
      statement.query().collecting(ROW_COUNT).execute(params).onComplete(ar -> {
        outstanding--;
        boolean inWindow = System.nanoTime() <= deadline;
        if (ar.failed()) {
          errors++;
          if (firstError == null) {
            firstError = ar.cause().toString();
          }
        } else if (inWindow) {
          answered++;
          rows += ar.result().value();
        }
        if (inWindow) {
          send(statement);
        } else if (outstanding == 0) {
          promise.complete(new JsonObject().put("queries", answered).put("rows", rows).put("errors", errors)
              .put("firstError", firstError).put("connections", statements.size()).put("inFlight", inFlight)
              .put("seconds", durationMs / 1000.0));
        }
      });
    }
  }

  /** Fires {@code n} queries at once on the event loop, round-robin over the connections; completes when all answered. */
  Future<JsonObject> fire(int n) {
    Promise<JsonObject> promise = Promise.promise();
    context.runOnContext(v -> {
      long[] counts = new long[3]; // done, rows, errors
      String[] firstError = {null};
      Tuple params = Tuple.of(productId);
      for (int i = 0; i < n; i++) {
        statements.get(i % statements.size()).query().collecting(ROW_COUNT).execute(params).onComplete(ar -> {
          if (ar.succeeded()) {
            counts[1] += ar.result().value();
          } else {
            counts[2]++;
            if (firstError[0] == null) {
              firstError[0] = ar.cause().toString();
            }
          }
          if (++counts[0] == n) {
            promise.complete(new JsonObject().put("queries", n).put("rows", counts[1]).put("errors", counts[2])
                .put("firstError", firstError[0]).put("connections", statements.size()));
          }
        });
      }
      if (n == 0) {
        promise.complete(new JsonObject().put("queries", 0).put("rows", 0).put("errors", 0).put("connections", statements.size()));
      }
    });
    return promise.future();
  }
}
