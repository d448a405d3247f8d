package dev.storefront.bench;

import dev.storefront.config.Settings;
import dev.storefront.config.SettingsOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The options of a bench command that starts Storefronts ({@code serve}) of its own: which jar, which PostgreSQL. */
final class LaunchOptions {

  @Option(names = "--jar", paramLabel = "JAR", description = "Storefront jar to start (default: the jar running this command)")
  Path jar;

  @Option(names = "--db-url", paramLabel = "URL",
      description = "PostgreSQL for the Storefronts started (setting db.url; empty: one embedded for the command)")
  String dbUrl;

  @Option(names = "--ready-timeout", defaultValue = "120s", converter = DurationConverter.class, paramLabel = "T",
      description = "time Storefront gets to become ready (default ${DEFAULT-VALUE})")
  Duration readyTimeout;

  /** The jar to start: --jar, else the one running this command; a usage error when there is neither. */
  Path jar(CommandSpec spec) {
    Path storefront = jar != null ? jar : StorefrontProcess.thisJar();
    if (storefront == null) {
      throw new ParameterException(spec.commandLine(), spec.qualifiedName() + " starts Storefront from its jar: run it "
          + "from target/storefront.jar (mvn package) or pass --jar");
    }
    return storefront;
  }

  /** The settings, with --db-url as db.url when given. */
  Settings settings(SettingsOptions settingsOptions) {
    Map<String, String> flags = new HashMap<>();
    if (dbUrl != null) {
      flags.put("db.url", dbUrl);
    }
    return settingsOptions.load(flags);
  }
}
