package dev.storefront.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * Picks each next request of a {@link LoadWorker}: a {@link Scenario} entry by weight, its {@code {id}} at random,
 * or, for entries that follow pages, the next page a previous response pointed to. One per event loop.
 */
final class RequestMix {

  private static final int PRECOMPUTED_URIS_MAX = 100_000;
  /** Next-page URLs kept per entry; beyond this, further pages are not followed. */
  private static final int PENDING_PAGES_MAX = 1024;

  /** A request to send; {@code page} counts from 1 for an entry's first page. */
  record Request(String name, HttpMethod method, String uri, Buffer body, int entry, int page, boolean wantsBody) {
  }

  private record Page(String uri, int page) {
  }

  private final Scenario scenario;
  private final SplittableRandom random;
  private final double[] cumulative;
  private final String[][] uris;
  private final String[] prefixes;
  private final String[] suffixes;
  private final Buffer[] bodies;
  private final ArrayDeque<Page>[] pending;

  @SuppressWarnings("unchecked")
  RequestMix(Scenario scenario, SplittableRandom random) {
    this.scenario = scenario;
    this.random = random;
    int n = scenario.entries().size();
    cumulative = new double[n];
    uris = new String[n][];
    prefixes = new String[n];
    suffixes = new String[n];
    bodies = new Buffer[n];
    pending = new ArrayDeque[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      Scenario.Entry e = scenario.entries().get(i);
      sum += e.weight();
      cumulative[i] = sum;
      String path = e.path();
      int at = path.indexOf(LoadConfig.ID_PLACEHOLDER);
      prefixes[i] = at < 0 ? path : path.substring(0, at);
      suffixes[i] = at < 0 ? "" : path.substring(at + LoadConfig.ID_PLACEHOLDER.length());
      int range = e.idMax() - e.idMin() + 1;
      if (at < 0) {
        uris[i] = new String[] {path};
      } else if (range <= PRECOMPUTED_URIS_MAX) {
        uris[i] = new String[range];
        for (int k = 0; k < range; k++) {
          uris[i][k] = prefixes[i] + (e.idMin() + k) + suffixes[i];
        }
      }
      bodies[i] = e.body() == null ? null : e.body().toBuffer();
      pending[i] = new ArrayDeque<>();
    }
  }

  Request next() {
    int i = pick();
    Scenario.Entry e = scenario.entries().get(i);
    boolean follows = e.follow() != null;
    Page next = follows ? pending[i].poll() : null;
    if (next != null) {
      return new Request(e.name(), e.method(), next.uri(), bodies[i], i, next.page(), true);
    }
    return new Request(e.name(), e.method(), uri(i, e), bodies[i], i, 1, follows);
  }

  private int pick() {
    if (cumulative.length == 1) {
      return 0;
    }
    double x = random.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  private String uri(int i, Scenario.Entry e) {
    String[] known = uris[i];
    if (known != null) {
      return known.length == 1 ? known[0] : known[random.nextInt(known.length)];
    }
    return prefixes[i] + random.nextInt(e.idMin(), e.idMax() + 1) + suffixes[i];
  }

  /** A successful response to {@code request}: remembers the next page it points to, if any. */
  void answered(Request request, Buffer body) {
    Scenario.Entry e = scenario.entries().get(request.entry());
    if (e.follow() == null || body == null || request.page() >= e.maxPages() || pending[request.entry()].size() >= PENDING_PAGES_MAX) {
      return;
    }
    String next;
    try {
      Object value = new JsonObject(body).getValue(e.follow());
      next = value instanceof String s ? s : null;
    } catch (RuntimeException notJson) {
      return;
    }
    if (next == null || next.isEmpty()) {
      return;
    }
    int scheme = next.indexOf("://");
    if (scheme >= 0) { // an absolute URL: keep its path, the connection already goes to the host
      int path = next.indexOf('/', scheme + 3);
      next = path < 0 ? "/" : next.substring(path);
    }
    if (next.startsWith("/")) {
      pending[request.entry()].add(new Page(next, request.page() + 1));
    }
  }
}
