package dev.storefront.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Weighted requests for {@code bench http --scenario FILE}: each request picked with probability weight / sum of
 * weights, measured under its own name. A file looks like
 * <pre>{"requests": [
 *   {"name": "product", "weight": 80, "path": "/products/{id}", "ids": "1..1000"},
 *   {"name": "listing", "weight": 15, "path": "/products?limit=20", "follow": "nextUrl", "maxPages": 5},
 *   {"name": "brands", "weight": 4.9, "path": "/brands"},
 *   {"name": "wordcount", "weight": 0.1, "method": "POST", "path": "/jobs", "body": {"source": {"type": "feedback"}}}]}</pre>
 * {@code follow} names a field of the JSON response holding the next page's URL: the next pick of that request
 * fetches it, up to {@code maxPages} pages, then starts again from {@code path}.
 */
public record Scenario(List<Entry> entries) {

  /** One weighted request; {@code name} null only for the single URL of a run without a scenario. */
  public record Entry(String name, double weight, HttpMethod method, String path, int idMin, int idMax,
                      JsonObject body, String follow, int maxPages) {

    public Entry {
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("request '" + name + "': weight must be a positive number, got " + weight);
      }
      if (path == null || !path.startsWith("/")) {
        throw new IllegalArgumentException("request '" + name + "': path must start with '/', got " + path);
      }
      if (idMin < 0 || idMax < idMin) {
        throw new IllegalArgumentException("request '" + name + "': ids must be MIN..MAX with 0 <= MIN <= MAX");
      }
      if (maxPages < 1) {
        throw new IllegalArgumentException("request '" + name + "': maxPages must be at least 1");
      }
    }

    JsonObject toJson() {
      return new JsonObject().put("name", name).put("weight", weight).put("method", method.name()).put("path", path)
          .put("ids", idMin + ".." + idMax).put("body", body).put("follow", follow).put("maxPages", maxPages);
    }
  }

  public Scenario {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a scenario needs at least one request");
    }
    entries = List.copyOf(entries);
  }

  /** The one request of a run without a scenario: {@code GET path} with {@code {id}} from the range. */
  public static Scenario single(String path, int idMin, int idMax) {
    return new Scenario(List.of(new Entry(null, 1, HttpMethod.GET, path, idMin, idMax, null, null, 1)));
  }

  public boolean named() {
    return entries.get(0).name() != null;
  }

  public List<String> names() {
    return entries.stream().map(Entry::name).toList();
  }

  public double totalWeight() {
    return entries.stream().mapToDouble(Entry::weight).sum();
  }

  public static Scenario read(Path file) throws IOException {
    try {
      return fromJson(new JsonObject(Files.readString(file)));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("scenario " + file + " is not valid JSON: " + e.getMessage());
    }
  }

  public static Scenario fromJson(JsonObject json) {
    JsonArray requests = json.getJsonArray("requests");
    if (requests == null) {
      throw new IllegalArgumentException("a scenario is {\"requests\": [{\"name\": ..., \"weight\": ..., \"path\": ...}, ...]}");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      JsonObject r = requests.getJsonObject(i);
      String name = r.getString("name", "request" + (i + 1));
      if (!names.add(name)) {
        throw new IllegalArgumentException("request name '" + name + "' appears twice");
      }
      int[] ids = ids(r.getString("ids", "1..1000"), name);
      HttpMethod method = HttpMethod.valueOf(r.getString("method", "GET").toUpperCase(java.util.Locale.ROOT));
      entries.add(new Entry(name, r.getNumber("weight", 1).doubleValue(), method, r.getString("path"), ids[0], ids[1],
          r.getJsonObject("body"), r.getString("follow"), r.getInteger("maxPages", 10)));
    }
    return new Scenario(entries);
  }

  public JsonObject toJson() {
    JsonArray requests = new JsonArray();
    entries.forEach(e -> requests.add(e.toJson()));
    return new JsonObject().put("requests", requests);
  }

  private static int[] ids(String text, String name) {
    String[] parts = text.trim().split("\\.\\.", -1);
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("request '" + name + "': ids must look like 1..1000, got '" + text + "'");
  }
}
