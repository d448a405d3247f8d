package dev.storefront.jobs;

import dev.storefront.config.Settings;
import dev.storefront.config.SettingsOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code storefront wordcount FILE}: counts a 1-gram file with worker verticles. Without {@code --url}: in this
 * process (a local Vert.x, {@code --workers} workers, the same coordinator as the service). With {@code --url}: as a
 * job of a running cluster (FILE is then relative to the cluster's {@code jobs.dataDir}), following its progress.
 */
@Command(name = "wordcount", mixinStandardHelpOptions = true,
    description = "Count words of a Google Books 1-gram file (plain or .gz) with worker verticles, here or on a cluster.")
public final class WordCountCommand implements Callable<Integer> {

  @Mixin
  SettingsOptions settingsOptions;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the 1-gram file")
  String file;

  @Option(names = "--word", paramLabel = "W", description = "print the count of this word (repeatable)")
  List<String> words = new ArrayList<>();

  @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "print the N most frequent words (default: ${DEFAULT-VALUE})")
  int top;

  @Option(names = "--workers", paramLabel = "K", description = "worker verticles (setting jobs.workersPerNode; default: cores)")
  Integer workers;

  @Option(names = "--partition-bytes", paramLabel = "B", description = "bytes per partition (setting jobs.partitionBytes; default: automatic)")
  Long partitionBytes;

  @Option(names = "--url", paramLabel = "http://host:port", description = "submit to a running cluster instead of counting here")
  String url;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (top < 0 || top > JobRoutes.MAX_TOP) {
      throw new ParameterException(spec.commandLine(), "--top must be between 0 and " + JobRoutes.MAX_TOP);
    }
    Map<String, String> flags = new HashMap<>();
    if (workers != null) {
      flags.put("jobs.workersPerNode", String.valueOf(workers));
    }
    if (partitionBytes != null) {
      flags.put("jobs.partitionBytes", String.valueOf(partitionBytes));
    }
    Settings settings = settingsOptions.load(flags);
    ProgressDisplay progress = new ProgressDisplay(System.err, System.console() != null);
    JsonObject answer;
    try {
      answer = url == null ? runHere(settings, progress) : runOnCluster(settings, progress);
    } finally {
      progress.finish();
    }
    if (answer.containsKey("error")) {
      spec.commandLine().getErr().println("storefront: wordcount failed: " + answer.getString("error"));
      return 1;
    }
    print(answer);
    return 0;
  }

  private JsonObject runHere(Settings settings, ProgressDisplay progress) throws Exception {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new ParameterException(spec.commandLine(), "no such file: " + file);
    }
    quietLogs();
    Vertx vertx = Vertx.vertx();
    try {
      await(JobService.deploy(vertx, settings));
      JobService jobs = JobService.of(vertx);
      long id = await(jobs.submit(JobSpec.file(path.toRealPath(), settings.longValue("jobs.partitionBytes"))));
      MessageConsumer<JsonObject> events = vertx.eventBus().consumer(JobAddresses.EVENTS_PREFIX + id,
          m -> progress.update(m.body().getLong("done", 0L), m.body().getLong("total", 0L)));
      JsonObject end = await(jobs.awaitTerminal(id));
      events.unregister();
      if (!"succeeded".equals(end.getString("state"))) {
        return new JsonObject().put("error", end.getString("error", end.getString("state")));
      }
      progress.update(end.getLong("total", 0L), end.getLong("total", 0L));
      return jobs.localResult(id).answer(words, top);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The path the cluster resolves against its data directory: a local file inside this machine's
   * {@code jobs.dataDir} is sent relative to it (so {@code wordcount target/data/x.tsv --url ...} works from the
   * project directory); anything else is sent as given.
   */
  private String clusterPath(Settings settings) {
    Path local = Path.of(file).toAbsolutePath().normalize();
    Path dataDir = Path.of(settings.string("jobs.dataDir")).toAbsolutePath().normalize();
    return local.startsWith(dataDir) && Files.exists(local) ? dataDir.relativize(local).toString() : file;
  }

  private JsonObject runOnCluster(Settings settings, ProgressDisplay progress) throws Exception {
    JobApiClient client = new JobApiClient(url);
    JsonObject request = new JsonObject().put("source", new JsonObject().put("type", "ngrams").put("path", clusterPath(settings)));
    if (partitionBytes != null) {
      request.put("partitionBytes", partitionBytes);
    }
    JsonObject end = client.run(request, state -> progress.update(state.getLong("done", 0L), state.getLong("total", 0L)));
    if (end.containsKey("error") && !end.containsKey("state")) {
      return end;
    }
    long id = end.getLong("id");
    if (!"succeeded".equals(end.getString("state"))) {
      return new JsonObject().put("error", "job " + id + " " + end.getString("state") + ": " + end.getString("error", ""));
    }
    StringBuilder query = new StringBuilder("?top=" + top);
    for (String w : words) {
      query.append("&word=").append(URLEncoder.encode(w, StandardCharsets.UTF_8));
    }
    try {
      return new JsonObject(client.get("/jobs/" + id + "/result" + query));
    } catch (IOException e) {
      return new JsonObject().put("error", e.getMessage());
    }
  }

  private void print(JsonObject a) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonObject o = new JsonObject();
      for (String k : List.of("lines", "distinctWords", "totalCount", "malformedLines", "partitions", "seconds", "words", "top")) {
        o.put(k, a.getValue(k));
      }
      out.println(o.encode());
    } else {
      double seconds = a.getDouble("seconds");
      double reduce = a.getDouble("reduceSeconds", 0.0);
      out.printf("%d lines (%d malformed), %d distinct words, total count %d, %d partitions, %.3f s "
              + "(reduce after the last map %.3f s = %.1f%%; merges overlapping the maps %.3f s)%n",
          a.getLong("lines"), a.getLong("malformedLines"), a.getLong("distinctWords"), a.getLong("totalCount"),
          a.getInteger("partitions"), seconds, reduce, seconds > 0 ? 100 * reduce / seconds : 0.0,
          a.getDouble("mergeSeconds", 0.0));
      JsonObject counts = a.getJsonObject("words");
      for (String w : counts.fieldNames()) {
        out.printf("%s\t%d%n", w, counts.getLong(w));
      }
      JsonArray topList = a.getJsonArray("top");
      if (!topList.isEmpty()) {
        out.println("top " + topList.size() + ":");
        for (Object o : topList) {
          JsonArray e = (JsonArray) o;
          out.printf("  %s\t%d%n", e.getString(0), e.getLong(1));
        }
      }
    }
    out.flush();
  }

  /** The node's INFO lines go to stdout: keep them out of this command's output (warnings still show). */
  private static void quietLogs() {
    org.slf4j.Logger root = org.slf4j.LoggerFactory.getLogger("dev.storefront");
    if (root instanceof ch.qos.logback.classic.Logger) {
      ((ch.qos.logback.classic.Logger) root).setLevel(ch.qos.logback.classic.Level.WARN);
    }
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get();
  }
}
