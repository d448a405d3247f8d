package dev.storefront.jobs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A client of a running Storefront's job API ({@code POST /jobs}, then {@code GET /jobs/{id}/events} to the end):
 * it waits on the job's server-sent events on one connection, so following a job costs no polling. Used by
 * {@code wordcount --url} and {@code bench wordcount}.
 */
public final class JobApiClient {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;

  /** {@code baseUrl}: {@code http://host:port}, with or without a trailing slash. */
  public JobApiClient(String baseUrl) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /**
   * Submits {@code request} (the body of {@code POST /jobs}) and follows the job to its end, giving every state
   * the event stream carries to {@code progress}. Returns the terminal state ({@code state} is succeeded, failed or
   * cancelled), or {@code {"error": ...}} when the job was refused or the stream ended first.
   */
  public JsonObject run(JsonObject request, Consumer<JsonObject> progress) throws IOException, InterruptedException {
    HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (submitted.statusCode() != 202) {
      return new JsonObject().put("error", "HTTP " + submitted.statusCode() + ": " + submitted.body());
    }
    long id = new JsonObject(submitted.body()).getLong("id");
    HttpResponse<Stream<String>> events = http.send(
        HttpRequest.newBuilder(URI.create(base + "/jobs/" + id + "/events")).GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    try (Stream<String> lines = events.body()) {
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data: ")) {
          JsonObject state = new JsonObject(line.substring(6));
          progress.accept(state);
          if (JobStates.TERMINAL.contains(state.getString("state"))) {
            return state;
          }
        }
      }
    }
    return new JsonObject().put("id", id).put("error", "the event stream of job " + id + " ended before the job");
  }

  /** {@code GET path} (from the base URL) as a string; an answer other than 200 is an {@link IOException}. */
  public String get(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
