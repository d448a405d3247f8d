package dev.storefront.http;

import org.junit.jupiter.api.DisplayName;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestGateTest {

  @Test
  @DisplayName("JSON is application/json or application/*+json, without a charset or in UTF-8; nothing else is")
  void jsonContentTypes() {
    assertTrue(RequestGate.isJson("application/json"));
    assertTrue(RequestGate.isJson("Application/JSON; charset=UTF-8"));
    assertTrue(RequestGate.isJson("application/merge-patch+json"));
    assertTrue(RequestGate.isJson("application/json; charset=\"utf-8\""));
    assertFalse(RequestGate.isJson(null));
    assertFalse(RequestGate.isJson(""));
    assertFalse(RequestGate.isJson("application/json; charset=latin1"));
    assertFalse(RequestGate.isJson("application/x-www-form-urlencoded"));
    assertFalse(RequestGate.isJson("multipart/form-data; boundary=x"));
    assertFalse(RequestGate.isJson("text/plain"));
    assertFalse(RequestGate.isJson("text/json"));
  }

  @Test
  @DisplayName("a URI passes when it is visible ASCII with complete escapes decoding to UTF-8, no NUL and no dot segments")
  void uris() {
    assertNull(RequestGate.uriProblem("/products?limit=5", "/products", "limit=5"));
    assertNull(RequestGate.uriProblem("/products/%31", "/products/%31", null));
    assertNull(RequestGate.uriProblem("/jobs/1/result?word=%C3%A9t%C3%A9", "/jobs/1/result", "word=%C3%A9t%C3%A9"));
    assertNull(RequestGate.uriProblem("/a.b/c..d", "/a.b/c..d", null));
    assertNotNull(RequestGate.uriProblem("/products?limit=%ZZ", "/products", "limit=%ZZ"));
    assertNotNull(RequestGate.uriProblem("/products/%4", "/products/%4", null));
    assertNotNull(RequestGate.uriProblem("/products/%", "/products/%", null));
    assertNotNull(RequestGate.uriProblem("/products/%C0%AF", "/products/%C0%AF", null));
    assertNotNull(RequestGate.uriProblem("/products/%FF", "/products/%FF", null));
    assertNotNull(RequestGate.uriProblem("/products/1%00", "/products/1%00", null));
    assertNotNull(RequestGate.uriProblem("/products?x=%00", "/products", "x=%00"));
    assertNotNull(RequestGate.uriProblem("/products/../brands/1", "/products/../brands/1", null));
    assertNotNull(RequestGate.uriProblem("/products/%2e%2E/brands", "/products/%2e%2E/brands", null));
    assertNotNull(RequestGate.uriProblem("/products/.", "/products/.", null));
    assertNotNull(RequestGate.uriProblem("/products/\u00ff", "/products/\u00ff", null));
    assertNotNull(RequestGate.uriProblem("/products/\t1", "/products/\t1", null));
    assertNotNull(RequestGate.uriProblem("", "", null));
  }

  @Test
  @DisplayName("a body is one JSON object in UTF-8, at most 64 deep, no field named twice, nothing after it")
  void jsonBodies() {
    assertNull(RequestGate.jsonProblem("{\"delta\": 1}".getBytes(StandardCharsets.UTF_8)));
    assertNull(RequestGate.jsonProblem(" {\"a\": {\"b\": [1, 2, {\"c\": \"\u00e9\"}]}} \n".getBytes(StandardCharsets.UTF_8)));
    assertNull(RequestGate.jsonProblem(("{\"a\":" + "[".repeat(62) + "]".repeat(62) + "}").getBytes(StandardCharsets.UTF_8)));
    for (String bad : new String[] {"[1]", "\"x\"", "null", "1", "{", "{\"delta\":}", "{\"delta\":1,}", "{'delta':1}",
        "{\"delta\":1}{\"delta\":2}", "{\"delta\":1} x", "{\"delta\":1,\"delta\":2}", "{\"a\":NaN}", "  ",
        "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}", "[".repeat(10000) + "]".repeat(10000)}) {
      assertNotNull(RequestGate.jsonProblem(bad.getBytes(StandardCharsets.UTF_8)), bad.length() > 50 ? bad.substring(0, 50) : bad);
    }
    assertNotNull(RequestGate.jsonProblem(new byte[] {'{', '"', (byte) 0xff, '"', ':', '1', '}'}));
    // RFC 8259 lets a parser ignore a byte order mark; Jackson does
    assertNull(RequestGate.jsonProblem(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'}));
  }
}
