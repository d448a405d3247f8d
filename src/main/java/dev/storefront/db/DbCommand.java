package dev.storefront.db;

import dev.storefront.config.SettingsOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code storefront db init}: schema and sample data into the configured (or embedded) database. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Database administration.",
    subcommands = {DbCommand.Init.class})
public final class DbCommand {

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = "Create the schema and load the sample data (idempotent: loads only into empty tables).")
  static final class Init implements Callable<Integer> {

    @Mixin
    SettingsOptions settings;

    @Option(names = "--db-url", paramLabel = "URL", description = "postgresql://user:pass@host:port/db (setting db.url)")
    String dbUrl;

    @Override
    public Integer call() {
      Map<String, String> flags = new HashMap<>();
      if (dbUrl != null) {
        flags.put("db.url", dbUrl);
      }
      try (Database db = Database.open(settings.load(flags))) {
        DbInit.Report report = db.init();
        System.out.println("database: " + db.describe());
        report.counts().forEach((table, n) -> System.out.printf("  %-18s %,9d rows%s%n", table, n,
            report.loaded().get(table) ? "  (loaded now)" : ""));
        System.out.println("done in " + report.millis() + " ms");
      }
      return 0;
    }
  }
}
