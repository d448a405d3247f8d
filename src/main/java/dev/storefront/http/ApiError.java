package dev.storefront.http;

import io.vertx.core.json.JsonObject;

/**
 * A failure with an HTTP meaning. Handlers fail their {@code RoutingContext} with one of these (or
 * return a failed future carrying one); {@link ErrorHandler} turns it into
 * {@code {"error": code, "message": sentence}} with the status, in one place for the whole router.
 */
public final class ApiError extends RuntimeException {

  private final int status;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiError(int status, String code, String message, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(401, "unauthorized", message);
  }

  public static ApiError unavailable(String message, int retryAfterSeconds) {
    return new ApiError(503, "unavailable", message, retryAfterSeconds);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public JsonObject body() {
    return new JsonObject().put("error", code).put("message", getMessage());
  }
}
