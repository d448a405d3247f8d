package dev.storefront.jobs;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/**
 * What a job counts: a 1-gram file (an already resolved path) or customer feedback (all, or one product's), with
 * an optional partition size (bytes for files, rows for feedback; 0 = automatic).
 */
public record JobSpec(Path file, Integer productId, boolean feedback, long partitionSize) {

  public static JobSpec file(Path file, long partitionBytes) {
    return new JobSpec(file, null, false, partitionBytes);
  }

  public static JobSpec feedback(Integer productId, long partitionRows) {
    return new JobSpec(null, productId, true, partitionRows);
  }

  public JsonObject describe() {
    JsonObject s = new JsonObject().put("type", feedback ? "feedback" : "ngrams");
    if (feedback) {
      s.put("productId", productId);
    } else {
      s.put("path", file.toString());
    }
    return s;
  }
}
