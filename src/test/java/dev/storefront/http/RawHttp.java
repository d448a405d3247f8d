package dev.storefront.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for tests that must send bytes no client library would: malformed request lines,
 * invalid UTF-8, broken chunked encoding. One request per connection; the bytes go out exactly as given, written on
 * their own thread so that a server answering (and closing) before the whole request is sent still has its answer read.
 */
final class RawHttp {

  /** An answer: status (-1 when the server closed or stayed silent without one), headers (lower-case names), body. */
  record Response(int status, Map<String, String> headers, String body, String problem) {

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The body as JSON, or {@code null} when it is not a JSON object. */
    JsonObject json() {
      try {
        return body == null || body.isEmpty() ? null : new JsonObject(body);
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      String shown = body == null ? "" : body.length() > 200 ? body.substring(0, 200) + "..." : body;
      return status + " " + headers.getOrDefault("content-type", "-") + " " + shown + (problem == null ? "" : " [" + problem + "]");
    }
  }

  private final int port;
  private final int timeoutMs;

  RawHttp(int port, int timeoutMs) {
    this.port = port;
    this.timeoutMs = timeoutMs;
  }

  /** A request from its text (ISO-8859-1, so every char below 256 is one byte) and a body of raw bytes. */
  static byte[] request(String head, byte[] body) {
    byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[h.length + body.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  Response exchange(byte[] request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      Thread writer = new Thread(() -> {
        try {
          out.write(request);
          out.flush();
        } catch (IOException e) {
          // the server answered and closed before reading everything: its answer is still read below
        }
      }, "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
      Response r = read(socket.getInputStream());
      writer.join(timeoutMs);
      return r;
    } catch (IOException e) {
      return new Response(-1, Map.of(), "", "connect: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(-1, Map.of(), "", "interrupted");
    }
  }

  private static Response read(InputStream raw) {
    Reader in = new Reader(raw);
    try {
      String statusLine = in.line();
      if (statusLine == null) {
        return new Response(-1, Map.of(), "", "closed without an answer");
      }
      String[] parts = statusLine.split(" ", 3);
      int status = Integer.parseInt(parts[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = in.line(); line != null && !line.isEmpty(); line = in.line()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      byte[] body;
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int size = Integer.parseInt(in.line().trim(), 16); size > 0; size = Integer.parseInt(in.line().trim(), 16)) {
          b.write(in.bytes(size));
          in.line();
        }
        body = b.toByteArray();
      } else if (headers.containsKey("content-length")) {
        body = in.bytes(Integer.parseInt(headers.get("content-length")));
      } else {
        body = in.rest();
      }
      return new Response(status, headers, new String(body, StandardCharsets.UTF_8), null);
    } catch (SocketTimeoutException e) {
      return new Response(-1, Map.of(), "", "no answer in time");
    } catch (IOException | RuntimeException e) {
      return new Response(-1, Map.of(), "", "unreadable answer: " + e);
    }
  }

  /** Byte-wise reading of lines and counted bytes from one stream. */
  private static final class Reader {
    private final InputStream in;

    Reader(InputStream in) {
      this.in = in;
    }

    String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        b.write(c);
      }
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] bytes(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length < n) {
        throw new IOException("body ended after " + b.length + " of " + n + " bytes");
      }
      return b;
    }

    byte[] rest() throws IOException {
      return in.readAllBytes();
    }
  }
}
