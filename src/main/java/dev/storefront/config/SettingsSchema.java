package dev.storefront.config;

import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting Storefront knows, with its type, default, bounds and meaning. The single source of
 * truth: {@code config/storefront.json} and README's settings table mirror it (a test checks both).
 */
public final class SettingsSchema {

  public enum Type { INT, LONG, BOOL, STRING }

  public record Key(String section, String name, Type type, Object defaultValue, long min, long max,
                    Set<String> allowed, String description) {

    public String dotted() {
      return section + "." + name;
    }

    /** {@code db.connectionsPerEventLoop} is {@code STOREFRONT_DB_CONNECTIONS_PER_EVENT_LOOP}. */
    public String envName() {
      return "STOREFRONT_" + section.toUpperCase(Locale.ROOT) + "_"
          + name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    Object coerce(Object value, String origin) {
      if (value == null) {
        throw new SettingsException(dotted(), "must not be null (" + origin + ")");
      }
      switch (type) {
        case BOOL: {
          if (value instanceof Boolean) {
            return value;
          }
          String s = value.toString().trim().toLowerCase(Locale.ROOT);
          if (s.equals("true") || s.equals("false")) {
            return Boolean.valueOf(s);
          }
          throw new SettingsException(dotted(), "expected true or false, got '" + value + "' (" + origin + ")");
        }
        case INT:
        case LONG: {
          long n;
          if (value instanceof Number && !(value instanceof Double || value instanceof Float)) {
            n = ((Number) value).longValue();
          } else if (value instanceof String) {
            try {
              n = Long.parseLong(((String) value).trim());
            } catch (NumberFormatException e) {
              throw new SettingsException(dotted(), "expected an integer, got '" + value + "' (" + origin + ")");
            }
          } else {
            throw new SettingsException(dotted(), "expected an integer, got '" + value + "' (" + origin + ")");
          }
          if (n < min || n > max) {
            throw new SettingsException(dotted(), "must be between " + min + " and " + max + ", got " + n + " (" + origin + ")");
          }
          return type == Type.INT ? (Object) (int) n : (Object) n;
        }
        default: {
          if (!(value instanceof String)) {
            throw new SettingsException(dotted(), "expected a string, got '" + value + "' (" + origin + ")");
          }
          String s = (String) value;
          if (!allowed.isEmpty() && !allowed.contains(s)) {
            throw new SettingsException(dotted(), "must be one of " + allowed + ", got '" + s + "' (" + origin + ")");
          }
          return s;
        }
      }
    }
  }

  private static Key integer(String section, String name, int def, long min, long max, String description) {
    return new Key(section, name, Type.INT, def, min, max, Set.of(), description);
  }

  private static Key longKey(String section, String name, long def, long min, long max, String description) {
    return new Key(section, name, Type.LONG, def, min, max, Set.of(), description);
  }

  private static Key bool(String section, String name, boolean def, String description) {
    return new Key(section, name, Type.BOOL, def, 0, 0, Set.of(), description);
  }

  private static Key string(String section, String name, String def, String description) {
    return new Key(section, name, Type.STRING, def, 0, 0, Set.of(), description);
  }

  private static Key oneOf(String section, String name, String def, Set<String> allowed, String description) {
    return new Key(section, name, Type.STRING, def, 0, 0, allowed, description);
  }

  private static final List<Key> KEYS = List.of(
      integer("http", "port", 8080, 1, 65535, "HTTP port every node binds (shared with SO_REUSEPORT)"),
      string("http", "host", "127.0.0.1", "HTTP bind address; loopback unless you choose otherwise (0.0.0.0 for all interfaces)"),
      integer("http", "maxBodyBytes", 65536, 1024, 64L * 1024 * 1024, "largest request body accepted; larger is 413"),
      integer("http", "maxRequestLineBytes", 4096, 256, 65536, "longest request line (method, URI, version) accepted; longer is 414"),
      integer("http", "maxHeaderBytes", 8192, 1024, 1024 * 1024, "largest header block accepted; larger is 431"),
      integer("http", "idleTimeoutSeconds", 120, 1, 86400, "a connection with no bytes moving for this long is closed; a later request's line and headers must also be complete within it of the previous response"),
      integer("http", "requestHeadTimeoutMs", 10000, 100, 600_000, "a new connection's first request line and headers must be complete within this (else it is closed: a client trickling bytes resets the idle timeout)"),
      integer("http", "requestBodyTimeoutMs", 30000, 100, 3_600_000, "a request body must be complete within this of its headers; else 408 and the connection closes"),
      integer("http", "maxInFlight", 128, 1, 1_000_000, "requests in flight per node (all its event loops); past it a request is answered 503 with Retry-After at once"),
      integer("http", "maxStreams", 256, 1, 100_000, "server-sent event streams open at once per node (/jobs/events, /jobs/{id}/events); they do not count as requests in flight; past it a new stream is answered 503"),
      bool("http", "validateRequests", true, "check every request against the OpenAPI contract (GET /openapi.yaml) before its route runs; a request it refuses is a 400 naming the parameter"),
      bool("http", "accessLog", false, "log one line per request (method, route pattern, status, duration, node) to the logger dev.storefront.access"),
      oneOf("log", "format", "text", Set.of("text", "json"), "log lines as text for people, or json: one JSON object per line (logstash-logback-encoder) with the node's name; serve passes it to its nodes"),
      string("db", "url", "", "postgresql://user:pass@host:port/db of an external PostgreSQL; empty starts the embedded one"),
      string("db", "embeddedDir", "target/storefront-pg", "data directory of the embedded PostgreSQL"),
      integer("db", "embeddedPort", 0, 0, 65535, "port of the embedded PostgreSQL; 0 picks a free one"),
      oneOf("db", "layout", "per-event-loop", Set.of("per-event-loop", "pool"),
          "per-event-loop: pipelined connections owned by each HTTP verticle; pool: a Vert.x pool per HTTP verticle"),
      integer("db", "connectionsPerEventLoop", 1, 1, 64, "pipelined connections per event loop (layout per-event-loop) or pool size per event loop (layout pool)"),
      integer("db", "pipeliningLimit", 256, 1, 4096, "queries in flight on one connection"),
      integer("db", "poolSize", 4, 1, 256, "connections of the shared pool used for listings, health and jobs"),
      bool("db", "failFast", false, "fail start-up when PostgreSQL is unreachable (otherwise start and report not-ready)"),
      integer("db", "reconnectIntervalMs", 1000, 50, 60000, "pause between attempts to reconnect a lost connection"),
      integer("db", "statementTimeoutMs", 5000, 0, 3_600_000, "statement_timeout sent at connect: PostgreSQL cancels a statement running longer and the request is a 503 (0: none)"),
      integer("db", "connectTimeoutMs", 5000, 100, 600_000, "how long connecting to PostgreSQL, or waiting for a pooled connection, may take"),
      integer("db", "maxWaitQueueSize", 256, 0, 1_000_000, "requests a pool queues for a connection; past it a request fails at once (503)"),

      integer("catalog", "brandCacheSeconds", 60, 0, 86400, "how long each event loop trusts its copy of the brand names (0: ask PostgreSQL every time)"),

      string("cluster", "name", "storefront", "Hazelcast cluster name; nodes join only clusters of the same name"),
      string("cluster", "host", "127.0.0.1", "interface Hazelcast and the event bus bind and advertise"),
      integer("cluster", "port", 5701, 1, 65535, "first Hazelcast port (the next free one up to +100 is used)"),
      string("cluster", "members", "127.0.0.1", "comma-separated host or host:port list for TCP-IP join (a host without port is probed on 8 ports from cluster.port)"),
      oneOf("cluster", "join", "tcp-ip", Set.of("tcp-ip", "kubernetes"),
          "how members find each other: tcp-ip (the cluster.members list) or kubernetes (the pods behind cluster.kubernetesServiceDns)"),
      string("cluster", "kubernetesServiceDns", "storefront-hz.default.svc.cluster.local",
          "with cluster.join=kubernetes: the DNS name of the headless Service whose pods are the members"),
      string("cluster", "configFile", "config/cluster.xml", "Hazelcast XML loaded by the nodes (built-in copy when absent)"),

      integer("node", "processes", 0, 0, 256, "node processes forked by serve; 0 means one per core"),
      integer("node", "eventLoops", 0, 0, 256, "event loops (and HTTP verticles) per node; 0 means 1 when processes > 1, else one per core"),
      string("node", "jvmOptions", "-Xms64m -Xmx512m -XX:+UseSerialGC -Xss512k",
          "JVM options serve passes to each node process"),
      integer("node", "drainTimeoutMs", 10000, 0, 600000, "time nodes get to finish in-flight work on SIGTERM"),
      integer("node", "readyTimeoutMs", 90000, 1000, 600000, "time serve gives each node to report ready before it kills and restarts it"),
      integer("node", "restartBackoffMs", 500, 10, 600000, "first restart delay of a crashed node (doubles each crash)"),
      integer("node", "maxCrashes", 5, 1, 1000, "crashes before readiness (or in a row within a minute) after which serve gives up"),

      integer("stats", "flushIntervalMs", 1000, 50, 60000, "how often a node flushes its local request counts to the clustered counters"),

      bool("metrics", "enabled", true, "Micrometer metrics (HTTP by route, SQL clients and pools, event bus, JVM, jobs, coordination) on each node's /metrics; false builds Vert.x without metrics"),

      integer("management", "port", 9100, 0, 65535, "base of each node's own management port (/metrics, /health/*): serve's node-i listens on port+i, a node started by hand on port itself; 0 picks a free one (/cluster lists each managementUrl)"),
      string("management", "host", "127.0.0.1", "management bind address (0.0.0.0 for all interfaces; /cluster then advertises cluster.host)"),

      oneOf("coordination", "mode", "ap", Set.of("ap", "cp"),
          "ap: counters and locks in Hazelcast maps (available in a partition, may diverge); cp: Hazelcast's CP subsystem (Raft; a side without a majority answers 503)"),
      integer("coordination", "cpMembers", 3, 3, 99, "mode cp: Hazelcast CP member count, the first members to join form the CP subsystem (groups of this size, odd, at most 7)"),
      integer("coordination", "cpTimeoutMs", 3000, 100, 120000, "mode cp: longest wait for one CP operation before answering 503 (without a majority Hazelcast itself retries for about 2 minutes)"),
      integer("coordination", "lockLeaseDefaultMs", 30000, 100, 86400000, "lease of a lock acquired without leaseMs: after it the lock is free and its token stale"),
      integer("coordination", "lockLeaseMaxMs", 300000, 100, 86400000, "largest leaseMs a lock request may ask for (more is a 400)"),

      bool("admin", "enabled", true, "serve /counters and /locks"),
      string("admin", "token", "", "when set, admin endpoints require Authorization: Bearer <token>"),

      string("jobs", "dataDir", "target/data", "directory that word-count file sources must lie in"),
      integer("jobs", "workersPerNode", 0, 0, 256, "word-count worker verticles per node; 0 means one per core"),
      longKey("jobs", "partitionBytes", 0, 0, Long.MAX_VALUE, "bytes per file partition; 0 picks one from the file size and the workers"),
      integer("jobs", "partitionRows", 0, 0, Integer.MAX_VALUE, "feedback rows per partition; 0 picks one from the row count and the workers"),
      integer("jobs", "maxAttempts", 3, 1, 100, "attempts per map task before the job fails"),
      integer("jobs", "taskTimeoutMs", 30000, 100, 3600000, "time a map task may take before it is retried elsewhere"),
      integer("jobs", "keepFinishedSeconds", 86400, 1, 31536000, "how long the state of an ended job is kept; then GET /jobs/{id} is a 404"),
      string("jobs", "faultInjection", "", "testing only: fail:<partition> or stall:<partition> makes the first attempt at that partition fail or stall"),

      string("dashboard", "benchDir", "target/bench", "directory whose bench reports the dashboard lists and serves (/bench/reports)")
  );

  private static final Map<String, Key> BY_DOTTED = KEYS.stream().collect(Collectors.toMap(Key::dotted, Function.identity()));
  private static final Map<String, Key> BY_ENV = KEYS.stream().collect(Collectors.toMap(Key::envName, Function.identity()));

  private SettingsSchema() {
  }

  public static List<Key> keys() {
    return KEYS;
  }

  public static Optional<Key> key(String dotted) {
    return Optional.ofNullable(BY_DOTTED.get(dotted));
  }

  public static Optional<Key> byEnvName(String env) {
    return Optional.ofNullable(BY_ENV.get(env));
  }

  public static JsonObject defaults() {
    JsonObject root = new JsonObject();
    for (Key k : KEYS) {
      JsonObject section = root.getJsonObject(k.section());
      if (section == null) {
        section = new JsonObject();
        root.put(k.section(), section);
      }
      section.put(k.name(), k.defaultValue());
    }
    return root;
  }
}
