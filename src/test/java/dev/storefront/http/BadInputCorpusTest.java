package dev.storefront.http;

import org.junit.jupiter.api.Tag;
import dev.storefront.cluster.FreePorts;
import dev.storefront.config.Settings;
import dev.storefront.db.DatabaseUrl;
import dev.storefront.testing.TestDatabase;
import dev.storefront.jobs.JobAddresses;
import dev.storefront.node.Node;
import dev.storefront.testing.Http;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Counter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of bad requests, every class of them at every route, sent over a plain socket (so malformed bytes go out
 * as written) to one clustered node with PostgreSQL holding the sample data: every answer must be a 4xx (or 505) with
 * the JSON error body and the node's header, the database's rows, the clustered counters and the held locks must be
 * unchanged afterwards, and the node must still answer. The base request of each route is valid (a counter update
 * with a real body, the release of a held lock with its real token, a feedback job), and each case breaks it in one
 * way, so input that slipped through would show as a changed counter, a freed lock or a job.
 */
@Tag("database")
class BadInputCorpusTest {

  private static final String COUNTER = "corpus-c";
  private static final String LOCK = "corpus-lock";
  private static final int MAX_BODY = 65536;

  @TempDir
  static Path tmp;
  private static DatabaseUrl db;
  private static Node node;
  private static int port;
  private static Http http;
  private static long lockToken;

  /** One route: method, path template ({id}, {name}), valid id or name, valid query, valid body (null: none). */
  record Route(String method, String template, String validParam, String query, String body) {

    String path(String param) {
      return template.replace("{id}", param).replace("{name}", param);
    }

    boolean hasParam() {
      return template.contains("{");
    }

    boolean idParam() {
      return template.contains("{id}");
    }

    String target() {
      return path(validParam) + (query.isEmpty() ? "" : "?" + query);
    }

    String name() {
      return method + " " + template;
    }
  }

  /** One request of the corpus: its class, the route it targets, what it breaks, its bytes, the statuses it may get. */
  record Case(String kind, String route, String label, byte[] bytes, Set<Integer> expected) {
  }

  @BeforeAll
  static void start() throws Exception {
    db = TestDatabase.withSampleData("sf_corpus_test");
    Files.writeString(tmp.resolve("words.tsv"), "a\t2000\t3\t1\n");
    port = FreePorts.any();
    int clusterPort = FreePorts.base(4);
    Settings settings = Settings.defaults()
        .with("db.url", db.uri())
        .with("http.port", port)
        .with("http.maxBodyBytes", MAX_BODY)
        .with("node.eventLoops", 2)
        .with("cluster.name", "sf-corpus-" + UUID.randomUUID())
        .with("cluster.port", clusterPort)
        .with("cluster.members", "127.0.0.1:" + clusterPort)
        .with("jobs.workersPerNode", 1)
        .with("jobs.dataDir", tmp.toString())
        .with("stats.flushIntervalMs", 100);
    node = new Node(settings, true);
    node.start().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    http = new Http(port);
    assertEquals(200, http.send("POST", "/counters/" + COUNTER, "{\"delta\": 42}").statusCode());
    // the longest lease: on a loaded machine the corpus takes longer than the 30 s default
    var lock = http.send("POST", "/locks/" + LOCK, "{\"timeoutMs\": 0, \"leaseMs\": 300000}");
    assertEquals(200, lock.statusCode(), lock.body());
    lockToken = Http.json(lock).getLong("token");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.drain();
    }
  }

  private static List<Route> routes() {
    String job = "{\"source\": {\"type\": \"feedback\", \"productId\": 1}}";
    return List.of(
        new Route("GET", "/products/{id}", "1", "", null),
        new Route("GET", "/products", "", "brand=1&limit=5&after=1", null),
        new Route("GET", "/brands/{id}", "1", "", null),
        new Route("GET", "/brands", "", "", null),
        new Route("GET", "/health/live", "", "", null),
        new Route("GET", "/health/ready", "", "", null),
        new Route("GET", "/cluster", "", "", null),
        new Route("GET", "/stats", "", "", null),
        new Route("GET", "/counters/{name}", COUNTER, "", null),
        new Route("POST", "/counters/{name}", COUNTER, "", "{\"delta\": 1}"),
        new Route("GET", "/locks", "", "", null),
        new Route("POST", "/locks/{name}", LOCK, "", "{\"timeoutMs\": 0}"),
        new Route("DELETE", "/locks/{name}", LOCK, "token=" + lockToken, null),
        new Route("POST", "/jobs", "", "", job),
        new Route("GET", "/jobs/{id}", "1", "", null),
        new Route("GET", "/jobs/{id}/result", "1", "top=5", null),
        new Route("GET", "/jobs/{id}/events", "1", "", null),
        new Route("DELETE", "/jobs/{id}", "1", "", null));
  }

  // ---- building requests ----

  private static final String HOST = "Host: 127.0.0.1\r\n";

  /** A request with the default headers (Host, Connection: close) and, when {@code body} is set, a JSON content type. */
  private static byte[] request(String method, String target, String body) {
    return request(method, target, "HTTP/1.1", body == null ? "" : "Content-Type: application/json\r\n", body);
  }

  private static byte[] request(String method, String target, String version, String extraHeaders, String body) {
    byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    String length = body == null ? "" : "Content-Length: " + b.length + "\r\n";
    return RawHttp.request(method + " " + target + " " + version + "\r\n" + HOST + "Connection: close\r\n" + extraHeaders
        + length + "\r\n", b);
  }

  private static byte[] raw(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String head, byte[] body) {
    return RawHttp.request(head, body);
  }

  private static String chunked(String body, int chunk) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < body.length(); i += chunk) {
      String part = body.substring(i, Math.min(body.length(), i + chunk));
      b.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    return b.append("0\r\n\r\n").toString();
  }

  // ---- the corpus ----

  private static final String[] BAD_IDS = {
      "abc", "-1", "0", "00", "007", "01", "+1", "1.5", "1e3", "0x10", "1_000", "2147483648", "4294967296",
      "9223372036854775807", "9223372036854775808", "18446744073709551616", "99999999999999999999999999999999",
      "-9223372036854775809", "%2D1", "%2B1", "%201", "1%20", "1%09", "%31%30%30%30%30%30%30%30%30%30%30", "1%2F2",
      "%EF%BC%91", "%D9%A1", "%E0%A5%A7", "1;2", "1,2", "1%3B2", "NaN", "Infinity", "true", "null", "[1]", "%7B%7D",
      "1%23", "1%3F", "~1", "1..2"};

  private static final String[] BAD_NAMES = {
      "a%20b", "a%2Fb", "%2F", "x".repeat(65), "na%C3%AFve", "a;b", "a%3Bb", "a'b", "a%22b", "*", "a%2Ab", "a%5Cb",
      "a%7Cb", "%E2%80%AE", "a%0Ab", "a%0D%0Ab", "a%09b", "%C2%A0", "a+b", "a%25b", "a%3Cscript%3E", "fence%2F" + LOCK};

  private static final String[] SQL = {
      "1%27%20OR%20%271%27=%271", "1%27--", "1;DROP%20TABLE%20product", "1%3BDROP%20TABLE%20product--",
      "1%20UNION%20SELECT%20password%20FROM%20pg_shadow", "1%20OR%201=1", "%27%3B%20DELETE%20FROM%20product%3B--",
      "1)%20OR%20(1=1", "$1", "1%27%3B%20SELECT%20pg_sleep(10)--", "x%27%20OR%20%27x%27=%27x"};

  private static final String[] TRAVERSAL_SEGMENTS = {
      "..", ".", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e", "..%2F..%2F..%2Fetc%2Fpasswd", "..%5C..%5Cwindows",
      "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "%252e%252e%252f", "....//....//etc/passwd", "..;/", "%c0%ae%c0%ae",
      "..%00", "%00"};

  private static final String[] BAD_ESCAPES = {
      "%", "%Z", "%ZZ", "%4", "%G0", "%%", "%-1", "%C0%AF", "%C0%80", "%FF", "%FE%FF", "%80", "%ED%A0%80",
      "%F8%88%80%80%80", "%F4%90%80%80", "%E0%A4", "%C3", "%00", "a%00b"};

  /** Raw bytes no client should send in a request target (all below 0x21 or above 0x7e). */
  private static final String[] RAW_BYTES = {"\u00ff", "\u0080", "\u00e9", "\u0001", "\u007f", "\u0000", "\u00c3\u00a9"};

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (Route r : routes()) {
      String name = r.name();
      String suffix = r.query.isEmpty() ? "" : "?" + r.query;
      // ids and names that are not ids and names; SQL in them
      if (r.hasParam()) {
        for (String bad : r.idParam() ? BAD_IDS : BAD_NAMES) {
          cases.add(new Case(r.idParam() ? "id" : "name", name, bad, request(r.method, r.path(bad) + suffix, r.body), Set.of()));
        }
        for (String sql : SQL) {
          cases.add(new Case("sql", name, sql, request(r.method, r.path(sql) + suffix, r.body), Set.of()));
        }
      }
      // SQL in query values and names
      for (String sql : SQL) {
        String q = r.query.isEmpty() ? "q=" + sql : r.query.replaceFirst("=[^&]*", java.util.regex.Matcher.quoteReplacement("=" + sql));
        cases.add(new Case("sql", name, "query " + q, request(r.method, r.path(r.validParam) + "?" + q, r.body), Set.of()));
      }
      // path traversal: segments in front, in place of the parameter, and after
      for (String t : TRAVERSAL_SEGMENTS) {
        String base = r.path(r.validParam);
        cases.add(new Case("traversal", name, "/" + t + base, request(r.method, "/" + t + base + suffix, r.body), Set.of()));
        cases.add(new Case("traversal", name, base + "/" + t, request(r.method, base + "/" + t + suffix, r.body), Set.of()));
        if (r.hasParam()) {
          cases.add(new Case("traversal", name, "param " + t, request(r.method, r.path(t) + suffix, r.body), Set.of()));
        }
      }
      // invalid percent-encoding and UTF-8, in the path and in the query
      for (String e : BAD_ESCAPES) {
        String base = r.path(r.hasParam() ? r.validParam + e : r.validParam);
        String path = r.hasParam() ? base : base + e;
        cases.add(new Case("encoding", name, "path " + e, request(r.method, path + suffix, r.body), Set.of()));
        String q = r.query.isEmpty() ? "x=" + e : r.query + e;
        cases.add(new Case("encoding", name, "query " + e, request(r.method, r.path(r.validParam) + "?" + q, r.body), Set.of()));
      }
      for (String b : RAW_BYTES) {
        cases.add(new Case("encoding", name, "raw byte in path " + hexOf(b),
            request(r.method, r.path(r.validParam) + b + suffix, r.body), Set.of()));
        cases.add(new Case("encoding", name, "raw byte in query " + hexOf(b),
            request(r.method, r.path(r.validParam) + "?" + (r.query.isEmpty() ? "x=" : r.query) + b, r.body), Set.of()));
      }
      // unknown and repeated parameters
      String path = r.path(r.validParam);
      for (String extra : new String[] {"zzz=1", "=1", "debug", "callback=x", "q=%27", "limit=5&limit=5", "token=1&token=1",
          "LIMIT=5", "x=" + "a".repeat(3000)}) {
        String q = r.query.isEmpty() ? extra : r.query + "&" + extra;
        cases.add(new Case("params", name, "?" + abbreviate(q), request(r.method, path + "?" + q, r.body), Set.of()));
      }
      for (String kv : r.query.isEmpty() ? new String[0] : r.query.split("&")) {
        cases.add(new Case("params", name, "twice " + kv, request(r.method, path + "?" + r.query + "&" + kv, r.body), Set.of()));
        cases.add(new Case("params", name, "twice ; " + kv, request(r.method, path + "?" + r.query + ";" + kv, r.body), Set.of()));
        String upper = kv.substring(0, 1).toUpperCase() + kv.substring(1);
        cases.add(new Case("params", name, "case " + upper, request(r.method, path + "?" + r.query.replace(kv, upper), r.body), Set.of()));
      }
      String target = r.target();
      // wrong content types (routes taking a body, and DELETE routes given one)
      if (!r.method.equals("GET")) {
        String body = r.body == null ? "{}" : r.body;
        Set<Integer> refused = r.body == null ? Set.of(400) : Set.of(415); // DELETE takes no body at all
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/xml", "text/json", "application/json; charset=iso-8859-1", "application/json-seq", "application/jsonx",
            "*/*", "json", "", ";", "application/json\u0000"}) {
          cases.add(new Case("content-type", name, "'" + type + "'",
              request(r.method, target, "HTTP/1.1", "Content-Type: " + type + "\r\n", body), Set.of(415, 400)));
        }
        cases.add(new Case("content-type", name, "none", bytes(r.method + " " + target + " HTTP/1.1\r\n" + HOST
            + "Connection: close\r\nContent-Length: " + body.length() + "\r\n\r\n", body.getBytes(StandardCharsets.UTF_8)),
            refused));
        String form = "a" + "[b]".repeat(5000) + "=1";
        cases.add(new Case("content-type", name, "form of deep brackets", request(r.method, target, "HTTP/1.1",
            "Content-Type: application/x-www-form-urlencoded\r\n", form), refused));
        String multipart = "--x\r\nContent-Disposition: form-data; name=\"" + "a[".repeat(3000) + "\"\r\n\r\n1\r\n--x--\r\n";
        cases.add(new Case("content-type", name, "multipart of deep brackets", request(r.method, target, "HTTP/1.1",
            "Content-Type: multipart/form-data; boundary=x\r\n", multipart), refused));
        cases.add(new Case("content-type", name, "plain text", request(r.method, target, "HTTP/1.1",
            "Content-Type: text/plain\r\n", "hello"), refused));
      }
      // malformed, deep, duplicate-keyed and huge JSON
      if (!r.method.equals("GET")) {
        Set<Integer> tooLarge = r.body == null ? Set.of(400) : Set.of(413);
        for (String bad : malformedJson(r.body)) {
          cases.add(new Case("json", name, abbreviate(bad), request(r.method, target, bad), Set.of()));
        }
        byte[] invalidUtf8 = {'{', '"', 'd', 'e', 'l', 't', 'a', '"', ':', '1', ',', '"', 'x', '"', ':', '"', (byte) 0xff, '"', '}'};
        cases.add(new Case("json", name, "invalid UTF-8 in a string", bytes(r.method + " " + target + " HTTP/1.1\r\n" + HOST
            + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " + invalidUtf8.length + "\r\n\r\n", invalidUtf8), Set.of()));
        String overlong = "{\"a\": \"" + "x".repeat(MAX_BODY) + "\"}";
        cases.add(new Case("huge", name, "body over the limit", request(r.method, target, overlong), tooLarge));
        cases.add(new Case("huge", name, "announced 10 MB, 100 KB sent", bytes(r.method + " " + target + " HTTP/1.1\r\n" + HOST
            + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n",
            ("{\"a\": \"" + "x".repeat(100_000)).getBytes(StandardCharsets.UTF_8)), tooLarge));
        cases.add(new Case("huge", name, "announced 2^63-1 bytes", raw(r.method + " " + target + " HTTP/1.1\r\n" + HOST
            + "Connection: close\r\nContent-Type: application/json\r\nContent-Length: 9223372036854775807\r\n\r\n{"), Set.of(413, 400)));
        cases.add(new Case("huge", name, "chunked, 200 KB in 8 KB chunks", raw(r.method + " " + target + " HTTP/1.1\r\n" + HOST
            + "Connection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunked("{\"a\": \"" + "x".repeat(200_000) + "\"}", 8192)), tooLarge));
      }
      // bad chunked encoding
      if (!r.method.equals("GET")) {
        String head = r.method + " " + target + " HTTP/1.1\r\n" + HOST + "Connection: close\r\nContent-Type: application/json\r\n";
        String body = r.body == null ? "{}" : r.body;
        String te = "Transfer-Encoding: chunked\r\n\r\n";
        Map<String, String> chunkCases = new LinkedHashMap<>();
        chunkCases.put("size not hex", head + te + "ZZ\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("negative size", head + te + "-5\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("size beyond 64 bits", head + te + "1FFFFFFFFFFFFFFFF\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("size 2^63", head + te + "8000000000000000\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("data longer than its size", head + te + "2\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("no CRLF after data", head + te + Integer.toHexString(body.length()) + "\r\n" + body + "XX0\r\n\r\n");
        chunkCases.put("size with spaces inside", head + te + "1 0\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("size line of 10000 chars", head + te + "0".repeat(10000) + "1\r\nx\r\n0\r\n\r\n");
        chunkCases.put("extension with a NUL", head + te + Integer.toHexString(body.length()) + ";a=\u0000\r\n" + body + "\r\n0\r\n\r\n");
        chunkCases.put("Transfer-Encoding and Content-Length", head + "Content-Length: 4\r\n" + te + chunked(body, 4));
        chunkCases.put("Transfer-Encoding gzip", head + "Transfer-Encoding: gzip\r\n\r\n" + body);
        chunkCases.put("Transfer-Encoding xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n" + chunked(body, 4));
        chunkCases.put("Transfer-Encoding chunked, gzip", head + "Transfer-Encoding: chunked, gzip\r\n\r\n" + chunked(body, 4));
        chunkCases.put("Transfer-Encoding twice", head + "Transfer-Encoding: chunked\r\n" + te + chunked(body, 4));
        chunkCases.put("two Content-Lengths", head + "Content-Length: 2\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
        chunkCases.put("Content-Length not a number", head + "Content-Length: abc\r\n\r\n" + body);
        chunkCases.put("Content-Length negative", head + "Content-Length: -1\r\n\r\n" + body);
        chunkCases.put("Content-Length beyond 64 bits", head + "Content-Length: 99999999999999999999\r\n\r\n" + body);
        chunkCases.put("Content-Length list", head + "Content-Length: 2, 2\r\n\r\n{}");
        for (Map.Entry<String, String> e : chunkCases.entrySet()) {
          cases.add(new Case("framing", name, e.getKey(), raw(e.getValue()), Set.of()));
        }
      }
      // headers: too large, malformed, missing or repeated Host, an expectation that cannot be met
      String line = r.method + " " + target + " HTTP/1.1\r\n";
      String bodyHeaders = r.body == null ? "" : "Content-Type: application/json\r\nContent-Length: " + r.body.length() + "\r\n";
      String body = r.body == null ? "" : r.body;
      cases.add(new Case("headers", name, "one header of 9000 bytes",
          raw(line + HOST + "X-Big: " + "a".repeat(9000) + "\r\n" + bodyHeaders + "\r\n" + body), Set.of(431)));
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < 400; i++) {
        many.append("X-H").append(i).append(": ").append("v".repeat(20)).append("\r\n");
      }
      cases.add(new Case("headers", name, "400 headers", raw(line + HOST + many + bodyHeaders + "\r\n" + body), Set.of(431)));
      cases.add(new Case("headers", name, "cookie of 20000 bytes",
          raw(line + HOST + "Cookie: " + "c=1; ".repeat(4000) + "\r\n" + bodyHeaders + "\r\n" + body), Set.of(431)));
      Map<String, String> headerCases = new LinkedHashMap<>();
      headerCases.put("no colon", line + HOST + "Bad Header\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("space before colon", line + HOST + "X-A : 1\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("empty name", line + HOST + ": 1\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("name with a slash", line + HOST + "X/A: 1\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("name with a NUL", line + HOST + "X\u0000A: 1\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("value with a NUL", line + HOST + "X-A: 1\u00002\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("value with a bare CR", line + HOST + "X-A: 1\r2\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("no Host", line + "Connection: close\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("two Hosts", line + HOST + "Host: evil.example\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("Host with a space", line + "Host: a b\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("Host with a bad port", line + "Host: 127.0.0.1:99999999\r\n" + bodyHeaders + "\r\n" + body);
      headerCases.put("Host of a path", line + "Host: /etc/passwd\r\n" + bodyHeaders + "\r\n" + body);
      if (r.body != null) {
        headerCases.put("Expect 200-ok", line + HOST + "Expect: 200-ok\r\n" + bodyHeaders + "\r\n" + body);
      }
      for (Map.Entry<String, String> e : headerCases.entrySet()) {
        cases.add(new Case("headers", name, e.getKey(), raw(e.getValue()), Set.of()));
      }
      // request lines: too long, malformed
      cases.add(new Case("request-line", name, "URI of 5000 bytes",
          raw(r.method + " " + path + "?" + "a".repeat(5000) + " HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body), Set.of(414)));
      cases.add(new Case("request-line", name, "URI of 60000 bytes",
          raw(r.method + " " + path + "/" + "a".repeat(60000) + " HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body), Set.of(414)));
      cases.add(new Case("request-line", name, "method of 5000 bytes",
          raw("A".repeat(5000) + " " + target + " HTTP/1.1\r\n" + HOST + "\r\n"), Set.of(414, 400, 405)));
      Map<String, String> lines = new LinkedHashMap<>();
      lines.put("no version (HTTP/0.9)", r.method + " " + target + "\r\n\r\n");
      lines.put("no target", r.method + " HTTP/1.1\r\n" + HOST + "\r\n");
      lines.put("only a method", r.method + "\r\n\r\n");
      lines.put("space in target", r.method + " " + path + " x" + suffix + " HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body);
      lines.put("target without /", r.method + " " + path.substring(1) + suffix + " HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body);
      lines.put("target *", r.method + " * HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body);
      lines.put("NUL in the line", r.method + " " + target + "\u0000 HTTP/1.1\r\n" + HOST + bodyHeaders + "\r\n" + body);
      lines.put("garbage", "\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003\r\n\r\n");
      lines.put("empty lines then garbage", "\r\n\r\n\r\n\u00ff\u00fe\r\n\r\n");
      for (Map.Entry<String, String> e : lines.entrySet()) {
        cases.add(new Case("request-line", name, e.getKey(), raw(e.getValue()), Set.of()));
      }
      // methods the route does not take, and unknown ones
      for (String m : new String[] {"BREW", "PROPFIND", "TRACE", "PATCH", "PUT", "OPTIONS", "CONNECT", "M-SEARCH", "get",
          "GET", "POST", "DELETE"}) {
        if (routes().stream().anyMatch(o -> o.method.equals(m) && o.template.equals(r.template))) {
          continue; // a route of its own (GET /counters/{name} beside POST): not a wrong method
        }
        cases.add(new Case("method", name, m, request(m, target, r.body), Set.of()));
      }
      cases.add(new Case("method", name, "method with a slash", raw("GE/T " + target + " HTTP/1.1\r\n" + HOST + "\r\n"), Set.of()));
      // HTTP versions other than 1.0 and 1.1
      for (String v : new String[] {"HTTP/9.9", "HTTP/2.0", "HTTP/2", "HTTP/3.0", "HTTP/1.2", "HTTP/0.9", "HTTP/1.10",
          "HTTP/1.1x", "http/1.1", "HTTP/1", "HTTP/", "FOO/1.1", "HTTPS/1.1", "HTTP/-1.1"}) {
        cases.add(new Case("version", name, v, request(r.method, target, v, "", r.body), Set.of(505, 400)));
      }
    }
    return cases;
  }

  private static List<String> malformedJson(String valid) {
    String v = valid == null ? "{}" : valid;
    List<String> bad = new ArrayList<>(List.of(
        "{", "}", "{\"delta\":}", "{\"delta\": 1,}", "{'delta': 1}", "{delta: 1}", "[1]", "[]", "\"x\"", "1", "null", "true",
        "{\"delta\": 1}{\"delta\": 2}", v + " x", v + v, "{\"delta\": 1, \"delta\": 2}", "{\"timeoutMs\": 0, \"timeoutMs\": 1}",
        "{\"source\": {\"type\": \"feedback\", \"type\": \"ngrams\"}}", "{\"delta\": NaN}", "{\"delta\": Infinity}",
        "{\"delta\": 0x10}", "{\"delta\": 01}", "{\"delta\": 1e400}", "{\"delta\": 99999999999999999999}",
        "{\"delta\": -9223372036854775809}", "{\"delta\": \"1\"}", "{\"delta\": 1.5}", "{\"delta\": true}",
        "{\"delta\": [1]}", "{\"delta\": {\"delta\": 1}}", "{\"delta\": null}", "{\"delta\": 1, \"x\": 1}", "{\"\": 1}",
        "{\"delta\u0000\": 1}", "{\"d\\u0000elta\": 1}", "{\"delta\": \"\\ud800\"}", "{\"a\": \"\\x41\"}", "{\"a\": \"\u0001\"}",
        "/* c */ {\"delta\": 1}", "{\"delta\": 1} // c", " ", "\ufeff{\"delta\": 1}", "{\"delta\": 1",
        "[".repeat(10000) + "]".repeat(10000), "{\"a\":".repeat(10000) + "1" + "}".repeat(10000),
        "{\"a\": " + "[".repeat(65) + "]".repeat(65) + "}", "[".repeat(MAX_BODY / 2),
        "{\"source\": {\"type\": \"ngrams\", \"path\": \"../../../../etc/passwd\"}}",
        "{\"source\": {\"type\": \"ngrams\", \"path\": \"/etc/passwd\"}}",
        "{\"source\": {\"type\": \"ngrams\", \"path\": \"..\\\\..\\\\etc\\\\passwd\"}}",
        "{\"source\": {\"type\": \"ngrams\", \"path\": \"words.tsv\\u0000.txt\"}}",
        "{\"source\": {\"type\": \"ngrams\", \"path\": \"x'; DROP TABLE product; --\"}}",
        "{\"source\": {\"type\": \"feedback\", \"productId\": \"1 OR 1=1\"}}",
        "{\"source\": {\"type\": \"feedback\", \"productId\": -1}}",
        "{\"source\": {\"type\": \"feedback\", \"productId\": 1}, \"partitionRows\": -1}",
        "{\"source\": {\"type\": \"feedback\", \"productId\": 99999999999}}",
        "{\"source\": {\"type\": \"sql\", \"query\": \"DROP TABLE product\"}}",
        "{\"timeoutMs\": -1}", "{\"timeoutMs\": 600001}", "{\"timeoutMs\": \"0\"}", "{\"expect\": 42}",
        "{\"expect\": 42, \"update\": \"1\"}"));
    return bad;
  }

  private static String hexOf(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(String.format("%02x", (int) c));
    }
    return "0x" + b;
  }

  private static String abbreviate(String s) {
    String shown = s.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
    return shown.length() <= 60 ? shown : shown.substring(0, 60) + "... (" + s.length() + " chars)";
  }

  // ---- state before and after ----

  private static String tableDigest(DatabaseUrl url) {
    StringBuilder out = new StringBuilder();
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password()); Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) FROM " + t + " x")) {
          rs.next();
          out.append(t).append('=').append(rs.getLong(1)).append('/').append(rs.getString(2)).append(' ');
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out.toString();
  }

  private static Map<String, Long> counters() throws Exception {
    Map<String, Long> values = new TreeMap<>();
    for (String name : List.of(COUNTER, "fence/" + LOCK, JobAddresses.ID_COUNTER, "a", "x", "1", "%2F", "a b", "a;b", "a'b")) {
      Future<Long> value = node.vertx().sharedData().getCounter(name).compose(Counter::get);
      values.put(name, value.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }
    return values;
  }

  private static JsonArray locks() {
    JsonArray held = Http.json(http.get("/locks")).getJsonArray("locks");
    held.forEach(o -> ((JsonObject) o).remove("ageMs"));
    return held;
  }

  @Test
  @DisplayName("every bad request at every route is a 4xx (or 505) with the JSON error body; rows, counters and locks stay as they were")
  void corpus() throws Exception {
    String rowsBefore = tableDigest(db);
    Map<String, Long> countersBefore = counters();
    JsonArray locksBefore = locks();
    assertEquals(1, locksBefore.size(), locksBefore.encode());
    assertEquals(42L, countersBefore.get(COUNTER));

    List<Case> cases = cases();
    RawHttp raw = new RawHttp(port, 10_000);
    Map<Integer, Integer> byStatus = new TreeMap<>();
    Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    for (Case c : cases) {
      RawHttp.Response r = raw.exchange(c.bytes);
      byStatus.merge(r.status(), 1, Integer::sum);
      byKind.computeIfAbsent(c.kind, k -> new TreeMap<>()).merge(r.status(), 1, Integer::sum);
      String problem = problem(c, r);
      String line = c.kind + " | " + c.route + " | " + abbreviate(c.label) + " | " + r + (problem == null ? "" : "  <-- " + problem);
      log.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
      if (problem != null) {
        wrong.add(line);
      }
    }
    Path report = Path.of("target", "bad-input-corpus.txt");
    Files.createDirectories(report.getParent());
    Files.write(report, log.toByteArray());
    System.out.println("bad-input corpus: " + cases.size() + " requests; by status " + byStatus + "; by class " + byKind
        + "; each answer in " + report);

    assertTrue(wrong.isEmpty(), wrong.size() + " of " + cases.size() + " answers were not a 4xx with the JSON error body:\n"
        + String.join("\n", wrong.subList(0, Math.min(60, wrong.size()))));
    assertEquals(rowsBefore, tableDigest(db), "the database's rows changed");
    assertEquals(countersBefore, counters(), "clustered counters changed");
    assertEquals(locksBefore, locks(), "the held locks changed");
    assertEquals(404, http.get("/jobs/1").statusCode(), "a job was created");
    assertEquals(200, http.get("/health/ready").statusCode(), "the node no longer answers ready");
    assertEquals(200, http.get("/products/1").statusCode(), "the node no longer serves products");
  }

  private static String problem(Case c, RawHttp.Response r) {
    if (r.status() == -1) {
      return "no answer: " + r.problem();
    }
    boolean allowed = c.expected.isEmpty() ? (r.status() >= 400 && r.status() < 500) : c.expected.contains(r.status());
    if (!allowed) {
      return "status " + r.status() + ", expected " + (c.expected.isEmpty() ? "a 4xx" : c.expected);
    }
    if (!String.valueOf(r.header("content-type")).startsWith("application/json")) {
      return "content-type " + r.header("content-type");
    }
    JsonObject body = r.json();
    if (body == null || !(body.getValue("error") instanceof String) || !(body.getValue("message") instanceof String)
        || body.getString("message").isBlank()) {
      return "not the JSON error body";
    }
    if (r.body().contains("Exception") || r.body().contains("\tat ")) {
      return "a stack trace leaks";
    }
    if (r.header("x-storefront-node") == null) {
      return "no X-Storefront-Node header";
    }
    return null;
  }

  @Test
  @DisplayName("escapes of unreserved characters are the same URI (RFC 3986, 6.2.2.2): /products/%31 is product 1")
  void unreservedEscapesAreEquivalent() {
    assertEquals(200, http.get("/products/%31").statusCode());
    assertEquals(200, http.get("/products?limit=%35").statusCode());
    assertEquals(200, http.get("/brands/%34%32").statusCode());
  }
}
