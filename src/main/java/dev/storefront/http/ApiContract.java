package dev.storefront.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.core.json.Json;
import io.vertx.json.schema.common.dsl.SchemaType;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.impl.RequestParameterImpl;
import io.vertx.openapi.validation.impl.ValidatableRequestImpl;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The API's OpenAPI 3.1 contract ({@value #RESOURCE} in the jar), served at {@value #PATH}, and the router handler
 * that validates each request against it: the operation is found by path and method, the request is taken apart by
 * vertx-web-openapi-router's {@link RequestExtractor} (after the body handler) and checked by vertx-openapi's
 * {@link RequestValidator}. A refusal is the usual 400 {@code bad_request} naming the parameter or the body; a request
 * the contract does not describe goes on to the router, which answers 404 or 405.
 */
public final class ApiContract {

  public static final String RESOURCE = "openapi.yaml";
  public static final String PATH = "/openapi.yaml";
  private static final CharSequence YAML = HttpHeaders.createOptimized("application/yaml");

  private final OpenAPIContract contract;
  private final Buffer text;

  private ApiContract(OpenAPIContract contract, Buffer text) {
    this.contract = contract;
    this.text = text;
  }

  /** Reads and checks the contract (vertx-openapi validates it against the OpenAPI 3.1 schema). */
  public static Future<ApiContract> load(Vertx vertx) {
    return vertx.executeBlocking(ApiContract::read, false).compose(text -> {
      Map<String, Object> model = new Yaml().load(text.toString(StandardCharsets.UTF_8));
      return OpenAPIContract.from(vertx, new JsonObject(model)).map(contract -> new ApiContract(contract, text));
    });
  }

  private static Buffer read() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** {@code GET /openapi.yaml}: the contract as written. */
  public void mount(Router router) {
    router.get(PATH).handler(Params.query()).handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, YAML).end(text));
  }

  /**
   * The validating handler, for every route after the body handler: operations whose id is in {@code unchecked} pass
   * without validation (their routes check their own input).
   */
  public Handler<RoutingContext> validation(Vertx vertx, Set<String> unchecked) {
    RequestValidator validator = RequestValidator.create(vertx, contract);
    RequestExtractor extractor = ApiContract::extract;
    return ctx -> {
      Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
      if (operation == null || unchecked.contains(operation.getOperationId())) {
        ctx.next();
        return;
      }
      Future<?> checked;
      try {
        checked = extractor.extractValidatableRequest(ctx, operation)
            .compose(request -> validator.validate(request, operation.getOperationId()));
      } catch (RuntimeException e) {
        checked = Future.failedFuture(e);
      }
      checked.onComplete(ar -> {
        if (ar.succeeded()) {
          ctx.next();
        } else if (ar.cause() instanceof ValidatorException) {
          ctx.fail(ApiError.badRequest(sentence(ar.cause().getMessage())));
        } else {
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /**
   * The request as the validator takes it, from what the router has already decoded (path and query parameters) and
   * the body handler read. Not vertx-web-openapi-router's {@code RequestExtractor.withBodyHandler()}, which decodes
   * percent-escapes a second time (so {@code C%2B%2B} would become "C  ") and hands strings over as they are, so that
   * the validator reads a name like {@code 2.5} as a number and refuses it: here strings go as JSON strings. The
   * content type is lower-cased, as media types are case-insensitive.
   */
  private static Future<ValidatableRequest> extract(RoutingContext ctx, Operation operation) {
    Map<String, RequestParameter> path = new HashMap<>();
    Map<String, RequestParameter> query = new HashMap<>();
    for (Parameter p : operation.getParameters()) {
      if (p.getIn() == Location.PATH) {
        String raw = pathSegment(ctx.request().path(), RequestUtils.findPathSegment(operation.getAbsoluteOpenAPIPath(), p.getName()));
        path.put(p.getName(), new RequestParameterImpl(raw == null ? null : primitive(p, p.getSchemaType(), raw)));
      } else if (p.getIn() == Location.QUERY) {
        List<String> values = ctx.queryParam(p.getName());
        Object value = null;
        if (!values.isEmpty() && p.getSchemaType() == SchemaType.ARRAY) {
          SchemaType items = itemType(p);
          StringBuilder joined = new StringBuilder();
          for (String v : values) {
            joined.append(joined.length() == 0 ? "" : "&").append(p.getName()).append('=').append(primitive(p, items, v));
          }
          value = joined.toString();
        } else if (!values.isEmpty()) {
          value = primitive(p, p.getSchemaType(), values.get(0));
        }
        query.put(p.getName(), new RequestParameterImpl(value));
      }
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    RequestParameter body = new RequestParameterImpl(operation.getRequestBody() == null || ctx.body() == null ? null
        : ctx.body().buffer());
    return Future.succeededFuture(new ValidatableRequestImpl(Map.of(), Map.of(), path, query, body,
        type == null ? null : type.toLowerCase(Locale.ROOT)));
  }

  /** Segment {@code index} (from 1) of {@code path}, percent-decoded once ({@code +} is a plus in a path); null if absent. */
  private static String pathSegment(String path, int index) {
    String[] segments = path.substring(1).split("/", -1);
    if (index < 1 || index > segments.length) {
      return null;
    }
    try {
      return URLDecoder.decode(segments[index - 1].replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("the path has a malformed percent-escape");
    }
  }

  /** A string as a JSON string (with {@code &} escaped, so an exploded array's items stay apart); else the text. */
  private static String primitive(Parameter p, SchemaType type, String raw) {
    return type == SchemaType.STRING ? Json.encode(raw).replace("&", "\\u0026") : raw;
  }

  private static SchemaType itemType(Parameter p) {
    Object items = p.getSchema().get("items");
    Object type = items instanceof JsonObject ? ((JsonObject) items).getValue("type")
        : items instanceof Map ? ((Map<?, ?>) items).get("type") : null;
    return "string".equals(type) ? SchemaType.STRING : null;
  }

  /**
   * The validator's message in the service's voice: "The value of query parameter limit is invalid. Reason: ..."
   * becomes "query parameter limit is invalid: ...", printable and at most about 200 characters.
   */
  static String sentence(String message) {
    String m = message == null ? "the request does not match the API contract" : message
        .replace("The related request / response does not contain the required ", "missing required ")
        .replace("The related request does not contain the required body.", "a JSON body is required")
        .replaceFirst("^The value of (the )?", "")
        .replace(" is invalid. Reason: ", " is invalid: ")
        .replaceFirst("^The ", "");
    StringBuilder b = new StringBuilder();
    for (char c : m.toCharArray()) {
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return Params.abbreviate200(b.toString());
  }
}
