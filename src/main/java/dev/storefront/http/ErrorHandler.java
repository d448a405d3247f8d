package dev.storefront.http;

import dev.storefront.failure.Failure;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: domain {@link Failure}s get the status of their kind,
 * {@link ApiError}s keep their status and code; router
 * outcomes (no route, wrong method, body too large) get theirs; anything else is a bug, logged here with its
 * stack trace and answered 500 without one. Every body is {@code {"error": code, "message": sentence}}.
 */
public final class ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

  private ErrorHandler() {
  }

  public static void install(Router router) {
    router.route().failureHandler(ErrorHandler::handle);
    router.errorHandler(404, ctx -> send(ctx, new ApiError(404, "not_found", "no resource at " + safePath(ctx))));
    router.errorHandler(405, ctx -> send(ctx, new ApiError(405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + safePath(ctx))));
    router.errorHandler(413, ctx -> send(ctx, new ApiError(413, "payload_too_large", "the request body is too large")));
    router.errorHandler(500, ErrorHandler::handle);
  }

  static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ApiError error;
    if (failure instanceof Failure) {
      error = ApiError.from((Failure) failure);
    } else if (failure instanceof ApiError) {
      error = (ApiError) failure;
    } else if (failure instanceof DecodeException) {
      error = ApiError.badRequest("the request body is not valid JSON");
    } else if (failure == null) {
      error = fromStatus(ctx.statusCode(), ctx);
    } else {
      LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
      error = new ApiError(500, "internal_error", "an unexpected error occurred; it has been logged");
    }
    send(ctx, error);
  }

  private static ApiError fromStatus(int status, RoutingContext ctx) {
    switch (status) {
      case 400: return ApiError.badRequest("the request is malformed");
      case 401: return ApiError.unauthorized("authentication is required");
      case 403: return new ApiError(403, "forbidden", "this is not allowed");
      case 404: return new ApiError(404, "not_found", "no resource at " + safePath(ctx));
      case 405: return new ApiError(405, "method_not_allowed", ctx.request().method() + " is not allowed on " + safePath(ctx));
      case 413: return new ApiError(413, "payload_too_large", "the request body is too large");
      case 414: return new ApiError(414, "uri_too_long", "the request URI is too long");
      case 415: return new ApiError(415, "unsupported_media_type", "send application/json");
      case 431: return new ApiError(431, "headers_too_large", "the request headers are too large");
      case 503: return ApiError.unavailable("the service is not available right now", 1);
      default:
        if (status >= 400 && status < 500) {
          return new ApiError(status, "bad_request", "the request was refused");
        }
        return new ApiError(500, "internal_error", "an unexpected error occurred; it has been logged");
    }
  }

  public static void send(RoutingContext ctx, ApiError error) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(error.status()).putHeader("content-type", "application/json");
    if (error.retryAfterSeconds() != null) {
      response.putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
    }
    response.end(error.body().encode());
  }

  private static String safePath(RoutingContext ctx) {
    return Params.abbreviate(ctx.request().path() == null ? "/" : ctx.request().path());
  }
}
