package dev.storefront.jobs;

import dev.storefront.failure.Failure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Resolves a file source against {@code jobs.dataDir}: the real path (symlinks followed) must lie inside the real
 * data directory, else 400; a missing file is 404. Blocking: call it off the event loop.
 */
public final class DataDir {

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
}
