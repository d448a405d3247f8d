package dev.storefront.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Steady client load for fault tests: {@code clients} threads, each with one keep-alive HTTP/1.1 connection and one
 * GET in flight at a time, each starting a request every {@code intervalMs} (or at once when the last took longer):
 * paced, so that the load leaves the machine's cores room for what the test watches, such as a node restarting. Every request is recorded: when it started and ended, its status
 * (or the I/O error that ended it), whether it opened its connection, and the node that connection had reached
 * ({@code X-Storefront-Node} of its first answer). A failed request closes its connection; the next one opens a new
 * one. Plain blocking sockets on the clients' own threads, never an event loop.
 */
public final class SteadyLoad implements AutoCloseable {

  /** One request. {@code status} -1: an I/O error ({@code error}); {@code connectionNode} null: none answered on it before. */
  public record Outcome(int client, long startNanos, long endNanos, int status, String node, String retryAfter,
                        long connection, boolean newConnection, String connectionNode, String error) {

    public boolean ok() {
      return status == 200;
    }

    public double millis() {
      return (endNanos - startNanos) / 1e6;
    }
  }

  private final String host;
  private final int port;
  private final int timeoutMs;
  private final IntFunction<String> path;
  private final long intervalNanos;
  private final List<Thread> threads = new ArrayList<>();
  private final List<Outcome> outcomes = new ArrayList<>();
  private final AtomicLong connections = new AtomicLong();
  private volatile boolean running = true;

  private SteadyLoad(String host, int port, int timeoutMs, long intervalMs, IntFunction<String> path) {
    this.host = host;
    this.port = port;
    this.timeoutMs = timeoutMs;
    this.intervalNanos = intervalMs * 1_000_000;
    this.path = path;
  }

  /**
   * Starts the clients; request {@code i} of a client asks for {@code path.apply(i)}; a request not answered within
   * {@code timeoutMs} ends as an error (a hang shows as one); a client starts a request every {@code intervalMs}.
   */
  public static SteadyLoad start(String host, int port, int clients, int intervalMs, int timeoutMs,
                                 IntFunction<String> path) {
    SteadyLoad load = new SteadyLoad(host, port, timeoutMs, intervalMs, path);
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> load.run(client), "steady-load-" + c);
      t.setDaemon(true);
      load.threads.add(t);
    }
    load.threads.forEach(Thread::start);
    return load;
  }

  /** The outcomes so far, in the order they ended. */
  public List<Outcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  /** How many requests have been answered 200 so far. */
  public long answered() {
    synchronized (outcomes) {
      return outcomes.stream().filter(Outcome::ok).count();
    }
  }

  /** Stops the clients (each finishes its request in flight) and returns every outcome. */
  public List<Outcome> stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(timeoutMs + 5000L);
    }
    return outcomes();
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private void run(int client) {
    Socket socket = null;
    InputStream in = null;
    long connection = 0;
    String connectionNode = null;
    long next = System.nanoTime();
    for (int i = 0; running; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait); // the pace of the load, not a wait for an event
      }
      next = Math.max(next + intervalNanos, System.nanoTime());
      long start = System.nanoTime();
      boolean fresh = socket == null;
      try {
        if (fresh) {
          socket = new Socket();
          socket.connect(new InetSocketAddress(host, port), timeoutMs);
          socket.setSoTimeout(timeoutMs);
          socket.setTcpNoDelay(true);
          in = new BufferedInputStream(socket.getInputStream());
          connection = connections.incrementAndGet();
          connectionNode = null;
        }
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path.apply(i) + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        Response r = read(in);
        record(new Outcome(client, start, System.nanoTime(), r.status, r.node, r.retryAfter, connection, fresh,
            connectionNode, null));
        if (connectionNode == null) {
          connectionNode = r.node;
        }
        if (r.close) {
          socket.close();
          socket = null;
        }
      } catch (IOException | RuntimeException e) {
        record(new Outcome(client, start, System.nanoTime(), -1, null, null, connection, fresh, connectionNode,
            e.toString()));
        close(socket);
        socket = null;
      }
    }
    close(socket);
  }

  private void record(Outcome o) {
    synchronized (outcomes) {
      outcomes.add(o);
    }
  }

  private static void close(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private record Response(int status, String node, String retryAfter, boolean close) {
  }

  /** One response off a keep-alive connection: its head, then a body of Content-Length bytes or chunks. */
  private static Response read(InputStream in) throws IOException {
    String statusLine = line(in);
    if (!statusLine.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: '" + statusLine + "'");
    }
    int status = Integer.parseInt(statusLine.substring(9, 12));
    String node = null;
    String retryAfter = null;
    boolean close = false;
    boolean chunked = false;
    long length = 0;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).trim();
      switch (name) {
        case "x-storefront-node" -> node = value;
        case "retry-after" -> retryAfter = value;
        case "connection" -> close = value.equalsIgnoreCase("close");
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        default -> {
        }
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
           size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
        skip(in, size);
        line(in);
      }
      line(in);
    } else {
      skip(in, length);
    }
    return new Response(status, node, retryAfter, close);
  }

  private static void skip(InputStream in, long n) throws IOException {
    if (in.readNBytes((int) n).length < n) {
      throw new IOException("connection closed in a body");
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed" + (b.length() > 0 ? " in a line" : ""));
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
