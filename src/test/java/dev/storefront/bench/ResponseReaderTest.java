package dev.storefront.bench;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseReaderTest {

  /** What the reader reported, in order. */
  private static final class Seen implements ResponseReader.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void response(int status, boolean closing, Buffer body) {
      events.add(status + (closing ? " close" : "") + (body == null ? "" : " [" + body + "]"));
    }

    @Override
    public void malformed(String why) {
      events.add("malformed: " + why);
    }
  }

  private static Buffer bytes(String s) {
    return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Feeds {@code wire} cut at every possible place (and whole) and checks each way reads the same. */
  private static String readSplit(String wire, boolean head, boolean keepBody) {
    String whole = read(List.of(wire), head, keepBody);
    for (int cut = 1; cut < wire.length(); cut++) {
      assertEquals(whole, read(List.of(wire.substring(0, cut), wire.substring(cut)), head, keepBody), "cut at " + cut);
    }
    List<String> single = new ArrayList<>();
    for (char c : wire.toCharArray()) {
      single.add(String.valueOf(c));
    }
    assertEquals(whole, read(single, head, keepBody), "a byte at a time");
    return whole;
  }

  private static String read(List<String> pieces, boolean head, boolean keepBody) {
    Seen seen = new Seen();
    ResponseReader reader = new ResponseReader(seen);
    reader.expect(head, keepBody);
    for (String p : pieces) {
      reader.feed(bytes(p));
    }
    return String.join(" | ", seen.events);
  }

  @Test
  @DisplayName("Content-Length: the body ends after that many bytes, wherever the reads are cut")
  void contentLength() {
    String wire = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}";
    assertEquals("200 [{\"ok\":true}]", readSplit(wire, false, true));
    assertEquals("200", readSplit(wire, false, false));
  }

  @Test
  @DisplayName("chunked: chunk extensions and trailers are skipped, the body is the chunks' data")
  void chunked() {
    String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n"
        + "0\r\nX-Trailer: t\r\n\r\n";
    assertEquals("200 [Wikipedia in\r\n\r\nchunks.]", readSplit(wire, false, true));
    assertEquals("200", readSplit(wire, false, false));
  }

  @Test
  @DisplayName("no body after HEAD, 204 and 304, whatever Content-Length says; interim 1xx responses are skipped")
  void bodiless() {
    assertEquals("200 []", readSplit("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", true, true));
    assertEquals("204", readSplit("HTTP/1.1 204 No Content\r\n\r\n", false, false));
    assertEquals("304", readSplit("HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n", false, false));
    assertEquals("201 [abc]", readSplit("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + "HTTP/1.1 201 Created\r\nContent-Length: 3\r\n\r\nabc", false, true));
  }

  @Test
  @DisplayName("Connection: close and HTTP/1.0 say the connection ends with this response; keep-alive on 1.0 keeps it")
  void closing() {
    assertEquals("503 close", readSplit("HTTP/1.1 503 Service Unavailable\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n", false, false));
    assertEquals("200 close", readSplit("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false));
    assertEquals("200", readSplit("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false, false));
  }

  @Test
  @DisplayName("without a length the body runs to the connection's close; a close before a response ends fails it")
  void untilClose() {
    Seen seen = new Seen();
    ResponseReader reader = new ResponseReader(seen);
    reader.expect(false, true);
    reader.feed(bytes("HTTP/1.1 200 OK\r\n\r\npart one, "));
    reader.feed(bytes("part two"));
    assertTrue(seen.events.isEmpty());
    reader.closed();
    assertEquals(List.of("200 close [part one, part two]"), seen.events);

    Seen cut = new Seen();
    ResponseReader short_ = new ResponseReader(cut);
    short_.expect(false, false);
    short_.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"));
    short_.closed();
    assertEquals(List.of("malformed: the connection closed before the response ended"), cut.events);
  }

  @Test
  @DisplayName("one response per request: the reader goes back to idle, and bytes nobody asked for are refused")
  void oneAtATime() {
    Seen seen = new Seen();
    ResponseReader reader = new ResponseReader(seen);
    for (int i = 0; i < 3; i++) {
      reader.expect(false, false);
      assertTrue(reader.reading());
      reader.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
      assertFalse(reader.reading());
    }
    assertEquals(List.of("200", "200", "200"), seen.events);
    reader.closed(); // idle: nothing to report
    assertEquals(3, seen.events.size());
    reader.feed(bytes("HTTP/1.1 200 OK\r\n"));
    assertEquals("malformed: bytes from the server without a request in flight", seen.events.get(3));
  }

  @Test
  @DisplayName("what is not an HTTP/1.1 response is malformed, reported once, and nothing after it is read")
  void malformed() {
    assertEquals("malformed: not an HTTP/1.x status line: 'SSH-2.0-OpenSSH_9.2'", read(List.of("SSH-2.0-OpenSSH_9.2\r\n"), false, false));
    assertEquals("malformed: not an HTTP/1.x status line: 'HTTP/2 200'", read(List.of("HTTP/2 200\r\n\r\n"), false, false));
    assertEquals("malformed: an invalid Content-Length: '12a'", read(List.of("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n"), false, false));
    assertEquals("malformed: an invalid Content-Length: '3'",
        read(List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"), false, false));
    assertEquals("malformed: an invalid chunk size: 'zz'",
        read(List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), false, false));
    assertEquals("malformed: a header line without a name and a colon: 'no colon here'",
        read(List.of("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n"), false, false));
    String huge = "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(ResponseReader.MAX_HEAD_BYTES) + "\r\n\r\n";
    assertEquals("malformed: a response head over " + ResponseReader.MAX_HEAD_BYTES + " bytes", read(List.of(huge), false, false));
    String longChunkLine = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "x".repeat(ResponseReader.MAX_CHUNK_LINE_BYTES) + "\r\n";
    assertEquals("malformed: a chunk line over " + ResponseReader.MAX_CHUNK_LINE_BYTES + " bytes", read(List.of(longChunkLine), false, false));
  }

  @Test
  @DisplayName("a kept body of a response without one is empty, not missing; an unkept body is null")
  void keptBodies() {
    String empty = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    assertEquals("200 []", read(List.of(empty), false, true), "kept: an empty body");
    assertEquals("200", read(List.of(empty), false, false), "not kept: no body at all");
  }
}
