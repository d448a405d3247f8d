package dev.storefront.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads the HTTP/1.1 responses of one {@link LoadConnection} from its bytes as they arrive, one response per request
 * (the generator never pipelines). It finds where each response ends as RFC 9112 (section 6.3) says: no body for a
 * HEAD request or a 1xx, 204 or 304 status; a chunked body (chunk extensions and trailers skipped); a
 * {@code Content-Length}; else the body runs to the connection's close. Interim 1xx responses are skipped. Only the
 * status, whether the server closes the connection after this response, and (when asked for) the body are kept:
 * reading a response costs a scan of its head and nothing per byte of a body that is not kept.
 * Used on one event loop; not thread-safe.
 */
final class ResponseReader {

  /** Where each response goes. */
  interface Listener {
    /** A whole response; {@code body} is null unless it was asked for. */
    void response(int status, boolean closing, Buffer body);

    /** Bytes that are not an HTTP/1.1 response, or that came without a request: the connection is unusable. */
    void malformed(String why);
  }

  /** A response head (status line and headers) longer than this is refused. */
  static final int MAX_HEAD_BYTES = 64 * 1024;
  /** A chunk size line (with its extensions) longer than this is refused. */
  static final int MAX_CHUNK_LINE_BYTES = 1024;

  private enum State { IDLE, HEAD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, UNTIL_CLOSE, BROKEN }

  private final Listener listener;
  private State state = State.IDLE;
  private boolean headRequest;
  private boolean keepBody;
  /** The line being read (status line, header, chunk size or trailer), without its line end. */
  private byte[] line = new byte[256];
  private int lineLength;
  private int headBytes;
  private boolean statusLineRead;
  private int status;
  private boolean closing;
  private boolean chunked;
  private long contentLength;
  private long remaining;
  private Buffer body;

  ResponseReader(Listener listener) {
    this.listener = listener;
  }

  /** A request was sent: the next bytes are its response ({@code headRequest}: a HEAD, whose response has no body). */
  void expect(boolean headRequest, boolean keepBody) {
    this.headRequest = headRequest;
    this.keepBody = keepBody;
    startHead();
  }

  private void startHead() {
    state = State.HEAD;
    lineLength = 0;
    headBytes = 0;
    statusLineRead = false;
    status = 0;
    closing = false;
    chunked = false;
    contentLength = -1;
    body = null;
  }

  /** Whether a response is being waited for or read. */
  boolean reading() {
    return state != State.IDLE && state != State.BROKEN;
  }

  /** Bytes from the connection. */
  void feed(Buffer data) {
    int i = 0;
    int n = data.length();
    while (i < n) {
      switch (state) {
        case IDLE -> {
          fail("bytes from the server without a request in flight");
          return;
        }
        case BROKEN -> {
          return;
        }
        case FIXED, CHUNK_DATA -> {
          int take = (int) Math.min(remaining, n - i);
          if (keepBody) {
            body.appendBuffer(data, i, take);
          }
          i += take;
          remaining -= take;
          if (remaining == 0) {
            if (state == State.FIXED) {
              complete();
            } else {
              state = State.CHUNK_END;
            }
          }
        }
        case UNTIL_CLOSE -> {
          if (keepBody) {
            body.appendBuffer(data, i, n - i);
          }
          i = n;
        }
        default -> i = readLine(data, i, n);
      }
    }
  }

  /**
   * Reads line bytes from {@code i}; at a line end, handles the line. Returns where reading stopped. A head (or the
   * trailers) is bounded as a whole by {@link #MAX_HEAD_BYTES}, a chunk size line by {@link #MAX_CHUNK_LINE_BYTES}.
   */
  private int readLine(Buffer data, int i, int n) {
    boolean head = state == State.HEAD || state == State.TRAILERS;
    while (i < n) {
      byte b = data.getByte(i++);
      if (head && ++headBytes > MAX_HEAD_BYTES) {
        fail("a response head over " + MAX_HEAD_BYTES + " bytes");
        return n;
      }
      if (b == '\n') {
        int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
        lineLength = 0;
        line(length);
        return i;
      }
      if (!head && lineLength == MAX_CHUNK_LINE_BYTES) {
        fail("a chunk line over " + MAX_CHUNK_LINE_BYTES + " bytes");
        return n;
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return i;
  }

  private void line(int length) {
    switch (state) {
      case HEAD -> headLine(length);
      case CHUNK_SIZE -> chunkSize(length);
      case CHUNK_END -> {
        if (length != 0) {
          fail("no line end after a chunk's data");
        } else {
          state = State.CHUNK_SIZE;
        }
      }
      case TRAILERS -> {
        if (length == 0) {
          complete();
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void headLine(int length) {
    if (!statusLineRead) {
      statusLine(length);
      return;
    }
    if (length > 0) {
      header(length);
      return;
    }
    // the end of the head
    if (status < 200 && status != 101) {
      boolean close = closing;
      startHead(); // an interim response: the final one follows
      closing = close;
      return;
    }
    if (headRequest || status == 204 || status == 304 || status == 101) {
      complete();
    } else if (chunked) {
      body = keepBody ? Buffer.buffer() : null;
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      body = keepBody ? Buffer.buffer((int) Math.min(contentLength, 1 << 20)) : null;
      remaining = contentLength;
      if (remaining == 0) {
        complete();
      } else {
        state = State.FIXED;
      }
    } else {
      body = keepBody ? Buffer.buffer() : null;
      closing = true;
      state = State.UNTIL_CLOSE;
    }
  }

  /** {@code HTTP/1.1 200 OK}: the version and a three-digit status. */
  private void statusLine(int length) {
    if (length < 12 || !startsWith("HTTP/1.", length) || line[8] != ' '
        || !digit(line[9]) || !digit(line[10]) || !digit(line[11]) || (length > 12 && line[12] != ' ')) {
      fail("not an HTTP/1.x status line: '" + text(0, Math.min(length, 80)) + "'");
      return;
    }
    statusLineRead = true;
    status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (line[7] == '0') {
      closing = true; // HTTP/1.0 closes unless it says keep-alive
    }
  }

  private void header(int length) {
    int colon = 0;
    while (colon < length && line[colon] != ':') {
      colon++;
    }
    if (colon == length || colon == 0) {
      fail("a header line without a name and a colon: '" + text(0, Math.min(length, 80)) + "'");
      return;
    }
    if (nameIs("content-length", colon)) {
      long value = number(colon + 1, length);
      if (value < 0 || (contentLength >= 0 && value != contentLength)) {
        fail("an invalid Content-Length: '" + text(colon + 1, length).trim() + "'");
        return;
      }
      contentLength = value;
    } else if (nameIs("transfer-encoding", colon)) {
      String codings = text(colon + 1, length).trim().toLowerCase(Locale.ROOT);
      chunked = codings.endsWith("chunked");
    } else if (nameIs("connection", colon)) {
      String value = text(colon + 1, length).toLowerCase(Locale.ROOT);
      if (value.contains("close")) {
        closing = true;
      } else if (value.contains("keep-alive")) {
        closing = false;
      }
    }
  }

  private void chunkSize(int length) {
    long size = 0;
    int digits = 0;
    for (int k = 0; k < length && line[k] != ';'; k++) {
      int d = Character.digit(line[k], 16);
      if (d < 0) {
        if (line[k] == ' ' || line[k] == '\t') {
          continue;
        }
        fail("an invalid chunk size: '" + text(0, Math.min(length, 40)) + "'");
        return;
      }
      if (++digits > 15) {
        fail("a chunk size too large");
        return;
      }
      size = size * 16 + d;
    }
    if (digits == 0) {
      fail("an empty chunk size line");
      return;
    }
    if (size == 0) {
      headBytes = 0;
      state = State.TRAILERS;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  /** The connection closed: ends a body read to the close; any other unfinished response fails. */
  void closed() {
    if (state == State.UNTIL_CLOSE) {
      complete();
    } else if (reading()) {
      fail("the connection closed before the response ended");
    }
  }

  private void complete() {
    Buffer b = body;
    body = null;
    state = State.IDLE;
    listener.response(status, closing, keepBody ? (b == null ? Buffer.buffer() : b) : null);
  }

  private void fail(String why) {
    state = State.BROKEN;
    body = null;
    listener.malformed(why);
  }

  private boolean startsWith(String prefix, int length) {
    if (length < prefix.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (line[k] != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the header name {@code line[0..colon)} is {@code lowerName}, ignoring case. */
  private boolean nameIs(String lowerName, int colon) {
    if (colon != lowerName.length()) {
      return false;
    }
    for (int k = 0; k < colon; k++) {
      int c = line[k];
      if (c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c != lowerName.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The decimal number in {@code line[from..to)} between optional blanks, or -1. */
  private long number(int from, int to) {
    while (from < to && (line[from] == ' ' || line[from] == '\t')) {
      from++;
    }
    while (to > from && (line[to - 1] == ' ' || line[to - 1] == '\t')) {
      to--;
    }
    if (from == to || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int k = from; k < to; k++) {
      if (!digit(line[k])) {
        return -1;
      }
      v = v * 10 + (line[k] - '0');
    }
    return v;
  }

  private static boolean digit(byte b) {
    return b >= '0' && b <= '9';
  }

  private String text(int from, int to) {
    return new String(line, from, Math.max(0, to - from), StandardCharsets.ISO_8859_1);
  }
}
