package dev.storefront.dashboard;

import dev.storefront.failure.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reports that {@code bench} commands leave in {@code dashboard.benchDir} ({@code target/bench}): the HTML
 * pages ({@code http-<stamp>/report.html}, {@code scaling.html}, ...) newest first, and any file of that directory
 * by its relative path, never one outside it (symbolic links followed and checked). Blocking: call off the event
 * loop.
 */
final class BenchReports {

  /** How deep below the directory reports are looked for ({@code http-<stamp>/report.html} is depth 2). */
  static final int DEPTH = 3;
  static final int MAX_REPORTS = 50;
  static final int MAX_PATH_CHARS = 512;

  /** The file types served, by extension; anything else is a 404 (HdrHistogram logs, GC logs: open them locally). */
  static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "svg", "image/svg+xml",
      "png", "image/png",
      "json", "application/json",
      "csv", "text/csv; charset=utf-8",
      "txt", "text/plain; charset=utf-8");

  private final Path dir;

  BenchReports(String dir) {
    this.dir = Path.of(dir);
  }

  /**
   * {@code {"dir": ..., "reports": [{"path": "http-.../report.html", "run": "http-...", "modifiedAt": ms, "bytes": n}]}},
   * the {@value #MAX_REPORTS} newest HTML files; no reports (not an error) when the directory does not exist.
   */
  JsonObject list() {
    JsonArray reports = new JsonArray();
    JsonObject answer = new JsonObject().put("dir", dir.toString()).put("reports", reports);
    if (!Files.isDirectory(dir)) {
      return answer;
    }
    List<JsonObject> found = new ArrayList<>();
    try (Stream<Path> walk = Files.find(dir, DEPTH, (p, a) -> a.isRegularFile() && p.toString().endsWith(".html"))) {
      walk.forEach(p -> {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        BasicFileAttributes attrs = attributes(p);
        int slash = rel.lastIndexOf('/');
        found.add(new JsonObject()
            .put("path", rel)
            .put("run", slash < 0 ? rel.substring(0, rel.length() - ".html".length()) : rel.substring(0, slash))
            .put("modifiedAt", attrs == null ? 0 : attrs.lastModifiedTime().toMillis())
            .put("bytes", attrs == null ? -1 : attrs.size()));
      });
    } catch (IOException | UncheckedIOException e) {
      throw Failure.unavailable("cannot list the bench reports in " + dir + ": " + e.getMessage(), 5);
    }
    found.sort(Comparator.comparingLong((JsonObject r) -> r.getLong("modifiedAt")).reversed()
        .thenComparing(r -> r.getString("path")));
    found.stream().limit(MAX_REPORTS).forEach(reports::add);
    return answer;
  }

  /**
   * The real path of {@code requested} (relative, '/'-separated) inside the directory: 400 for a path that is
   * absolute, has {@code .} or {@code ..} segments, a backslash, a NUL or a control character, or leads (also
   * through a link) outside; 404 when there is no such regular file or its type is not one of {@link #TYPES}.
   */
  Path resolve(String requested) {
    if (requested == null || requested.isEmpty()) {
      throw Failure.notFound("name a report file: /bench/reports/<path>");
    }
    if (requested.length() > MAX_PATH_CHARS) {
      throw Failure.invalid("a report path has at most " + MAX_PATH_CHARS + " characters");
    }
    if (requested.startsWith("/") || requested.indexOf('\\') >= 0
        || requested.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw Failure.invalid("a report path is relative, without backslashes or control characters");
    }
    for (String segment : requested.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw Failure.invalid("a report path has no empty, '.' or '..' segments");
      }
    }
    if (type(requested) == null) {
      throw Failure.notFound("no report file '" + requested + "' (served: " + String.join(", ", TYPES.keySet().stream().sorted().toList()) + ")");
    }
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException e) {
      throw Failure.notFound("no bench reports: " + dir + " does not exist");
    }
    Path real;
    try {
      real = root.resolve(requested).toRealPath();
    } catch (NoSuchFileException e) {
      throw Failure.notFound("no report file '" + requested + "'");
    } catch (IOException e) {
      throw Failure.notFound("cannot read report file '" + requested + "'");
    }
    if (!real.startsWith(root)) {
      throw Failure.invalid("the report path leads outside " + dir);
    }
    if (!Files.isRegularFile(real)) {
      throw Failure.notFound("no report file '" + requested + "'");
    }
    return real;
  }

  /** The content type of a file by its extension, or null when such files are not served. */
  static String type(String path) {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? null : TYPES.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
  }

  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }
}
