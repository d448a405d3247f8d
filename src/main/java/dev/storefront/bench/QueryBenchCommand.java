package dev.storefront.bench;

import dev.storefront.config.Settings;
import dev.storefront.db.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code storefront bench queries}: P processes each with one event loop and C
 * pipelined connections, each firing N product queries at once straight at PostgreSQL.
 */
@Command(name = "queries", mixinStandardHelpOptions = true,
    description = {"P processes, each one Vert.x event loop with C pipelined connections, each running N concurrent",
        "product queries (GET /products/{id}'s query, WHERE p.product_id = <id>). Timing starts when every process is connected."})
public final class QueryBenchCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  DatabaseOptions database;

  @Option(names = "--processes", defaultValue = "5", paramLabel = "P", description = "processes (default ${DEFAULT-VALUE})")
  int processes;

  @Option(names = "--connections", defaultValue = "1", paramLabel = "C", description = "pipelined connections per process (default ${DEFAULT-VALUE})")
  int connections;

  @Option(names = "--queries", defaultValue = "10000", paramLabel = "N", description = "concurrent queries per process (default ${DEFAULT-VALUE})")
  int queries;

  @Option(names = "--product-id", defaultValue = "100", paramLabel = "ID", description = "product queried (default ${DEFAULT-VALUE}); it must have SKUs")
  int productId;

  @Option(names = "--warmup", defaultValue = "5s", paramLabel = "W", converter = DurationConverter.class,
      description = "unmeasured time each process keeps N queries in flight before the common start, for the JIT"
          + " (default ${DEFAULT-VALUE}; 0: measure from a cold start)")
  Duration warmup;

  @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
      description = "instead of N queries once: keep N queries in flight per process for this long (e.g. 15s) and"
          + " count the answers, as pgbench -T does (default: off: N queries once, timed to the last answer)")
  Duration duration;

  @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "give up after this long (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--max-error-rate", defaultValue = "0.01", paramLabel = "X", description = "exit 1 above this error rate (default ${DEFAULT-VALUE})")
  double maxErrorRate;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    QueryBench.Plan plan;
    Settings settings = database.settings();
    try (Database db = openDatabase(settings)) {
      try {
        plan = new QueryBench.Plan(db.url().uri(), processes, connections, queries, productId, warmup.toMillis(),
            duration == null ? 0 : duration.toMillis(), timeoutSeconds * 1000L);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      QueryBench.Result result = QueryBench.run(plan);
      double errorRate = result.errorRate();
      String text = result.describe();
      if (result.rows() == 0) {
        errorRate = 1.0;
        text += "  product " + productId + " has no SKUs in " + db.describe()
            + ": load the sample data (storefront db init) or pass another --product-id\n";
      }
      return BenchOutput.report(spec, json, "bench queries", result.toJson().put("database", db.describe()), text,
          errorRate, maxErrorRate);
    }
  }

  /**
   * The database hook: {@code --db-url} / {@code db.url} when set, else the embedded PostgreSQL (started, and loaded
   * with the sample data, for the duration of the command by {@link Database#open}).
   */
  static Database openDatabase(Settings settings) {
    return Database.open(settings);
  }
}
