import dev.storefront.catalog.CatalogSql;
import dev.storefront.db.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;

/**
 * The floor server: a benchmark fixture, never part of Storefront. The leanest Vert.x 5 server for
 * {@code GET /products/{id}} that answers what Storefront answers (the same query, CatalogSql.PRODUCT_WITH_SKUS, the same
 * JSON body with the brand's name): no router, one pipelined PostgreSQL connection per event loop, the statement
 * prepared at start, the brand names read once at start, the body written straight into one buffer. What Storefront
 * spends beyond this server is the price of its routing, checks, statistics and metrics.
 *
 * Run from the fat jar's classes (Java's single-file source launcher compiles it in memory):
 *   java -cp target/storefront.jar src/bench/FloorServer.java --db-url postgresql://postgres@127.0.0.1:5432/storefront \
 *       [--port 18090] [--event-loops 1] [--host 127.0.0.1]
 * It binds with SO_REUSEPORT (epoll), so several processes can share one port. Prints "floor ready on PORT ..." once
 * listening. An id that is not a positive integer is a 400, an unknown product or path a 404 (bodies in Storefront's
 * error shape), a failed query a 503.
 */
public final class FloorServer {

  public static void main(String[] args) {
    String dbUrl = null;
    String host = "127.0.0.1";
    int port = 18090;
    int eventLoops = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--db-url" -> dbUrl = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--event-loops" -> eventLoops = Integer.parseInt(args[++i]);
        case "--host" -> host = args[++i];
        default -> {
          System.err.println("FloorServer: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (dbUrl == null) {
      System.err.println("FloorServer: --db-url is required");
      System.exit(2);
    }
    PgConnectOptions db = DatabaseUrl.parse(dbUrl).connectOptions().setPipeliningLimit(256);
    HttpServerOptions http = new HttpServerOptions().setHost(host).setPort(port).setReusePort(true).setTcpNoDelay(true);
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(eventLoops));
    int p = port;
    int e = eventLoops;
    vertx.deployVerticle(() -> new Loop(db, http), new DeploymentOptions().setInstances(eventLoops))
        .onSuccess(id -> System.out.println("floor ready on " + p + " (" + e + " event loop(s), transport "
            + (vertx.isNativeTransportEnabled() ? "epoll" : "nio") + ")"))
        .onFailure(err -> {
          err.printStackTrace();
          System.exit(1);
        });
  }

  /** One per event loop: its own HTTP server instance, connection and prepared statement. */
  static final class Loop extends VerticleBase {
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final String PREFIX = "/products/";
    private final PgConnectOptions db;
    private final HttpServerOptions http;
    private PreparedStatement product;
    private final Map<Integer, String> brands = new HashMap<>();

    Loop(PgConnectOptions db, HttpServerOptions http) {
      this.db = db;
      this.http = http;
    }

    @Override
    public Future<?> start() {
      return PgConnection.connect(vertx, db)
          .compose(conn -> conn.query(CatalogSql.BRANDS).execute()
              .compose(rows -> {
                for (Row r : rows) {
                  brands.put(r.getInteger(0), r.getString(1));
                }
                return conn.prepare(CatalogSql.PRODUCT_WITH_SKUS);
              }))
          .compose(ps -> {
            product = ps;
            return vertx.createHttpServer(http).requestHandler(this::handle).listen();
          });
    }

    private void handle(HttpServerRequest request) {
      String path = request.path();
      int id = request.method() == HttpMethod.GET && path.startsWith(PREFIX) ? id(path) : -1;
      if (id < 0) {
        error(request, id == -1 ? 404 : 400);
        return;
      }
      product.query().execute(Tuple.of(id)).onComplete(ar -> {
        if (ar.failed()) {
          error(request, 503);
        } else if (ar.result().size() == 0) {
          error(request, 404);
        } else {
          request.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(body(ar.result()));
        }
      });
    }

    /** The id after /products/, -2 when it is not a canonical positive int, -1 for another path. */
    private static int id(String path) {
      int n = path.length() - PREFIX.length();
      if (n < 1 || n > 10 || path.charAt(PREFIX.length()) == '0') {
        return n < 1 ? -1 : -2;
      }
      long v = 0;
      for (int i = PREFIX.length(); i < path.length(); i++) {
        char c = path.charAt(i);
        if (c < '0' || c > '9') {
          return c == '/' ? -1 : -2;
        }
        v = v * 10 + (c - '0');
      }
      return v > Integer.MAX_VALUE ? -2 : (int) v;
    }

    private Buffer body(RowSet<Row> rows) {
      Buffer b = Buffer.buffer(128 + 48 * rows.size());
      boolean first = true;
      for (Row row : rows) {
        if (first) {
          b.appendString("{\"productId\":").appendString(Integer.toString(row.getInteger(0))).appendString(",\"name\":");
          string(b, row.getString(1));
          int brand = row.getInteger(2);
          b.appendString(",\"brand\":{\"brandId\":").appendString(Integer.toString(brand)).appendString(",\"name\":");
          string(b, brands.get(brand));
          b.appendString("},\"skus\":[");
          first = false;
        } else {
          b.appendByte((byte) ',');
        }
        b.appendString("{\"skuId\":").appendString(Integer.toString(row.getInteger(3))).appendString(",\"color\":");
        string(b, row.getString(4));
        b.appendString(",\"size\":");
        string(b, row.getString(5));
        b.appendByte((byte) '}');
      }
      return b.appendString("]}");
    }

    private static void string(Buffer b, String s) {
      if (s == null) {
        b.appendString("null");
        return;
      }
      b.appendByte((byte) '"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c == '"' || c == '\\') {
          b.appendByte((byte) '\\').appendByte((byte) c);
        } else if (c < 0x20) {
          b.appendString(String.format("\\u%04x", (int) c));
        } else if (c < 0x80) {
          b.appendByte((byte) c);
        } else {
          b.appendString(String.valueOf(c)); // sample data is ASCII; this keeps other text correct (BMP)
        }
      }
      b.appendByte((byte) '"');
    }

    private static void error(HttpServerRequest request, int status) {
      String code = status == 400 ? "bad_request" : status == 404 ? "not_found" : "unavailable";
      request.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
          .end("{\"error\":\"" + code + "\",\"message\":\"" + code.replace('_', ' ') + "\"}");
    }
  }
}
