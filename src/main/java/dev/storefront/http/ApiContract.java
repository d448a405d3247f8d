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
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
    RequestExtractor extractor = RequestExtractor.withBodyHandler();
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
      } catch (ValidatorException e) { // a percent-escape that does not decode is thrown, not returned
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

  /** The operation ids of the contract, for tests and for naming what {@link #validation} skips. */
  public Set<String> operationIds() {
    return Set.copyOf(contract.operations().stream().map(Operation::getOperationId).toList());
  }
}
