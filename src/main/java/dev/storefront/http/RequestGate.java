package dev.storefront.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * What every request passes before any route sees it, so that bad input is a 4xx with the JSON error body and never
 * reaches a decoder that throws:
 * <ul>
 *   <li>one Host header at most, no header with an empty name, no Transfer-Encoding but one {@code chunked}
 *   ({@link #headerProblem}; the connection closes after the answer);</li>
 *   <li>the request URI is visible ASCII; every {@code %} starts a complete escape; the escapes of path and query decode
 *   to UTF-8 without NUL; the path has no {@code .} or {@code ..} segment (raw or escaped);</li>
 *   <li>GET, HEAD and DELETE take no body (400); another method's body (a {@code Content-Length} above 0, or
 *   {@code Transfer-Encoding}) is read only when it is JSON
 *   ({@code application/json} or {@code application/*+json}, UTF-8): anything else is a 415 before a byte of it is
 *   read, so no form or multipart decoder ever runs; JSON is read by the BodyHandler up to {@code http.maxBodyBytes}
 *   (413 beyond) within {@code http.requestBodyTimeoutMs} of its head (408 beyond, then the connection closes) and
 *   must be one JSON object ({@link #checkBody}).</li>
 * </ul>
 * {@link #handle} runs first (a request without a body skips the body handler); {@link #checkBody} right after it.
 */
public final class RequestGate implements Handler<RoutingContext> {

  /** How deep a request body may nest; Storefront's bodies are two levels deep. */
  public static final int MAX_JSON_DEPTH = 64;
  private static final String READING_BODY = "storefront.readingBody";
  private static final String CLOSE = "storefront.close";
  private static final String BODY_DEADLINE = "storefront.bodyDeadline";
  private static final JsonFactory JSON = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_JSON_DEPTH).build())
      .build();
  private final BodyHandler bodies;
  private final long bodyTimeoutMs;

  public RequestGate(int maxBodyBytes, long bodyTimeoutMs) {
    this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes).setMergeFormAttributes(false);
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String framing = headerProblem(request.headers());
    if (framing != null) {
      ctx.put(CLOSE, Boolean.TRUE); // where a body ends is unclear: nothing after this request can be trusted
      ctx.fail(ApiError.badRequest(framing));
      return;
    }
    String problem = uriProblem(request.uri(), request.path(), request.query());
    if (problem != null) {
      ctx.fail(ApiError.badRequest(problem));
      return;
    }
    try {
      // decoded once here (both decoders: Vert.x core's and the router's), so no route meets a decoder that throws
      request.params();
      ctx.queryParams();
    } catch (IllegalArgumentException e) {
      ctx.fail(ApiError.badRequest("the query string cannot be decoded"));
      return;
    }
    boolean body = hasBody(request);
    if (!body) {
      ctx.next(); // nothing to read: no body handler on the hot path
      return;
    }
    HttpMethod method = request.method();
    if (method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.DELETE) {
      ctx.fail(ApiError.badRequest("a " + method.name() + " request takes no body"));
      return;
    }
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(type)) {
      ctx.fail(new ApiError(415, "unsupported_media_type", "request bodies must be JSON: send Content-Type: application/json"
          + (type == null ? " (none was given)" : " (got '" + Params.abbreviate(type) + "')")));
      return;
    }
    ctx.put(READING_BODY, Boolean.TRUE);
    long deadline = ctx.vertx().setTimer(bodyTimeoutMs, id -> {
      if (!request.isEnded() && !ctx.response().ended()) {
        ctx.put(CLOSE, Boolean.TRUE); // a client this slow is not waited for any further
        ctx.fail(new ApiError(408, "request_timeout", "the request body did not arrive within " + bodyTimeoutMs + " ms"));
      }
    });
    ctx.put(BODY_DEADLINE, deadline);
    ctx.addEndHandler(v -> ctx.vertx().cancelTimer(deadline));
    bodies.handle(ctx);
  }

  /**
   * Whether {@code request} is a GET that every check of {@link #handle} and {@link #checkBody} passes without a
   * doubt, and that the router would take as it is: HTTP/1.x with a valid Host, no query string, no body, an
   * origin-form URI of visible ASCII without escapes or dot segments, a sound header block. A route may serve such a
   * request without the router; any other request goes through the router and the checks.
   */
  public static boolean plainGet(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET || request.query() != null || !VertxInternals.validAuthority(request)) {
      return false;
    }
    String uri = request.uri();
    String path = request.path();
    if (uri == null || path == null || uri.length() != path.length() || uri.indexOf('%') >= 0
        || uriProblem(uri, path, null) != null) {
      return false;
    }
    return !hasBody(request) && headerProblem(request.headers()) == null;
  }

  /** Whether the connection must close after the answer (the request's framing was refused). */
  static boolean mustClose(RoutingContext ctx) {
    return ctx.get(CLOSE) != null;
  }

  /**
   * What is wrong with the header block, or {@code null}: more than one Host (RFC 9112, 3.2), a header with an empty
   * name, a Transfer-Encoding other than one {@code chunked} (a body framed any other way cannot be delimited; Netty
   * would take such a body for the next request).
   */
  static String headerProblem(MultiMap headers) {
    int hosts = 0;
    int codings = 0;
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (name.isEmpty()) {
        return "a header has an empty name";
      }
      if (name.equalsIgnoreCase("host")) {
        hosts++;
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        codings++;
        if (!header.getValue().trim().equalsIgnoreCase("chunked")) {
          return "Transfer-Encoding must be chunked, got '" + Params.abbreviate(header.getValue()) + "'";
        }
      }
    }
    if (hosts > 1) {
      return "the request has more than one Host header";
    }
    if (codings > 1) {
      return "Transfer-Encoding is given " + codings + " times; give chunked once";
    }
    return null;
  }

  /** Whether the body handler is still reading this request's body (so a failure now is the body's). */
  static boolean readingBody(RoutingContext ctx) {
    return ctx.get(READING_BODY) != null && !ctx.request().isEnded();
  }

  /**
   * After the body handler: a body must be one JSON object in UTF-8 (RFC 8259), nested at most {@value #MAX_JSON_DEPTH}
   * deep, naming no field twice (a repeated {@code "delta"} would otherwise count as its last value), with nothing after
   * it; checked once here with a streaming parse, before any route decodes it.
   */
  public static void checkBody(RoutingContext ctx) {
    Long deadline = ctx.get(BODY_DEADLINE);
    if (deadline != null) {
      ctx.vertx().cancelTimer(deadline); // the body is in
    }
    RequestBody body = ctx.body();
    Buffer buffer = body == null ? null : body.buffer();
    if (buffer != null && buffer.length() > 0) {
      String problem = jsonProblem(buffer.getBytes());
      if (problem != null) {
        ctx.fail(ApiError.badRequest(problem));
        return;
      }
    }
    ctx.next();
  }

  /** What is wrong with a JSON request body, or {@code null}. */
  static String jsonProblem(byte[] body) {
    if (!isUtf8(body)) {
      return "the request body is not valid UTF-8";
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return "the request body must be a JSON object";
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        return "the request body holds more than one JSON value";
      }
      return null;
    } catch (StreamConstraintsException e) {
      return "the request body is nested more than " + MAX_JSON_DEPTH + " levels deep";
    } catch (IOException e) {
      String m = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage() : e.getMessage();
      return "the request body is not valid JSON: " + printable(m == null ? e.getClass().getSimpleName() : m);
    }
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < 120; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  /** Whether the request announces a body: {@code Transfer-Encoding}, or a {@code Content-Length} above 0. */
  static boolean hasBody(HttpServerRequest request) {
    MultiMap headers = request.headers();
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    return length != null && !length.trim().equals("0");
  }

  /** {@code application/json} or {@code application/*+json}, with no charset or UTF-8. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";", -1);
    String media = parts[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json") && !(media.startsWith("application/") && media.endsWith("+json"))) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim().toLowerCase(Locale.ROOT);
      if (param.startsWith("charset=")) {
        String charset = param.substring("charset=".length()).replace("\"", "").trim();
        if (!charset.equals("utf-8") && !charset.equals("utf8")) {
          return false;
        }
      }
    }
    return true;
  }

  /** What is wrong with a request URI, or {@code null}. */
  static String uriProblem(String uri, String path, String query) {
    if (uri == null || uri.isEmpty()) {
      return "the request URI is empty";
    }
    boolean escaped = false;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        return "the request URI must be visible ASCII: percent-encode other bytes (found " + describe(c) + " at " + i + ")";
      }
      if (c == '%') {
        if (i + 2 >= uri.length() || hex(uri.charAt(i + 1)) < 0 || hex(uri.charAt(i + 2)) < 0) {
          return "malformed percent-escape '" + uri.substring(i, Math.min(uri.length(), i + 3))
              + "' in the request URI: % must be followed by two hex digits";
        }
        escaped = true;
      }
    }
    if (path != null && (escaped || path.contains("/."))) {
      byte[] decoded = escaped ? percentDecode(path) : path.getBytes(StandardCharsets.US_ASCII);
      String p = escaped ? problemInDecoded(decoded, "path") : null;
      if (p != null) {
        return p;
      }
      for (String segment : new String(decoded, StandardCharsets.UTF_8).split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          return "the path must not contain '.' or '..' segments";
        }
      }
    }
    if (query != null && escaped) {
      return problemInDecoded(percentDecode(query), "query string");
    }
    return null;
  }

  private static String problemInDecoded(byte[] decoded, String where) {
    for (byte b : decoded) {
      if (b == 0) {
        return "the " + where + " contains an escaped NUL (%00)";
      }
    }
    return isUtf8(decoded) ? null : "the escapes of the " + where + " do not decode to UTF-8";
  }

  /** Percent-decodes (escapes already checked to be complete) into bytes; {@code +} stays as it is. */
  private static byte[] percentDecode(String s) {
    byte[] out = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length()) {
        out[n++] = (byte) (hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    byte[] exact = new byte[n];
    System.arraycopy(out, 0, exact, 0, n);
    return exact;
  }

  static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static String describe(char c) {
    return c == ' ' ? "a space" : String.format("byte 0x%02x", (int) c & 0xff);
  }
}
