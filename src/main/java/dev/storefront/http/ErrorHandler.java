package dev.storefront.http;

import dev.storefront.failure.Failure;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: domain {@link Failure}s get the status of their kind,
 * {@link ApiError}s keep their status and code; router outcomes (no route, wrong method, body too large, a request the
 * router refuses) get theirs; requests Vert.x refuses before the router (malformed or too long request line or headers,
 * an HTTP version other than 1.0 and 1.1) are answered here too; anything else is a bug, logged here with its stack
 * trace and answered 500 without one. Every body is {@code {"error": code, "message": sentence}}.
 *
 * <p>An error answered before the request's body was read closes the connection after the answer
 * ({@code Connection: close}) once the rest of the body has been read and dropped (within limits), so the unread
 * bytes are never taken for the next request and the client gets to read the answer.
 */
public final class ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);
  private static final long DRAIN_BYTES = 1024 * 1024;
  private static final long DRAIN_MS = 2000;
  private static final int[] ROUTER_STATUSES = {400, 401, 403, 404, 405, 406, 408, 413, 414, 415, 417, 431, 500, 501, 503};

  private ErrorHandler() {
  }

  public static void install(Router router) {
    router.route().failureHandler(ErrorHandler::handle);
    for (int status : ROUTER_STATUSES) {
      // what the router answers by itself (no route, wrong method, a decoder that threw while matching) goes here too
      router.errorHandler(status, ctx -> send(ctx, ctx.failure() != null ? map(ctx) : fromStatus(status, ctx)));
    }
  }

  static void handle(RoutingContext ctx) {
    send(ctx, map(ctx));
  }

  private static ApiError map(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    if (failure instanceof Failure) {
      return ApiError.from((Failure) failure);
    }
    if (failure instanceof ApiError) {
      return (ApiError) failure;
    }
    if (failure instanceof DecodeException) {
      return notJson((DecodeException) failure);
    }
    if (failure == null) {
      return fromStatus(status, ctx);
    }
    if (RequestGate.readingBody(ctx)) {
      // the body handler reports what broke while reading the body: the connection is failing (a chunk that does not
      // decode) or the client went away; either way the request is bad, not the server
      return ApiError.badRequest("the request body could not be read: its framing is malformed (" + reason(failure) + ")");
    }
    if (status >= 400 && status < 500) {
      ApiError byStatus = fromStatus(status, ctx);
      if (String.valueOf(failure.getMessage()).contains("'Host' header") && ctx.request().headers().contains(HttpHeaders.HOST)) {
        // the router refuses a Host it cannot parse with "the 'Host' header is required"
        return ApiError.badRequest("the Host header must be host or host:port, got '"
            + Params.abbreviate(ctx.request().getHeader(HttpHeaders.HOST)) + "'");
      }
      // the router's own refusals (no Host header, a path that does not start with /) carry a fixed sentence
      return failure instanceof VertxException && failure.getMessage() != null
          ? new ApiError(byStatus.status(), byStatus.code(), Params.abbreviate200(failure.getMessage()))
          : byStatus;
    }
    LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), failure);
    return internal();
  }

  private static ApiError notJson(DecodeException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.contains("nesting depth")) {
      return ApiError.badRequest("the request body is nested too deeply to be decoded (at most 1000 levels)");
    }
    return ApiError.badRequest("the request body is not valid JSON");
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
      case 415: return new ApiError(415, "unsupported_media_type", "request bodies must be JSON: send Content-Type: application/json");
      case 408: return new ApiError(408, "request_timeout", "the request did not arrive in time");
      case 417: return new ApiError(417, "expectation_failed", "only the expectation 100-continue is supported");
      case 431: return new ApiError(431, "headers_too_large", "the request headers are too large");
      case 503: return ApiError.unavailable("the service is not available right now", 1);
      default:
        if (status >= 400 && status < 500) {
          return new ApiError(status, "bad_request", "the request was refused");
        }
        return internal();
    }
  }

  private static ApiError internal() {
    return new ApiError(500, "internal_error", "an unexpected error occurred; it has been logged");
  }

  /**
   * For {@code HttpServer.invalidRequestHandler}: a request line or header block Vert.x could not decode, answered
   * 414 (request line over {@code maxLineBytes}), 431 (headers over {@code maxHeaderBytes}) or 400, then closed.
   */
  public static Handler<HttpServerRequest> invalidRequest(int maxLineBytes, int maxHeaderBytes) {
    return request -> {
      Throwable cause = request.decoderResult().cause();
      ApiError error;
      if (cause instanceof TooLongHttpLineException) {
        error = new ApiError(414, "uri_too_long", "the request line is longer than " + maxLineBytes + " bytes");
      } else if (cause instanceof TooLongHttpHeaderException) {
        error = new ApiError(431, "headers_too_large", "the request headers are longer than " + maxHeaderBytes + " bytes");
      } else {
        error = ApiError.badRequest("the request line or headers are malformed (" + reason(cause) + ")");
      }
      sendAndClose(request, error);
    };
  }

  /** A request line naming a version other than HTTP/1.0 or HTTP/1.1: 505, then closed. */
  public static void unsupportedVersion(HttpServerRequest request) {
    sendAndClose(request, new ApiError(505, "http_version_not_supported", "this server speaks HTTP/1.1 and HTTP/1.0 only"));
  }

  private static void sendAndClose(HttpServerRequest request, ApiError error) {
    HttpServerResponse response = request.response();
    if (!response.ended() && !response.closed()) {
      write(response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE), error);
    }
    request.connection().close();
  }

  public static void send(RoutingContext ctx, ApiError error) {
    respond(ctx.vertx(), ctx.request(), error, RequestGate.mustClose(ctx));
  }

  /**
   * For a request served without the router: a {@link Failure} or {@link ApiError} answered as the router's failure
   * handler would; anything else is a bug, logged with its stack trace and answered 500.
   */
  public static void respond(Vertx vertx, HttpServerRequest request, Throwable failure) {
    ApiError error;
    if (failure instanceof Failure) {
      error = ApiError.from((Failure) failure);
    } else if (failure instanceof ApiError) {
      error = (ApiError) failure;
    } else {
      LOG.error("unexpected failure on {} {}", request.method(), request.path(), failure);
      error = internal();
    }
    respond(vertx, request, error, false);
  }

  /**
   * Answers {@code request} with {@code error} (unless its response was ended or begun: then it is reset); the
   * connection closes afterwards when {@code close} is set or the body was not read (after draining it).
   */
  public static void respond(Vertx vertx, HttpServerRequest request, ApiError error, boolean close) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
      return;
    }
    boolean unread = RequestGate.hasBody(request) && !request.isEnded();
    if (unread || close) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    write(response, error);
    if (unread || close) {
      // a connection failing on a body it cannot decode is closed by Vert.x as soon as this returns: flush first
      VertxInternals.flush(request.connection());
    }
    if (close) {
      request.connection().close(); // framing refused or a body too slow: nothing more is read
    } else if (unread) {
      drainThenClose(vertx, request);
    }
  }

  /**
   * Reads and drops the rest of a body the answer did not need (up to {@value #DRAIN_BYTES} bytes and
   * {@value #DRAIN_MS} ms), then closes. Closing at once, with the client still sending, makes the kernel answer its
   * next bytes with a reset, which can destroy the answer before the client has read it.
   */
  private static void drainThenClose(Vertx vertx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    long[] dropped = {0};
    long timer = vertx.setTimer(DRAIN_MS, id -> connection.close());
    Runnable close = () -> {
      vertx.cancelTimer(timer);
      connection.close();
    };
    try {
      request.handler(chunk -> {
        dropped[0] += chunk.length();
        if (dropped[0] > DRAIN_BYTES) {
          close.run();
        }
      }).endHandler(v -> close.run()).exceptionHandler(e -> close.run());
      request.resume();
    } catch (IllegalStateException ended) {
      close.run(); // the body ended meanwhile
    }
  }

  private static void write(HttpServerResponse response, ApiError error) {
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (error.retryAfterSeconds() != null) {
      response.putHeader("retry-after", String.valueOf(error.retryAfterSeconds()));
    }
    response.end(error.body().encode());
  }

  /** A decoder's complaint in a few printable words (its class when it has no message). */
  private static String reason(Throwable cause) {
    if (cause == null) {
      return "no detail";
    }
    String m = cause.getMessage();
    if (m == null || m.isBlank()) {
      return cause.getClass().getSimpleName();
    }
    StringBuilder b = new StringBuilder();
    for (char c : m.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return Params.abbreviate200(b.toString());
  }

  private static String safePath(RoutingContext ctx) {
    return Params.abbreviate(ctx.request().path() == null ? "/" : ctx.request().path());
  }
}
