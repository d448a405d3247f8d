package dev.storefront.bench;

import dev.storefront.config.Settings;
import dev.storefront.config.SettingsOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;

/** The options of a bench command that needs PostgreSQL: the settings ({@code --config}, {@code --set}) and --db-url. */
final class DatabaseOptions {

  @Mixin
  SettingsOptions settingsOptions;

  @Option(names = "--db-url", paramLabel = "URL",
      description = "PostgreSQL to use (setting db.url; empty: an embedded one, started for the command)")
  String dbUrl;

  /** The settings, with --db-url as db.url when given. */
  Settings settings() {
    Map<String, String> flags = new HashMap<>();
    if (dbUrl != null) {
      flags.put("db.url", dbUrl);
    }
    return settingsOptions.load(flags);
  }
}
