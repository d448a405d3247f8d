package dev.storefront.http;

import dev.storefront.failure.Failure;
import io.vertx.core.json.JsonObject;

/**
 * A failure with an HTTP meaning: a domain {@link Failure} given its status, or an outcome only HTTP has
 * (authentication, method, limits). {@link ErrorHandler} turns it into
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

  /** The HTTP form of a domain failure: its kind decides the status. */
  public static ApiError from(Failure failure) {
    return new ApiError(status(failure.kind()), failure.kind().error(), failure.getMessage(), failure.retryAfterSeconds());
  }

  /** The status each kind of domain failure is answered with. */
  public static int status(Failure.Kind kind) {
    switch (kind) {
      case INVALID: return 400;
      case NOT_FOUND: return 404;
      case CONFLICT: return 409;
      case GONE: return 410;
      case UNAVAILABLE: return 503;
      default: throw new IllegalArgumentException(kind.name());
    }
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
