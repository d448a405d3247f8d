package dev.storefront.bench;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * Times one word-count job through the job API ({@code POST /jobs}, then {@code GET /jobs/{id}} until it ends).
 * Tolerates a Storefront without the job API: the result is then {@code {"status":"skipped","reason":...}}.
 */
final class WordCountProbe {

  /**
   * The job {@code bench scaling} submits: word counts over all customer feedback (the form of the jobs package's
   * {@code JobSpec.describe()}; adjust here if the job API's request differs).
   */
  static final JsonObject JOB = new JsonObject().put("source", new JsonObject().put("type", "feedback"));
  private static final Set<String> FINISHED = Set.of("done", "completed", "succeeded", "failed", "error", "cancelled");

  private WordCountProbe() {
  }

  /** {@code {"status":"ok","seconds":s,"job":{..}}}, {@code {"status":"failed",...}} or {@code {"status":"skipped",...}}. */
  static JsonObject run(String baseUrl, Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> submitted = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/jobs"))
          .timeout(timeout).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(JOB.encode())).build(), HttpResponse.BodyHandlers.ofString());
      if (submitted.statusCode() == 404 || submitted.statusCode() == 405) {
        return skipped("no job API (POST /jobs answered " + submitted.statusCode() + ")");
      }
      if (submitted.statusCode() >= 300) {
        return skipped("POST /jobs answered " + submitted.statusCode() + ": " + submitted.body());
      }
      JsonObject job = json(submitted.body());
      String id = job.getValue("id") != null ? job.getValue("id").toString()
          : job.getValue("jobId") != null ? job.getValue("jobId").toString() : null;
      long deadline = t0 + timeout.toNanos();
      while (!FINISHED.contains(state(job))) {
        if (id == null) {
          return skipped("POST /jobs gave no job id: " + submitted.body());
        }
        if (System.nanoTime() > deadline) {
          return new JsonObject().put("status", "failed").put("reason", "not finished within " + timeout.toSeconds() + " s");
        }
        Thread.sleep(100); // polling interval of the job API, not a guess at an event
        HttpResponse<String> polled = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + id))
            .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
        job = json(polled.body());
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      String status = state(job);
      boolean ok = !(status.equals("failed") || status.equals("error") || status.equals("cancelled"));
      return new JsonObject().put("status", ok ? "ok" : "failed").put("seconds", LoadResult.round(seconds, 3))
          .put("job", job);
    } catch (IOException e) {
      return skipped("job API unreachable: " + e);
    }
  }

  /** The job's state, lower case ({@code state}, or {@code status} as some APIs call it). */
  private static String state(JsonObject job) {
    Object s = job.getValue("state", job.getValue("status"));
    return String.valueOf(s).toLowerCase(Locale.ROOT);
  }

  private static JsonObject json(String body) {
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject().put("status", "unreadable").put("body", body);
    }
  }

  private static JsonObject skipped(String reason) {
    return new JsonObject().put("status", "skipped").put("reason", reason);
  }
}
