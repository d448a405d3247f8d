package dev.storefront.jobs;

import dev.storefront.failure.Failure;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Resolves a file source against {@code jobs.dataDir}: the real path (symlinks followed) must lie inside the real
 * data directory, else 400; a missing file is 404; {@link #list} names the files a job may count. Blocking: call
 * both off the event loop.
 */
public final class DataDir {

  /** How deep {@link #list} looks below the data directory. */
  static final int LIST_DEPTH = 3;

  private DataDir() {
  }

  public static Path resolve(String dataDir, String requested) {
    if (requested == null || requested.isBlank()) {
      throw Failure.invalid("source.path is required");
    }
    if (requested.indexOf('\0') >= 0) {
      throw Failure.invalid("source.path contains a NUL character");
    }
    Path root;
    try {
      root = Path.of(dataDir).toRealPath();
    } catch (IOException e) {
      throw Failure.notFound("the data directory " + dataDir + " does not exist");
    }
    Path candidate = root.resolve(requested).normalize();
    if (!candidate.startsWith(root)) {
      throw Failure.invalid("source.path must lie inside the data directory, got '" + requested + "'");
    }
    Path real;
    try {
      real = candidate.toRealPath();
    } catch (NoSuchFileException e) {
      throw Failure.notFound("no file '" + requested + "' in the data directory");
    } catch (IOException e) {
      throw Failure.invalid("cannot read '" + requested + "': " + e.getMessage());
    }
    if (!real.startsWith(root)) {
      throw Failure.invalid("source.path must lie inside the data directory (it links outside), got '" + requested + "'");
    }
    if (!Files.isRegularFile(real)) {
      throw Failure.invalid("source.path is not a regular file: '" + requested + "'");
    }
    return real;
  }

  /**
   * Up to {@code max} regular files of the data directory (not through symbolic links), by path:
   * {@code [{"path": "a/b.tsv", "bytes": n}, ...]}; empty when the directory does not exist.
   */
  public static JsonArray list(String dataDir, int max) {
    Path root = Path.of(dataDir);
    JsonArray files = new JsonArray();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.find(root, LIST_DEPTH, (p, attrs) -> attrs.isRegularFile())) {
      walk.map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(rel -> !rel.startsWith(".") && !rel.contains("/."))
          .sorted(Comparator.naturalOrder())
          .limit(max)
          .forEach(rel -> files.add(new JsonObject().put("path", rel).put("bytes", size(root.resolve(rel)))));
    } catch (IOException | UncheckedIOException e) {
      throw Failure.unavailable("cannot list the data directory " + dataDir + ": " + e.getMessage(), 5);
    }
    return files;
  }

  private static long size(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).size();
    } catch (IOException e) {
      return -1;
    }
  }
}
