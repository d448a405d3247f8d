package dev.storefront.jobs;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The client of a running Storefront's job API ({@code POST /jobs}, then {@code GET /jobs/{id}/events} to the end):
 * it follows a job on its server-sent events, on one connection, so following a job costs no polling; a job's
 * state there is {@code pending}, {@code running}, then one of {@link JobStates#TERMINAL}. Used by
 * {@code wordcount --url}, {@code bench wordcount} and {@code bench scaling}.
 */
public final class JobApiClient {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();
  private final String base;
  private final Duration deadline;

  /** {@code baseUrl}: {@code http://host:port}, with or without a trailing slash; jobs are followed to their end. */
  public JobApiClient(String baseUrl) {
    this(baseUrl, null);
  }

  /** As {@link #JobApiClient(String)}, but {@link #run} gives up on a job not ended within {@code deadline}. */
  public JobApiClient(String baseUrl, Duration deadline) {
    this.base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.deadline = deadline;
  }

  /**
   * Submits {@code request} (the body of {@code POST /jobs}) and follows the job to its end, giving every state
   * the event stream carries to {@code progress} (on the HTTP client's thread). Returns the terminal state
   * ({@code state} is succeeded, failed or cancelled), or {@code {"error": ...}} when it could not follow the job
   * to its end: without an {@code id} when no job was started (the API refused it, the error naming the HTTP
   * status, or could not be reached), with the job's {@code id} when the event stream ended or broke first, or the
   * deadline passed.
   */
  public JsonObject run(JsonObject request, Consumer<JsonObject> progress) throws InterruptedException {
    long started = System.nanoTime();
    HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(request.encode()));
    if (deadline != null) {
      post.timeout(deadline);
    }
    HttpResponse<String> submitted;
    try {
      submitted = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new JsonObject().put("error", "the job API at " + base + " is unreachable: " + e);
    }
    if (submitted.statusCode() != 202) {
      return new JsonObject().put("error", "HTTP " + submitted.statusCode() + ": " + submitted.body());
    }
    long id = new JsonObject(submitted.body()).getLong("id");
    return follow(id, progress, deadline == null ? Long.MAX_VALUE : started + deadline.toNanos());
  }

  /** The job's events until its terminal state; {@code until}: the {@link System#nanoTime()} to give up at. */
  private JsonObject follow(long id, Consumer<JsonObject> progress, long until) throws InterruptedException {
    CompletableFuture<JsonObject> end = new CompletableFuture<>();
    AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    Flow.Subscriber<String> lines = new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription.set(s);
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(String line) {
        if (end.isDone() || !line.startsWith("data: ")) {
          return;
        }
        try {
          JsonObject state = new JsonObject(line.substring(6));
          progress.accept(state);
          if (JobStates.TERMINAL.contains(state.getString("state"))) {
            end.complete(state);
          }
        } catch (RuntimeException e) {
          end.completeExceptionally(e);
        }
        if (end.isDone()) {
          subscription.get().cancel();
        }
      }

      @Override
      public void onError(Throwable t) {
        end.complete(failure(id, "the event stream of job " + id + " broke: " + t));
      }

      @Override
      public void onComplete() {
        end.complete(failure(id, "the event stream of job " + id + " ended before the job"));
      }
    };
    CompletableFuture<HttpResponse<Void>> response = http.sendAsync(
        HttpRequest.newBuilder(URI.create(base + "/jobs/" + id + "/events")).GET().build(),
        HttpResponse.BodyHandlers.fromLineSubscriber(lines));
    response.whenComplete((r, e) -> {
      if (e != null) {
        end.complete(failure(id, "the event stream of job " + id + " broke: " + e));
      }
    });
    try {
      return until == Long.MAX_VALUE ? end.get() : end.get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      end.complete(failure(id, "job " + id + " not finished within " + deadline.toSeconds() + " s"));
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
      response.cancel(true);
      return end.join();
    } catch (ExecutionException e) { // progress threw, or a state was not JSON
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  private static JsonObject failure(long id, String error) {
    return new JsonObject().put("id", id).put("error", error);
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
