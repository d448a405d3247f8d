package dev.storefront.jobs;

import dev.storefront.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.storefront.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code wordcount} and {@code data ngrams} as a user runs them: standalone, and against a running node via --url. */
class WordCountCommandTest {

  @TempDir
  static Path dir;
  private static Path file;
  private static ReferenceCount reference;
  private static Vertx server;
  private static int port;

  @BeforeAll
  static void data() throws Exception {
    file = dir.resolve("gen.tsv");
    assertEquals(0, run(new DataCommand(), "ngrams", "--lines", "120000", "--out", file.toString(), "--seed", "3").exit);
    reference = ReferenceCount.of(file);
    server = Vertx.vertx();
    port = JobsTesting.serve(server, Settings.defaults().with("jobs.dataDir", dir.toString()).with("jobs.workersPerNode", 2));
  }

  @AfterAll
  static void stop() {
    await(server.close());
  }

  record Outcome(int exit, String out, String err) {
  }

  private static Outcome run(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Outcome(exit, out.toString(), err.toString());
  }

  private static void assertAnswer(JsonObject o) {
    assertEquals(List.of("lines", "distinctWords", "totalCount", "malformedLines", "partitions", "seconds", "words", "top"),
        List.copyOf(o.fieldNames()));
    assertEquals(reference.lines, o.getLong("lines"));
    assertEquals(reference.counts.size(), o.getLong("distinctWords"));
    assertEquals(reference.total(), o.getLong("totalCount"));
    Map.Entry<String, Long> some = reference.counts.entrySet().iterator().next();
    assertEquals(some.getValue(), o.getJsonObject("words").getLong(some.getKey()));
    assertEquals(0L, o.getJsonObject("words").getLong("zzz-absent"));
    JsonArray top = o.getJsonArray("top");
    assertEquals(3, top.size());
    assertEquals(reference.counts.values().stream().mapToLong(Long::longValue).max().orElseThrow(), top.getJsonArray(0).getLong(1));
    assertTrue(o.getDouble("seconds") > 0);
  }

  @Test
  @DisplayName("data ngrams writes the requested number of lines, deterministically")
  void dataNgrams() throws Exception {
    Path again = dir.resolve("again.tsv");
    assertEquals(0, run(new DataCommand(), "ngrams", "--lines", "120000", "--out", again.toString(), "--seed", "3").exit);
    assertEquals(-1, Files.mismatch(file, again));
  }

  @Test
  @DisplayName("standalone wordcount --json prints exactly one object with the exact counts")
  void standaloneJson() {
    Outcome o = run(new WordCountCommand(), file.toString(), "--json", "--workers", "2", "--partition-bytes", "100000",
        "--top", "3", "--word", reference.counts.keySet().iterator().next(), "--word", "zzz-absent");
    assertEquals(0, o.exit, o.err);
    assertEquals(1, o.out.strip().lines().count(), o.out);
    JsonObject answer = new JsonObject(o.out.strip());
    assertAnswer(answer);
    assertTrue(answer.getInteger("partitions") >= 18);
  }

  @Test
  @DisplayName("wordcount --url submits to a running node, follows progress and prints the same answer")
  void viaUrl() {
    Outcome o = run(new WordCountCommand(), "gen.tsv", "--url", "http://127.0.0.1:" + port, "--json", "--top", "3",
        "--partition-bytes", "200000", "--word", reference.counts.keySet().iterator().next(), "--word", "zzz-absent");
    assertEquals(0, o.exit, o.err);
    assertAnswer(new JsonObject(o.out.strip()));
  }

  @Test
  @DisplayName("wordcount of a missing file fails with a message; --url with a path outside the data directory reports the 400")
  void errors() {
    Outcome missing = run(new WordCountCommand(), dir.resolve("none.tsv").toString());
    assertTrue(missing.exit != 0);
    assertTrue(missing.err.contains("no such file"), missing.err);
    Outcome outside = run(new WordCountCommand(), "../x.tsv", "--url", "http://127.0.0.1:" + port);
    assertEquals(1, outside.exit);
    assertTrue(outside.err.contains("400"), outside.err);
  }
}
